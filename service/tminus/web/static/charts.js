// Charts as inline SVG: a vehicle's flights by year, its risk flight by flight, and a plan's
// options as risk against capacity margin (or date). Each draws into a <figure>'s .chart-body.
import { svg } from './dom.js';
import { day, kg, pct, span } from './format.js';

const W = 600;
const H = 220;
const RISK_FLOOR = 5e-4;
const RISK_TICKS = [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1];

function niceTicks(max, wanted) {
  if (max <= 0) return [0];
  const raw = max / wanted;
  const base = 10 ** Math.floor(Math.log10(raw));
  // Counts: whole steps only.
  const step = Math.max(1, [1, 2, 5, 10].map((m) => m * base).find((s) => s >= raw));
  // From 0 to the first tick at or above max, so the tallest bar stays inside the axis.
  const ticks = [0];
  while (ticks[ticks.length - 1] < max) ticks.push(ticks[ticks.length - 1] + step);
  return ticks;
}

/** A log scale of probabilities over [low, high] (with a margin) onto [bottom, top] pixels. */
function riskScale(lows, highs, bottom, top) {
  const low = Math.max(RISK_FLOOR, Math.min(...lows) / 1.3);
  const high = Math.min(1, Math.max(...highs) * 1.3);
  const [l0, l1] = [Math.log10(low), Math.log10(Math.max(high, low * 2))];
  const y = (p) => bottom - ((Math.log10(Math.max(p, RISK_FLOOR)) - l0) / (l1 - l0)) * (bottom - top);
  // Log-scale ticks, skipping any that would print over the one below it.
  const ticks = [];
  for (const t of RISK_TICKS) {
    if (t >= low && t <= high && (!ticks.length || y(ticks[ticks.length - 1]) - y(t) >= 13)) ticks.push(t);
  }
  return { y, ticks };
}

/** Horizontal grid lines with their labels on the left axis. */
function yGrid(chart, ticks, y, m, label) {
  for (const t of ticks) {
    chart.append(
      svg('line', { x1: m.left, x2: W - m.right, y1: y(t), y2: y(t), class: 'grid' }),
      svg('text', { x: m.left - 6, y: y(t) + 4, class: 'tick', 'text-anchor': 'end' }, label(t)),
    );
  }
}

const riskLabel = (t) => `${+(t * 100).toPrecision(2)}%`;

function show(figure, chart) {
  figure.querySelector('.chart-body').replaceChildren(chart);
  figure.hidden = false;
}

/** Flights per year, failures stacked in red. */
export function drawYears(figure, flights) {
  const years = new Map();
  for (const f of flights) {
    const year = Number(f.date.slice(0, 4));
    const entry = years.get(year) || { ok: 0, failed: 0 };
    entry[f.failed ? 'failed' : 'ok'] += 1;
    years.set(year, entry);
  }
  const firstYear = Math.min(...years.keys());
  const lastYear = Math.max(...years.keys());
  const m = { left: 38, right: 10, top: 10, bottom: 28 };
  const plotW = W - m.left - m.right;
  const plotH = H - m.top - m.bottom;
  const n = lastYear - firstYear + 1;
  const most = Math.max(...[...years.values()].map((e) => e.ok + e.failed));
  const ticks = niceTicks(most, 4);
  const top = ticks[ticks.length - 1] || 1;
  const y = (v) => m.top + plotH - (v / top) * plotH;
  const band = plotW / n;
  const chart = svg('svg', {
    viewBox: `0 0 ${W} ${H}`,
    role: 'img',
    'aria-label': `Flights per year, ${firstYear} to ${lastYear}, failures in red`,
  });
  yGrid(chart, ticks, y, m, String);
  const labelEvery = Math.max(1, Math.ceil(n / 8));
  for (let year = firstYear; year <= lastYear; year += 1) {
    const i = year - firstYear;
    const entry = years.get(year) || { ok: 0, failed: 0 };
    const x = m.left + i * band + band * 0.1;
    const w = Math.max(band * 0.8, 1);
    const title = svg('title', {}, `${year}: ${entry.ok + entry.failed} flights, ${entry.failed} failed`);
    const group = svg('g', { class: 'bar' }, title);
    if (entry.ok) group.append(svg('rect', { x, width: w, y: y(entry.ok), height: y(0) - y(entry.ok), class: 'ok' }));
    if (entry.failed) {
      const total = entry.ok + entry.failed;
      group.append(svg('rect', { x, width: w, y: y(total), height: y(entry.ok) - y(total), class: 'fail' }));
    }
    chart.append(group);
    if (i % labelEvery === 0) {
      chart.append(svg('text', { x: x + w / 2, y: H - 6, class: 'tick', 'text-anchor': 'middle' }, String(year)));
    }
  }
  chart.append(svg('line', { x1: m.left, x2: W - m.right, y1: y(0), y2: y(0), class: 'axis' }));
  show(figure, chart);
}

/**
 * A vehicle's failure probability flight by flight (log scale) with its 90% band, its failures,
 * and `now` (the answer for a launch on `date`) as the next flight. Pointing at the chart writes
 * that flight's figures into `readout`.
 */
export function drawRisk(figure, flights, now, { date, readout }) {
  const points = flights.map((f) => ({ n: f.flight, date: f.date, p: f.probability, lo: f.interval[0], hi: f.interval[1], failed: f.failed }));
  const next = now ? { n: points.length + 1, date, p: now.probability, lo: now.interval[0], hi: now.interval[1], next: true } : null;
  const all = next ? [...points, next] : points;
  const m = { left: 46, right: 14, top: 10, bottom: 28 };
  const plotW = W - m.left - m.right;
  const plotH = H - m.top - m.bottom;
  const { y, ticks } = riskScale(all.map((d) => d.lo), all.map((d) => d.hi), m.top + plotH, m.top);
  const lastN = Math.max(all[all.length - 1].n, 2);
  const x = (n) => m.left + ((n - 1) / (lastN - 1)) * plotW;
  const chart = svg('svg', {
    viewBox: `0 0 ${W} ${H}`,
    role: 'img',
    'aria-label': 'Failure probability by flight number, log scale, with its 90% interval',
  });
  yGrid(chart, ticks, y, m, riskLabel);
  for (const t of niceTicks(lastN, 6)) {
    if (t < 1 || t > lastN) continue;
    chart.append(svg('text', { x: x(t), y: H - 10, class: 'tick', 'text-anchor': 'middle' }, String(t)));
  }
  const upper = points.map((d) => `${x(d.n).toFixed(1)},${y(d.hi).toFixed(1)}`);
  const lower = points.map((d) => `${x(d.n).toFixed(1)},${y(d.lo).toFixed(1)}`).reverse();
  chart.append(svg('polygon', { points: [...upper, ...lower].join(' '), class: 'band' }));
  chart.append(svg('polyline', { points: points.map((d) => `${x(d.n).toFixed(1)},${y(d.p).toFixed(1)}`).join(' '), class: 'line' }));
  for (const d of points.filter((p) => p.failed)) {
    chart.append(svg('circle', { cx: x(d.n), cy: y(d.p), r: 4, class: 'fail' }, svg('title', {}, `Flight ${d.n} (${day(d.date)}) failed; risk was ${pct(d.p)}`)));
  }
  if (next) {
    chart.append(
      svg('line', { x1: x(next.n), x2: x(next.n), y1: y(next.lo), y2: y(next.hi), class: 'now-bar' }),
      svg('circle', { cx: x(next.n), cy: y(next.p), r: 4.5, class: 'now' }, svg('title', {}, `Next flight, on ${next.date}: ${pct(next.p)} (${span([next.lo, next.hi])})`)),
    );
  }
  chart.append(svg('line', { x1: m.left, x2: W - m.right, y1: m.top + plotH, y2: m.top + plotH, class: 'axis' }));
  const guide = svg('line', { y1: m.top, y2: m.top + plotH, class: 'guide', visibility: 'hidden' });
  const marker = svg('circle', { r: 3.5, class: 'marker', visibility: 'hidden' });
  const overlay = svg('rect', { x: m.left, y: m.top, width: plotW, height: plotH, class: 'overlay' });
  chart.append(guide, marker, overlay);
  const describe = (d) => (d.next
    ? `Next flight (${d.n}, on ${d.date}): ${pct(d.p)}, 90% interval ${span([d.lo, d.hi])}`
    : `Flight ${d.n} (${day(d.date)}): ${pct(d.p)}, 90% interval ${span([d.lo, d.hi])}${d.failed ? ' — failed' : ''}`);
  const idle = next ? describe(next) : describe(points[points.length - 1]);
  readout.textContent = `${idle}. Point at the chart for any flight.`;
  overlay.addEventListener('mousemove', (event) => {
    const matrix = chart.getScreenCTM();
    if (!matrix) return;
    const px = (event.clientX - matrix.e) / matrix.a;
    const n = Math.round(1 + ((px - m.left) / plotW) * (lastN - 1));
    const d = all[Math.min(Math.max(n, 1), all.length) - 1];
    guide.setAttribute('x1', x(d.n));
    guide.setAttribute('x2', x(d.n));
    guide.setAttribute('visibility', 'visible');
    marker.setAttribute('cx', x(d.n));
    marker.setAttribute('cy', y(d.p));
    marker.setAttribute('visibility', 'visible');
    readout.textContent = describe(d);
  });
  overlay.addEventListener('mouseleave', () => {
    guide.setAttribute('visibility', 'hidden');
    marker.setAttribute('visibility', 'hidden');
    readout.textContent = `${idle}. Point at the chart for any flight.`;
  });
  show(figure, chart);
}

/** A log scale of masses in kg onto [left, right] pixels, with 1-2-5 ticks ("500 kg", "2 t"). */
function massScale(masses, left, right) {
  const low = Math.max(1, Math.min(...masses) / 1.6);
  const high = Math.max(low * 10, Math.max(...masses) * 1.6);
  const [l0, l1] = [Math.log10(low), Math.log10(high)];
  const x = (mass) => left + ((Math.log10(Math.max(mass, 1)) - l0) / (l1 - l0)) * (right - left);
  const ticks = [];
  for (let decade = Math.floor(l0); decade <= Math.ceil(l1); decade += 1) {
    for (const m of [1, 2, 5]) {
      const t = m * 10 ** decade;
      if (t >= low && t <= high && (!ticks.length || x(t) - x(ticks[ticks.length - 1]) >= 44)) ticks.push(t);
    }
  }
  const label = (t) => (t >= 1000 ? `${+(t / 1000).toPrecision(3)} t` : `${t} kg`);
  return { x, ticks, label };
}

/** A linear scale of days between two ISO dates onto [left, right] pixels, with about 5 ticks. */
function dateScale(first, last, left, right) {
  const t0 = Date.parse(first);
  const t1 = Math.max(Date.parse(last), t0 + 86400000);
  const x = (iso) => left + ((Date.parse(iso) - t0) / (t1 - t0)) * (right - left);
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => new Date(t0 + f * (t1 - t0)).toISOString());
  return { x, ticks, label: day };
}

/**
 * A plan's options: failure probability (log scale, with the 90% interval) against the capacity
 * margin in kg (log scale) when the plan has a payload mass, else against the planned date over
 * the window. Pareto-optimal options are filled; each point is labelled with its rank.
 * Returns how many options could not be placed (an unknown margin).
 */
export function drawPlan(figure, plan) {
  const byMargin = plan.payload_mass_kg !== null && plan.payload_mass_kg !== undefined;
  const points = plan.options.map((o) => ({
    option: o,
    at: byMargin ? o.feasibility.margin_kg : o.date,
    p: o.failure.probability,
    lo: o.failure.interval[0],
    hi: o.failure.interval[1],
  }));
  const placed = points.filter((d) => d.at !== null && d.at !== undefined);
  const m = { left: 52, right: 18, top: 12, bottom: 40 };
  const plotH = H - m.top - m.bottom;
  const chart = svg('svg', {
    viewBox: `0 0 ${W} ${H}`,
    role: 'img',
    'aria-label': byMargin
      ? 'Failure probability against capacity margin, both on log scales; Pareto-optimal options filled'
      : 'Failure probability, log scale, against the planned date; Pareto-optimal options filled',
  });
  if (!placed.length) {
    show(figure, chart);
    return points.length;
  }
  const scale = byMargin
    ? massScale(placed.map((d) => d.at), m.left, W - m.right)
    : dateScale(plan.earliest_date, plan.latest_date, m.left, W - m.right);
  const { y, ticks } = riskScale(placed.map((d) => d.lo), placed.map((d) => d.hi), m.top + plotH, m.top);
  yGrid(chart, ticks, y, m, riskLabel);
  for (const t of scale.ticks) {
    const x = scale.x(t);
    chart.append(
      svg('line', { x1: x, x2: x, y1: m.top, y2: m.top + plotH, class: 'grid' }),
      // The last label ends at its tick rather than past the chart's edge.
      svg('text', { x, y: m.top + plotH + 15, class: 'tick', 'text-anchor': x > W - m.right - 30 ? 'end' : 'middle' }, scale.label(t)),
    );
  }
  chart.append(
    svg('line', { x1: m.left, x2: W - m.right, y1: m.top + plotH, y2: m.top + plotH, class: 'axis' }),
    svg('text', { x: (m.left + W - m.right) / 2, y: H - 4, class: 'axis-title', 'text-anchor': 'middle' },
      byMargin ? 'capacity margin (log scale)' : 'planned date'),
    svg('text', { x: 12, y: m.top + plotH / 2, class: 'axis-title', 'text-anchor': 'middle', transform: `rotate(-90 12 ${m.top + plotH / 2})` },
      'P(failure)'),
  );
  // Dominated options first, so the Pareto front is drawn on top; rank labels in rank order,
  // each left out where it would print over one already placed.
  const order = [...placed].sort((a, b) => Number(a.option.pareto_optimal) - Number(b.option.pareto_optimal));
  const labelled = [];
  const free = (lx, ly) => labelled.every(([x0, y0]) => Math.abs(x0 - lx) > 14 || Math.abs(y0 - ly) > 11);
  const labelAt = new Map();
  for (const d of [...placed].sort((a, b) => a.option.rank - b.option.rank)) {
    const at = [scale.x(d.at) + 7, y(d.p) - 5];
    if (free(...at)) {
      labelled.push(at);
      labelAt.set(d, at);
    }
  }
  for (const d of order) {
    const o = d.option;
    const cx = scale.x(d.at);
    const where = `#${o.rank} ${o.vehicle}, ${o.site}/${o.pad}, ${day(o.date)}`;
    const margin = o.feasibility.margin_kg === null ? '' : `, margin ${kg(o.feasibility.margin_kg)}`;
    const label = labelAt.get(d);
    chart.append(svg('g', {
      class: `option${o.pareto_optimal ? ' pareto' : ''}`,
      dataset: { rank: o.rank, pareto: o.pareto_optimal },
    },
    svg('title', {}, `${where}: ${pct(d.p)} (90% interval ${span([d.lo, d.hi])})${margin}${o.pareto_optimal ? '; Pareto-optimal' : ''}`),
    svg('line', { x1: cx, x2: cx, y1: y(d.lo), y2: y(d.hi), class: 'whisker' }),
    svg('circle', { cx, cy: y(d.p), r: o.pareto_optimal ? 5.5 : 4.5 }),
    label ? svg('text', { x: label[0], y: label[1], class: 'rank' }, String(o.rank)) : null));
  }
  show(figure, chart);
  return points.length - placed.length;
}
