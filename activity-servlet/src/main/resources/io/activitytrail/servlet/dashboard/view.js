// Rendering. Every value from the API becomes a text node (textContent), never HTML.

const SEVERITIES = ['info', 'warning', 'error', 'critical'];

/** An element with attributes (set one by one) and children (strings become text nodes). */
export function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v !== null && v !== undefined && v !== false) e.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children) {
    if (c === null || c === undefined || c === '') continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

export function clear(node) {
  node.replaceChildren();
}

/** Nothing for null, undefined and the empty string; the value as text otherwise. */
export function text(value) {
  if (value === null || value === undefined) return '';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

const pad = (n) => String(n).padStart(2, '0');

/** An ISO-8601 instant in the viewer's time zone: 2026-11-01 09:30:05. */
export function localTime(iso) {
  if (typeof iso !== 'string' || iso === '') return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.getFullYear() + '-' + pad(d.getMonth() + 1) + '-' + pad(d.getDate()) + ' '
    + pad(d.getHours()) + ':' + pad(d.getMinutes()) + ':' + pad(d.getSeconds());
}

export function timeZone() {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'local time';
  } catch (e) {
    return 'local time';
  }
}

function obj(value) {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? value : {};
}

function join(parts, sep) {
  return parts.map(text).filter((p) => p !== '').join(sep);
}

/** "Firefox 128 on Windows 11 (desktop)" from device_info. */
export function device(info) {
  const d = obj(info);
  const browser = join([d.browser, d.browser_version], ' ');
  const os = join([d.os, d.os_version], ' ');
  let s = browser && os ? browser + ' on ' + os : browser || os;
  const type = text(d.device_type);
  if (type) s = s ? s + ' (' + type + ')' : type;
  return s;
}

/** "Lyon, Auvergne-Rhône-Alpes, France" from location_info. */
export function place(info) {
  const l = obj(info);
  return join([l.city, l.region, l.country || l.country_code], ', ');
}

export function severityBadge(severity) {
  const s = text(severity);
  const known = SEVERITIES.includes(s) ? s : 'other';
  return el('span', { class: 'badge sev-' + known }, s);
}

export function has(activity, field) {
  return Object.prototype.hasOwnProperty.call(activity, field) && activity[field] !== null && activity[field] !== undefined;
}

/** Stats cards from GET /stats. */
export function renderCards(dl, stats) {
  clear(dl);
  const by = obj(stats.by_severity);
  const card = (label, value, key, extra) => {
    const div = el('div', { class: 'card' + (extra ? ' ' + extra : ''), 'data-card': key },
      el('dt', null, label), el('dd', null, value === '' ? '—' : value));
    dl.append(div);
  };
  card('Activities', text(stats.total), 'total');
  for (const s of SEVERITIES) card(s[0].toUpperCase() + s.slice(1), text(by[s] ?? 0), s, 'sev-card sev-' + s);
  card('Failed logins', text(stats.failed_logins), 'failed_logins');
  card('Last login', localTime(stats.last_login_at), 'last_login_at');
  card('Devices', text(stats.distinct_devices), 'distinct_devices');
  card('IP addresses', text(stats.distinct_ips), 'distinct_ips');
}

/** The breakdown by action, busiest first; each action filters the table. */
export function renderBreakdown(ul, byAction, onPick) {
  clear(ul);
  const entries = Object.entries(obj(byAction)).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  if (entries.length === 0) {
    ul.append(el('li', { class: 'muted' }, 'No activity in this window.'));
    return;
  }
  const max = Math.max(1, ...entries.map((e) => Number(e[1]) || 0));
  for (const [action, count] of entries) {
    const button = el('button', { type: 'button', class: 'link', 'aria-label': 'Show only ' + action + ' (' + count + ')' }, action);
    button.addEventListener('click', () => onPick(action));
    const meter = el('meter', { min: 0, max, value: Number(count) || 0, 'aria-hidden': 'true' });
    ul.append(el('li', { 'data-action': action }, button, meter, el('span', { class: 'count' }, text(count))));
  }
}

/** One table row per activity; only fields that are present are shown. */
export function renderRows(tbody, activities, showIp, onDetail) {
  clear(tbody);
  for (const a of activities) {
    const time = el('time', { datetime: text(a.created_at), title: text(a.created_at) }, localTime(a.created_at));
    const details = el('button', { type: 'button', class: 'secondary small',
      'aria-label': 'Details of ' + text(a.action) + ' at ' + localTime(a.created_at) }, 'Details');
    details.addEventListener('click', () => onDetail(a, details));
    // data-label heads each cell where the table is shown as a list (narrow screens).
    const cell = (col, label, content, cls) => el('td', { 'data-col': col, 'data-label': label, class: cls }, content);
    const cells = [
      cell('time', 'Time', time),
      cell('action', 'Action', el('code', null, text(a.action))),
      cell('description', 'Description', text(a.description), 'wrap-text'),
      cell('severity', 'Severity', severityBadge(a.severity)),
      cell('device', 'Device', device(a.device_info), 'wrap-text'),
      cell('location', 'Location', place(a.location_info)),
    ];
    if (showIp) cells.push(cell('ip', 'IP', text(a.ip_address)));
    cells.push(cell('details', '', details));
    tbody.append(el('tr', { 'data-id': text(a.id) }, ...cells));
  }
}

const FIELD_LABELS = [
  ['created_at', 'Time'], ['action', 'Action'], ['description', 'Description'], ['severity', 'Severity'],
  ['user_id', 'User'], ['ip_address', 'IP address'], ['user_agent', 'User agent'], ['device_info', 'Device'],
  ['location_info', 'Location'], ['session_id', 'Session (hash)'], ['request_id', 'Request id'], ['id', 'Id'],
];

/** The detail panel of one activity: every field present, and the metadata as JSON text. */
export function renderDetail(dl, pre, a) {
  clear(dl);
  for (const [field, label] of FIELD_LABELS) {
    if (!has(a, field)) continue;
    let value;
    if (field === 'created_at') value = localTime(a.created_at) + ' (' + timeZone() + '), ' + text(a.created_at);
    else if (field === 'device_info' || field === 'location_info') {
      const o = obj(a[field]);
      value = Object.keys(o).length === 0 ? '' : join(Object.entries(o).map(([k, v]) => k + ': ' + text(v)), ', ');
    } else value = text(a[field]);
    if (value === '') continue;
    dl.append(el('div', { 'data-field': field }, el('dt', null, label), el('dd', { class: 'wrap-text' }, value)));
  }
  pre.textContent = has(a, 'metadata') ? JSON.stringify(a.metadata, null, 2) : '';
  return has(a, 'metadata');
}
