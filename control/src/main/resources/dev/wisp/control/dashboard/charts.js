// Small SVG charts: a line chart over time and horizontal bars. The SVG scales with its box
// (viewBox), so one drawing fits any column width.

const NS = 'http://www.w3.org/2000/svg';
const W = 320;
const H = 120;
const PAD = {left: 44, right: 8, top: 8, bottom: 18};

function svg(tag, attrs = {}, text) {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  if (text !== undefined) el.textContent = text;
  return el;
}

function niceMax(v) {
  if (!(v > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

/**
 * Draws series [{label, color, values: [[t, v|null]]}] into the element; the time axis covers
 * windowMs up to now, so a quiet service shows a flat line rather than a stretched one.
 */
export function lineChart(container, {series, format, windowMs = 300000, now = Date.now(), title}) {
  const root = svg('svg', {viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': title, class: 'chart'});
  const all = series.flatMap((s) => s.values.map(([, v]) => v)).filter((v) => v !== null && Number.isFinite(v));
  const max = niceMax(Math.max(0, ...all));
  const x = (t) => PAD.left + ((t - (now - windowMs)) / windowMs) * (W - PAD.left - PAD.right);
  const y = (v) => H - PAD.bottom - (v / max) * (H - PAD.top - PAD.bottom);
  for (const frac of [0, 0.5, 1]) {
    const yy = y(max * frac);
    root.append(svg('line', {x1: PAD.left, x2: W - PAD.right, y1: yy, y2: yy, class: 'grid'}));
    root.append(svg('text', {x: PAD.left - 4, y: yy + 3, 'text-anchor': 'end', class: 'axis'}, format(max * frac)));
  }
  const span = windowMs < 120000 ? `${Math.round(windowMs / 1000)} s` : `${Math.round(windowMs / 60000)} min`;
  root.append(svg('text', {x: PAD.left, y: H - 4, class: 'axis'}, `-${span}`));
  root.append(svg('text', {x: W - PAD.right, y: H - 4, 'text-anchor': 'end', class: 'axis'}, 'now'));
  for (const s of series) {
    let d = '';
    let pen = false;
    for (const [t, v] of s.values) {
      if (t < now - windowMs || v === null || !Number.isFinite(v)) { pen = false; continue; }
      d += `${pen ? 'L' : 'M'}${x(t).toFixed(1)},${y(v).toFixed(1)}`;
      pen = true;
    }
    if (d) root.append(svg('path', {d, stroke: s.color, class: 'line'}));
  }
  if (!all.length) {
    root.append(svg('text', {x: W / 2, y: H / 2, 'text-anchor': 'middle', class: 'empty'}, 'no traffic yet'));
  }
  container.replaceChildren(root);
}

/** Horizontal bars [{label, value, text}] scaled to the largest value. */
export function barChart(container, rows, {title}) {
  const rowH = 22;
  const height = Math.max(rowH, rows.length * rowH);
  const root = svg('svg', {viewBox: `0 0 ${W} ${height}`, role: 'img', 'aria-label': title, class: 'chart'});
  const max = Math.max(...rows.map((r) => r.value || 0), 0) || 1;
  rows.forEach((r, i) => {
    const top = i * rowH;
    root.append(svg('text', {x: 0, y: top + 15, class: 'axis'}, r.label));
    const width = Math.max(2, ((r.value || 0) / max) * (W - 110 - 90)); // 90 units left for the figure
    root.append(svg('rect', {x: 110, y: top + 4, width, height: rowH - 8, rx: 2, class: `bar ${r.cls || ''}`}));
    root.append(svg('text', {x: 114 + width, y: top + 15, class: 'axis'}, r.text));
  });
  container.replaceChildren(root);
}
