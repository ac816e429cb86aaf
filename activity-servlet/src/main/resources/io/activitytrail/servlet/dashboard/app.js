// The dashboard: who the caller is (GET /me), then stats and timeline of the user in the URL.
import { ApiError, apiBase, deleteJson, describe, getJson, routes } from './api.js';
import { renderChart } from './chart.js';
import { clear, el, has, renderBreakdown, renderCards, renderDetail, renderRows, timeZone } from './view.js';

const $ = (id) => document.getElementById(id);
const DAYS = ['7', '30', '90', '365'];
const LIMITS = ['10', '20', '50', '100'];
const SEVERITIES = ['info', 'warning', 'error', 'critical'];
const DATE = /^\d{4}-\d{2}-\d{2}$/;

let me = null;
let generation = 0;
let controller = null;
// Keyset paging: the cursor of the page shown, and those of the pages before it (for "Newer").
let cursor = null;
let cursorStack = [];
let lastOpener = null;

/** The view in the URL: user, days, and the filters. Anything malformed is dropped. */
function readState() {
  const p = new URLSearchParams(location.search);
  const one = (name) => (p.get(name) || '').trim();
  const state = {
    user: one('user').slice(0, 128),
    days: DAYS.includes(one('days')) ? one('days') : '30',
    action: one('action').slice(0, 100),
    severity: p.getAll('severity').filter((s, i, all) => SEVERITIES.includes(s) && all.indexOf(s) === i),
    from: DATE.test(one('from')) ? one('from') : '',
    to: DATE.test(one('to')) ? one('to') : '',
    q: one('q').slice(0, 200),
    limit: LIMITS.includes(one('limit')) ? one('limit') : '20',
  };
  if (me && state.user === me.user_id) state.user = '';
  return state;
}

function toSearch(state) {
  const p = new URLSearchParams();
  if (state.user) p.set('user', state.user);
  if (state.days !== '30') p.set('days', state.days);
  if (state.action) p.set('action', state.action);
  for (const s of state.severity) p.append('severity', s);
  if (state.from) p.set('from', state.from);
  if (state.to) p.set('to', state.to);
  if (state.q) p.set('q', state.q);
  if (state.limit !== '20') p.set('limit', state.limit);
  const s = p.toString();
  return s ? '?' + s : '';
}

function navigate(state) {
  const target = location.pathname + toSearch(state);
  if (target !== location.pathname + location.search) history.pushState(null, '', target);
  cursor = null;
  cursorStack = [];
  load();
}

/** Local midnight of a yyyy-mm-dd day, as an instant; the "to" day is included whole. */
function dayStart(day, plusDays) {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(y, m - 1, d + plusDays).toISOString();
}

function fillForm(state) {
  $('f-action').value = state.action;
  for (const box of document.querySelectorAll('#filters input[name=severity]')) box.checked = state.severity.includes(box.value);
  $('f-from').value = state.from;
  $('f-to').value = state.to;
  $('f-q').value = state.q;
  $('f-limit').value = state.limit;
  $('days').value = state.days;
  $('lookup-user').value = state.user;
}

function formState() {
  const state = readState();
  state.action = $('f-action').value.trim();
  state.severity = [...document.querySelectorAll('#filters input[name=severity]:checked')].map((b) => b.value);
  state.from = DATE.test($('f-from').value) ? $('f-from').value : '';
  state.to = DATE.test($('f-to').value) ? $('f-to').value : '';
  state.q = $('f-q').value.trim();
  state.limit = LIMITS.includes($('f-limit').value) ? $('f-limit').value : '20';
  return state;
}

function showAlert(message) {
  const box = $('alert');
  box.textContent = message;
  box.hidden = message === '';
}

function setStatus(message) {
  $('status').textContent = message;
}

function whose(state) {
  return state.user ? 'the activity of ' + state.user : 'this activity';
}

async function load() {
  const state = readState();
  fillForm(state);
  const gen = ++generation;
  if (controller) controller.abort();
  controller = new AbortController();
  const signal = controller.signal;
  const r = routes(state.user || null);
  showAlert('');
  $('title').textContent = state.user ? 'Activity of ' + state.user : 'Your activity';
  $('erase').hidden = !(me.role === 'admin' && state.user);
  $('erase-target').textContent = state.user;
  closeErase();
  $('export-ndjson').href = r.exportUrl('ndjson').href;
  $('export-csv').href = r.exportUrl('csv').href;
  document.title = state.user ? 'Activity of ' + state.user : 'Your activity';
  await Promise.all([loadStats(state, r, gen, signal), loadTimeline(state, r, gen, signal)]);
  ready(gen);
}

// For tests and tools: the number of the last view that finished loading.
function ready(gen) {
  if (gen === generation) document.body.dataset.ready = String(gen);
}

function failed(error, state, gen) {
  if (error.name === 'AbortError' || gen !== generation) return;
  showAlert(describe(error instanceof ApiError ? error : new ApiError(0, 'network', String(error), null), whose(state)));
}

async function loadStats(state, r, gen, signal) {
  const section = $('summary');
  section.setAttribute('aria-busy', 'true');
  $('summary-state').textContent = 'Loading…';
  $('summary-state').hidden = false;
  const url = new URL(r.stats);
  url.searchParams.set('days', state.days);
  try {
    const stats = await getJson(url, signal);
    if (gen !== generation) return;
    renderCards($('cards'), stats);
    renderChart($('chart'), document.querySelector('#chart-table tbody'), stats.per_day);
    $('chart-caption').textContent = 'Activities per day (UTC), last ' + state.days + ' days';
    renderBreakdown($('by-action'), stats.by_action, (action) => {
      const s = readState();
      s.action = action;
      navigate(s);
      $('timeline-heading').focus();
    });
    const list = $('actions');
    clear(list);
    for (const action of Object.keys(stats.by_action || {}).sort()) list.append(el('option', { value: action }));
    $('summary-state').hidden = true;
  } catch (e) {
    if (e.name === 'AbortError' || gen !== generation) return;
    clear($('cards'));
    clear($('chart'));
    clear(document.querySelector('#chart-table tbody'));
    clear($('by-action'));
    $('summary-state').textContent = 'The summary could not be loaded.';
    failed(e, state, gen);
  } finally {
    if (gen === generation) section.setAttribute('aria-busy', 'false');
  }
}

async function loadTimeline(state, r, gen, signal) {
  const section = $('timeline');
  section.setAttribute('aria-busy', 'true');
  const note = $('timeline-state');
  note.textContent = 'Loading…';
  note.hidden = false;
  $('older').disabled = true;
  $('newer').disabled = true;
  const url = new URL(r.timeline);
  if (state.action) url.searchParams.append('action', state.action);
  for (const s of state.severity) url.searchParams.append('severity', s);
  if (state.from) url.searchParams.set('from', dayStart(state.from, 0));
  if (state.to) url.searchParams.set('to', dayStart(state.to, 1));
  if (state.q) url.searchParams.set('q', state.q);
  url.searchParams.set('limit', state.limit);
  if (cursor) url.searchParams.set('cursor', cursor);
  const tbody = document.querySelector('#rows tbody');
  try {
    const data = await getJson(url, signal);
    if (gen !== generation) return;
    const activities = Array.isArray(data.activities) ? data.activities : [];
    const showIp = activities.some((a) => has(a, 'ip_address'));
    $('ip-head').hidden = !showIp;
    renderRows(tbody, activities, showIp, openDetail);
    const page = cursorStack.length + 1;
    $('rows-caption').textContent = 'Times in ' + timeZone() + '.';
    $('page-label').textContent = activities.length === 0 ? '' : 'Page ' + page;
    const next = data.pagination && data.pagination.has_more ? data.pagination.next_cursor : null;
    $('older').disabled = !next;
    $('older').dataset.cursor = next || '';
    $('newer').disabled = cursorStack.length === 0;
    if (activities.length === 0) {
      note.textContent = page > 1 ? 'No more activity.' : 'No activity matches these filters.';
    } else {
      note.hidden = true;
    }
    setStatus(activities.length + (activities.length === 1 ? ' activity' : ' activities') + ' shown, page ' + page + '.');
  } catch (e) {
    if (e.name === 'AbortError' || gen !== generation) return;
    clear(tbody);
    $('page-label').textContent = '';
    note.textContent = 'The activity could not be loaded.';
    failed(e, state, gen);
  } finally {
    if (gen === generation) section.setAttribute('aria-busy', 'false');
  }
}

function page(forward) {
  const state = readState();
  const gen = ++generation;
  if (controller) controller.abort();
  controller = new AbortController();
  if (forward) {
    const next = $('older').dataset.cursor;
    if (!next) return;
    cursorStack.push(cursor);
    cursor = next;
  } else {
    if (cursorStack.length === 0) return;
    cursor = cursorStack.pop();
  }
  loadTimeline(state, routes(state.user || null), gen, controller.signal).then(() => ready(gen));
}

function openDetail(activity, opener) {
  lastOpener = opener;
  const metadata = renderDetail($('detail-fields'), $('detail-metadata'), activity);
  $('detail-metadata').hidden = !metadata;
  $('detail-metadata-heading').hidden = !metadata;
  $('detail').showModal();
  $('detail-close').focus();
}

function closeErase() {
  $('erase-confirm').hidden = true;
  $('erase-start').hidden = false;
  $('erase-typed').value = '';
  $('erase-go').disabled = true;
}

async function erase() {
  const state = readState();
  if (!state.user || $('erase-typed').value !== state.user) return;
  $('erase-go').disabled = true;
  try {
    const data = await deleteJson(routes(state.user).user);
    closeErase();
    setStatus('Erased ' + data.erased + ' activities of ' + state.user + '.');
    cursor = null;
    cursorStack = [];
    await load();
    setStatus('Erased ' + data.erased + ' activities of ' + state.user + '.');
  } catch (e) {
    $('erase-go').disabled = false;
    showAlert(describe(e instanceof ApiError ? e : new ApiError(0, 'network', String(e), null), 'erase the activity of ' + state.user));
  }
}

function wire() {
  $('filters').addEventListener('submit', (e) => {
    e.preventDefault();
    navigate(formState());
  });
  $('reset').addEventListener('click', () => {
    const s = readState();
    navigate({ ...s, action: '', severity: [], from: '', to: '', q: '' });
  });
  $('days').addEventListener('change', () => {
    const s = formState();
    s.days = DAYS.includes($('days').value) ? $('days').value : '30';
    navigate(s);
  });
  $('older').addEventListener('click', () => page(true));
  $('newer').addEventListener('click', () => page(false));
  $('lookup-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const user = $('lookup-user').value.trim();
    navigate({ ...readState(), user, action: '', severity: [], from: '', to: '', q: '' });
  });
  $('lookup-self').addEventListener('click', () => navigate({ ...readState(), user: '', action: '', severity: [], from: '', to: '', q: '' }));
  $('detail-close').addEventListener('click', () => $('detail').close());
  $('detail').addEventListener('close', () => {
    if (lastOpener && lastOpener.isConnected) lastOpener.focus();
  });
  $('erase-start').addEventListener('click', () => {
    $('erase-confirm').hidden = false;
    $('erase-start').hidden = true;
    $('erase-typed').focus();
  });
  $('erase-cancel').addEventListener('click', () => {
    closeErase();
    $('erase-start').focus();
  });
  $('erase-typed').addEventListener('input', () => {
    $('erase-go').disabled = $('erase-typed').value !== readState().user;
  });
  $('erase-confirm').addEventListener('submit', (e) => {
    e.preventDefault();
    erase();
  });
  window.addEventListener('popstate', () => {
    cursor = null;
    cursorStack = [];
    load();
  });
}

async function start() {
  wire();
  try {
    me = await getJson(new URL('me', apiBase));
  } catch (e) {
    for (const id of ['summary', 'timeline']) {
      $(id).setAttribute('aria-busy', 'false');
    }
    $('summary-state').textContent = '';
    $('timeline-state').textContent = '';
    showAlert(describe(e instanceof ApiError ? e : new ApiError(0, 'network', String(e), null), 'this page'));
    document.body.dataset.ready = 'error';
    return;
  }
  const role = me.role === 'admin' || me.role === 'support' ? me.role : 'user';
  $('who').textContent = 'Signed in as ' + me.user_id + ' (' + role + ' view)';
  $('lookup').hidden = role === 'user';
  document.body.dataset.role = role;
  await load();
}

start();
