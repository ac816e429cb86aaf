// The per-day chart: an SVG drawn here (attributes only, no style attributes) and a table beside it.
import { clear, el } from './view.js';

const NS = 'http://www.w3.org/2000/svg';
const W = 720;
const H = 180;
const PAD_LEFT = 0;
const PAD_BOTTOM = 2;
const PAD_TOP = 8;

function svg(tag, attrs, textValue) {
  const e = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, String(v));
  if (textValue !== undefined) e.textContent = String(textValue);
  return e;
}

/** Draws per_day ({"2026-11-01": 3, ...}, every day of the window) and fills the text table. */
export function renderChart(container, tbody, perDay) {
  clear(container);
  clear(tbody);
  const days = Object.entries(perDay && typeof perDay === 'object' ? perDay : {})
    .map(([day, n]) => [day, Number(n) || 0])
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const total = days.reduce((s, d) => s + d[1], 0);
  const max = Math.max(1, ...days.map((d) => d[1]));
  let busiest = null;
  for (const d of days) if (busiest === null || d[1] > busiest[1]) busiest = d;

  const summary = days.length === 0 ? 'No days in the window.'
    : total + ' activities over ' + days.length + ' days, from ' + days[0][0] + ' to ' + days[days.length - 1][0]
      + (total > 0 ? '; the busiest day was ' + busiest[0] + ' with ' + busiest[1] + '.' : '.');
  const root = svg('svg', { viewBox: '0 0 ' + W + ' ' + H, role: 'img', 'aria-labelledby': 'chart-title chart-desc',
    class: 'chart-svg', preserveAspectRatio: 'none' });
  root.append(svg('title', { id: 'chart-title' }, 'Activities per day'), svg('desc', { id: 'chart-desc' }, summary));

  const plotW = W - PAD_LEFT;
  const plotH = H - PAD_BOTTOM - PAD_TOP;
  root.append(svg('line', { x1: PAD_LEFT, y1: PAD_TOP + plotH, x2: W, y2: PAD_TOP + plotH, class: 'axis' }));
  const step = days.length === 0 ? 0 : plotW / days.length;
  const gap = step > 6 ? Math.min(4, step * 0.2) : 0;
  days.forEach(([day, n], i) => {
    const h = n === 0 ? 0 : Math.max(2, (n / max) * plotH);
    const bar = svg('rect', { x: (PAD_LEFT + i * step + gap / 2).toFixed(2), y: (PAD_TOP + plotH - h).toFixed(2),
      width: Math.max(0.5, step - gap).toFixed(2), height: h.toFixed(2), class: 'bar', 'data-day': day, 'data-count': n });
    bar.append(svg('title', null, day + ': ' + n));
    root.append(bar);
    tbody.append(el('tr', { 'data-day': day }, el('td', null, day), el('td', null, String(n))));
  });
  // Axis labels as HTML, so that they keep their size however wide the chart is drawn.
  const axis = el('div', { class: 'chart-axis', 'aria-hidden': 'true' },
    el('span', null, days.length ? days[0][0] : ''), el('span', null, 'highest: ' + (total > 0 ? busiest[1] : 0)),
    el('span', null, days.length ? days[days.length - 1][0] : ''));
  container.append(root, axis);
}
