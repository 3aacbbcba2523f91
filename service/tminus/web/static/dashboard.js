// T-Minus dashboard: plain JavaScript over the service's own JSON API, charts as inline SVG.
// No build step and nothing loaded from another origin, so it works with the browser offline.
'use strict';

(() => {
  const SVG_NS = 'http://www.w3.org/2000/svg';
  const MAX_BATCH = 10000;
  const READY_POLL_MS = 5000;
  const FALCONS = new Set(['falcon9', 'falconheavy']);
  const DEFAULT_ORBITS = ['LEO', 'SSO', 'ISS', 'MEO', 'GTO', 'GEO', 'HEO', 'TLI'];
  const STATUS_TEXT = {
    0: 'No answer from the service',
    400: 'The request could not be read',
    404: 'Not found',
    409: 'Conflict in the model registry',
    413: 'The request is too large',
    422: 'Invalid input',
    503: 'The service is not ready',
  };
  // Lower is better for every backtest metric but these.
  const HIGHER_IS_BETTER = new Set(['auc']);
  const COVERAGE = /^coverage_(\d+)$/;

  function readingGuide(columns) {
    const lower = columns.filter((c) => !HIGHER_IS_BETTER.has(c) && !COVERAGE.test(c));
    const parts = [];
    if (lower.length) parts.push(`Lower is better for ${lower.join(', ')}`);
    const higher = columns.filter((c) => HIGHER_IS_BETTER.has(c));
    if (higher.length) parts.push(`higher for ${higher.join(', ')}`);
    for (const c of columns.filter((name) => COVERAGE.test(name))) {
      parts.push(`${c} is best near 0.${c.match(COVERAGE)[1]}`);
    }
    return parts.length ? `${parts.join('; ')}.` : '';
  }

  const state = {
    date: new Date().toISOString().slice(0, 10),
    vehicles: [],
    risk: new Map(), // vehicle name -> launch_failure item for state.date
    riskSource: null, // provenance of those answers
    pads: [],
    padsByKey: new Map(),
    selected: null,
    sort: null,
    history: null,
    historyRequest: 0,
    ready: null,
    readyTimer: null,
  };

  // ---- small DOM helpers ------------------------------------------------------------------
  const $ = (selector) => document.querySelector(selector);

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    setAttrs(node, attrs);
    node.append(...children.filter((c) => c !== null && c !== undefined && c !== false));
    return node;
  }

  function svg(tag, attrs, ...children) {
    const node = document.createElementNS(SVG_NS, tag);
    setAttrs(node, attrs);
    node.append(...children.filter((c) => c !== null && c !== undefined));
    return node;
  }

  function setAttrs(node, attrs) {
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key === 'text') node.textContent = value;
      else if (key === 'dataset') Object.assign(node.dataset, value);
      else node.setAttribute(key, value === true ? '' : String(value));
    }
  }

  function fill(node, ...children) {
    node.replaceChildren(...children.filter((c) => c !== null && c !== undefined && c !== false));
    return node;
  }

  const normalise = (text) => String(text || '').toLowerCase().replace(/[^a-z0-9]+/g, '');

  // ---- formatting -------------------------------------------------------------------------
  const pct = (p) => `${(p * 100).toFixed(2)}%`;
  const span = ([low, high]) => `${pct(low)} – ${pct(high)}`;
  const day = (iso) => (iso ? String(iso).slice(0, 10) : '—');
  const count = (n) => Number(n).toLocaleString('en-US');
  const days = (d) => `${d.toFixed(1)} days`;

  function staleness(answer) {
    // How old the record behind an answer is, for the headline: a date after the data cutoff is
    // answered from the record as it stood at the cutoff.
    const late = answer.days_past_cutoff;
    if (!late) return null;
    const asOf = day(answer.as_of || answer.data_cutoff);
    return el('span', {
      class: 'stale',
      dataset: { field: 'staleness', value: late },
      text: `record read as of ${asOf}: ${count(late)} days before the date asked`,
    });
  }

  function provenance(answer, tag = 'p') {
    // Every figure names the model version that produced it.
    return el(
      tag,
      { class: 'version' },
      el('span', { class: 'model-name', text: answer.model }),
      ' version ',
      el('code', { dataset: { field: 'version' }, text: answer.version }),
      answer.data_cutoff ? ` · data to ${answer.data_cutoff}` : '',
    );
  }

  // ---- the API ----------------------------------------------------------------------------
  class ApiError extends Error {
    constructor(status, problems) {
      super(problems.map((p) => p.msg).join('; '));
      this.status = status;
      this.problems = problems;
    }
  }

  async function api(path, { body, text = false } = {}) {
    let response;
    try {
      response = await fetch(path, {
        method: body === undefined ? 'GET' : 'POST',
        headers: body === undefined ? { accept: 'application/json' } : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (error) {
      throw new ApiError(0, [{ loc: [], msg: `cannot reach the T-Minus service (${error.message})` }]);
    }
    const raw = await response.text();
    if (!response.ok) {
      let problems = null;
      try {
        const parsed = JSON.parse(raw);
        if (Array.isArray(parsed.detail)) problems = parsed.detail;
      } catch (_) {
        // not JSON: fall through to the raw text
      }
      throw new ApiError(response.status, problems || [{ loc: [], msg: raw.slice(0, 300) || response.statusText }]);
    }
    if (text) return raw;
    return JSON.parse(raw);
  }

  // ---- errors, shown where they happen ----------------------------------------------------
  function showError(box, error, { title, onSuggestion } = {}) {
    const status = error instanceof ApiError ? error.status : -1;
    const problems = error instanceof ApiError ? error.problems : [{ loc: [], msg: String(error) }];
    const heading = status > 0
      ? `${title ? `${title}: ` : ''}${STATUS_TEXT[status] || (status >= 500 ? 'Server error' : 'Error')} (HTTP ${status})`
      : `${title ? `${title}: ` : ''}${STATUS_TEXT[0]}`;
    const list = el('ul');
    for (const problem of problems) {
      const where = (problem.loc || []).filter((part) => part !== 'body' && part !== 'query');
      // "model: model 'x' is not loaded" says the field twice; name it only when it adds.
      const named = where.length && !String(problem.msg).startsWith(`${where[where.length - 1]} `);
      const item = el(
        'li',
        {},
        named ? el('code', { class: 'loc', text: where.join('.') }) : null,
        el('span', { class: 'msg', text: problem.msg }),
      );
      const choices = problem.suggestions || problem.allowed || [];
      if (choices.length) {
        const picks = el('span', { class: 'suggestions' });
        for (const choice of choices.slice(0, 8)) {
          if (onSuggestion) {
            const button = el('button', { type: 'button', class: 'suggestion', text: choice });
            button.addEventListener('click', () => onSuggestion(choice, where));
            picks.append(button);
          } else {
            picks.append(el('code', { class: 'suggestion', text: choice }));
          }
        }
        item.append(picks);
      }
      list.append(item);
    }
    box.replaceChildren(el('strong', { class: 'error-title', text: heading }), list);
    box.dataset.status = String(status);
    box.hidden = false;
  }

  function clearError(box) {
    box.hidden = true;
    box.replaceChildren();
    delete box.dataset.status;
  }

  // ---- readiness --------------------------------------------------------------------------
  async function checkReady() {
    const pill = $('#status');
    const banner = $('#banner');
    let body = null;
    let status = 0;
    try {
      const response = await fetch('/readyz', { headers: { accept: 'application/json' } });
      status = response.status;
      body = await response.json();
    } catch (_) {
      status = 0;
    }
    const ready = status === 200;
    if (ready) {
      pill.dataset.state = 'ready';
      pill.textContent = `ready · ${Object.keys(body.models).length} models`;
      banner.hidden = true;
    } else if (status === 503 && body) {
      pill.dataset.state = 'not-ready';
      pill.textContent = 'not ready';
      const refused = Object.entries(body.refused || {}).map(([name, r]) => `${name} ${r.version} was refused: ${r.reason}`);
      fill(banner,
        el('strong', { text: 'The service is not ready (HTTP 503). ' }),
        `No verified champion of ${body.missing.join(', ')} is loaded yet, so figures from ${body.missing.length > 1 ? 'those models' : 'that model'} are unavailable. `,
        refused.length ? `${refused.join('; ')}. ` : '',
        'This page checks again every 5 seconds.',
      );
      banner.hidden = false;
    } else {
      pill.dataset.state = 'down';
      pill.textContent = 'unreachable';
      fill(banner,
        el('strong', { text: 'The T-Minus service does not answer. ' }),
        status ? `GET /readyz answered HTTP ${status}. ` : 'Is it running? ',
        'This page checks again every 5 seconds.',
      );
      banner.hidden = false;
    }
    const becameReady = ready && state.ready === false;
    state.ready = ready;
    if (!ready && state.readyTimer === null) {
      state.readyTimer = setInterval(checkReady, READY_POLL_MS);
    } else if (ready && state.readyTimer !== null) {
      clearInterval(state.readyTimer);
      state.readyTimer = null;
    }
    if (becameReady) loadAll();
  }

  // ---- vehicles ---------------------------------------------------------------------------
  async function loadVehicles() {
    const box = $('#vehicles-error');
    clearError(box);
    let list;
    try {
      list = await api('/v1/vehicles?limit=5000');
    } catch (error) {
      state.vehicles = [];
      renderTable();
      $('#history-panel').hidden = true;
      showError(box, error, { title: 'Vehicles unavailable' });
      return;
    }
    $('#history-panel').hidden = false;
    state.vehicles = list.vehicles;
    $('#attribution').textContent = list.attribution.join(' · ');
    $('#vehicle-names').replaceChildren(...list.vehicles.map((v) => el('option', { value: v.name })));
    renderTable();
    if (state.selected === null && list.vehicles.length) selectVehicle(leadingVehicle(list.vehicles));
    try {
      const risk = new Map();
      let source = null;
      for (let start = 0; start < list.vehicles.length; start += MAX_BATCH) {
        const chunk = list.vehicles.slice(start, start + MAX_BATCH);
        const answer = await api('/v1/launch-failure', {
          body: { items: chunk.map((v) => ({ vehicle: v.name, date: state.date })) },
        });
        answer.items.forEach((item, i) => risk.set(chunk[i].name, item));
        source = answer;
      }
      state.risk = risk;
      state.riskSource = source;
      const note = $('#vehicles-note');
      note.dataset.date = state.date;
      const first = source && source.items.length ? source.items[0] : null;
      note.replaceChildren(
        `P(failure) of a launch on ${state.date}, with its 90% interval, from `,
        provenance(source, 'span'),
        first && first.days_past_cutoff ? ' · ' : '',
        first ? staleness(first) || '' : '',
      );
    } catch (error) {
      state.risk = new Map();
      showError(box, error, { title: 'Failure probabilities unavailable' });
    }
    renderTable();
    // The chart's "next flight" point comes from these answers.
    if (state.history && state.history.vehicle === state.selected) renderHistory(state.history);
  }

  const SORT_KEYS = {
    name: (v) => v.name.toLowerCase(),
    family: (v) => v.family.toLowerCase(),
    provider: (v) => (v.provider || '').toLowerCase(),
    flights: (v) => v.flights,
    failures: (v) => v.failures,
    last_flight: (v) => v.last_flight || '',
    probability: (v) => (state.risk.has(v.name) ? state.risk.get(v.name).probability : -1),
  };

  function sortBy(key) {
    // A click sorts by a column (numbers and dates high first); a second click reverses it.
    const numeric = !['name', 'family', 'provider'].includes(key);
    state.sort = state.sort && state.sort.key === key
      ? { key, descending: !state.sort.descending }
      : { key, descending: numeric };
    for (const th of document.querySelectorAll('#vehicle-table th[data-sort]')) {
      th.setAttribute('aria-sort', th.dataset.sort !== key ? 'none' : state.sort.descending ? 'descending' : 'ascending');
    }
    renderTable();
  }

  function renderTable() {
    const query = normalise($('#vehicle-search').value);
    const rows = state.vehicles.filter(
      (v) => !query || [v.name, v.family, v.provider].some((n) => normalise(n).includes(query)),
    );
    if (state.sort) {
      const value = SORT_KEYS[state.sort.key];
      const sign = state.sort.descending ? -1 : 1;
      rows.sort((a, b) => (value(a) < value(b) ? -sign : value(a) > value(b) ? sign : 0));
    }
    const tbody = $('#vehicle-table tbody');
    tbody.replaceChildren(
      ...rows.map((v) => {
        const risk = state.risk.get(v.name);
        const row = el(
          'tr',
          { tabindex: 0, dataset: { vehicle: v.name }, class: v.name === state.selected ? 'selected' : null },
          el('th', { scope: 'row', text: v.name }),
          el('td', { text: v.family }),
          el('td', { text: v.provider || '—' }),
          el('td', { class: 'num', dataset: { field: 'flights' }, text: count(v.flights) }),
          el('td', { class: `num${v.failures ? ' has-failures' : ''}`, dataset: { field: 'failures' }, text: count(v.failures) }),
          el('td', { dataset: { field: 'last_flight' }, text: v.state === 'not yet flown' ? 'not yet flown' : day(v.last_flight) }),
          el('td', { class: 'num strong', dataset: { field: 'probability' }, text: risk ? pct(risk.probability) : '—' }),
          el('td', { class: 'num muted', dataset: { field: 'interval' }, text: risk ? span(risk.interval) : '—' }),
        );
        if (risk && risk.context && risk.context.vehicle !== v.name) {
          row.title = `The API answers for ${risk.context.vehicle} under this name.`;
        }
        return row;
      }),
    );
    const total = state.vehicles.length;
    $('#vehicle-count').textContent = query ? `${rows.length} of ${total} vehicles` : `${total} vehicles`;
  }

  function leadingVehicle(vehicles) {
    // The page opens on the most flown vehicle of the last year of data, ready to ask about.
    const latest = vehicles.reduce((m, v) => (v.last_flight && v.last_flight > m ? v.last_flight : m), '');
    const since = new Date(Date.parse(latest) - 365 * 86400000).toISOString();
    const active = vehicles.filter((v) => v.last_flight && v.last_flight >= since);
    const pick = (active.length ? active : vehicles).reduce((a, b) => (b.flights > a.flights ? b : a));
    if (!$('#f-vehicle').value) {
      $('#f-vehicle').value = pick.name;
      updatePadChoices();
    }
    return pick.name;
  }

  function onTablePick(event) {
    const row = event.target.closest('tr[data-vehicle]');
    if (!row) return;
    if (event.type === 'keydown' && event.key !== 'Enter' && event.key !== ' ') return;
    event.preventDefault();
    selectVehicle(row.dataset.vehicle);
  }

  // ---- a vehicle's history ----------------------------------------------------------------
  async function selectVehicle(name) {
    state.selected = name;
    for (const row of document.querySelectorAll('#vehicle-table tbody tr')) {
      row.classList.toggle('selected', row.dataset.vehicle === name);
    }
    const request = ++state.historyRequest;
    const box = $('#history-error');
    clearError(box);
    $('#history-title').textContent = name;
    $('#history-summary').textContent = 'Loading its history…';
    let history;
    try {
      history = await api(`/v1/vehicle-history?vehicle=${encodeURIComponent(name)}`);
    } catch (error) {
      if (request !== state.historyRequest) return;
      state.history = null;
      $('#history-summary').textContent = '';
      $('#chart-years').hidden = true;
      $('#chart-risk').hidden = true;
      $('#history-source').replaceChildren();
      showError(box, error, { title: `No history for ${name}` });
      return;
    }
    if (request !== state.historyRequest) return;
    state.history = history;
    renderHistory(history);
  }

  function renderHistory(history) {
    const first = history.history[0];
    const last = history.history[history.history.length - 1];
    const use = el('button', { type: 'button', class: 'link', text: 'Use in the what-if form ↓' });
    use.addEventListener('click', () => useInForm(history.vehicle));
    $('#history-title').textContent = history.vehicle;
    fill($('#history-summary'),
      `${history.family} family${history.provider ? `, ${history.provider}` : ''}: `,
      el('strong', { text: `${count(history.flights)} flights, ${count(history.failures)} failed` }),
      first ? `, ${day(first.date)} to ${day(last.date)}. ` : '. ',
      use,
    );
    drawYears($('#chart-years'), history.history);
    drawRisk($('#chart-risk'), history.history, state.risk.get(history.vehicle));
    fill($('#history-source'),
      'Probabilities from ',
      provenance(history, 'span'),
      el('span', {
        class: 'muted',
        text: 'Each flight is scored from the record as it stood just before it; in-sample, so it shows how risk moved with experience, not forecast skill (see Models).',
      }),
    );
  }

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

  function drawYears(figure, flights) {
    const years = new Map();
    for (const f of flights) {
      const year = Number(f.date.slice(0, 4));
      const entry = years.get(year) || { ok: 0, failed: 0 };
      entry[f.failed ? 'failed' : 'ok'] += 1;
      years.set(year, entry);
    }
    const firstYear = Math.min(...years.keys());
    const lastYear = Math.max(...years.keys());
    const W = 600;
    const H = 220;
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
    for (const t of ticks) {
      chart.append(
        svg('line', { x1: m.left, x2: W - m.right, y1: y(t), y2: y(t), class: 'grid' }),
        svg('text', { x: m.left - 6, y: y(t) + 4, class: 'tick', 'text-anchor': 'end' }, String(t)),
      );
    }
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
    figure.querySelector('.chart-body').replaceChildren(chart);
    figure.hidden = false;
  }

  function drawRisk(figure, flights, now) {
    const points = flights.map((f) => ({ n: f.flight, date: f.date, p: f.probability, lo: f.interval[0], hi: f.interval[1], failed: f.failed }));
    const next = now ? { n: points.length + 1, date: state.date, p: now.probability, lo: now.interval[0], hi: now.interval[1], next: true } : null;
    const all = next ? [...points, next] : points;
    const W = 600;
    const H = 220;
    const m = { left: 46, right: 14, top: 10, bottom: 28 };
    const plotW = W - m.left - m.right;
    const plotH = H - m.top - m.bottom;
    const floor = 5e-4;
    const low = Math.max(floor, Math.min(...all.map((d) => d.lo)) / 1.3);
    const high = Math.min(1, Math.max(...all.map((d) => d.hi)) * 1.3);
    const [l0, l1] = [Math.log10(low), Math.log10(Math.max(high, low * 2))];
    const lastN = Math.max(all[all.length - 1].n, 2);
    const x = (n) => m.left + ((n - 1) / (lastN - 1)) * plotW;
    const y = (p) => m.top + plotH - ((Math.log10(Math.max(p, floor)) - l0) / (l1 - l0)) * plotH;
    const chart = svg('svg', {
      viewBox: `0 0 ${W} ${H}`,
      role: 'img',
      'aria-label': 'Failure probability by flight number, log scale, with its 90% interval',
    });
    // Log-scale ticks, skipping any that would print over the one below it.
    const ticks = [];
    for (const t of [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1]) {
      if (t >= low && t <= high && (!ticks.length || y(ticks[ticks.length - 1]) - y(t) >= 13)) ticks.push(t);
    }
    for (const t of ticks) {
      chart.append(
        svg('line', { x1: m.left, x2: W - m.right, y1: y(t), y2: y(t), class: 'grid' }),
        svg('text', { x: m.left - 6, y: y(t) + 4, class: 'tick', 'text-anchor': 'end' }, `${+(t * 100).toPrecision(2)}%`),
      );
    }
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
    const readout = $('#risk-readout');
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
    figure.querySelector('.chart-body').replaceChildren(chart);
    figure.hidden = false;
  }

  // ---- pads and the what-if form ----------------------------------------------------------
  async function loadPads() {
    try {
      const list = await api('/v1/pads?limit=5000');
      state.pads = list.pads;
      state.padsByKey = new Map(list.pads.map((p) => [`${p.site}/${p.pad}`, p]));
      const own = padsOf($('#f-vehicle').value);
      if (own.length && !$('#f-pad').value) $('#f-pad').value = `${own[0].site}/${own[0].pad}`;
    } catch (_) {
      state.pads = [];
      state.padsByKey = new Map();
    }
    updatePadChoices();
  }

  function padsOf(vehicle) {
    const key = normalise(vehicle);
    if (!key) return [];
    return state.pads
      .filter((p) => p.vehicles.some((v) => normalise(v) === key))
      .sort((a, b) => String(b.last_flight || '').localeCompare(String(a.last_flight || '')));
  }

  function updatePadChoices() {
    const own = padsOf($('#f-vehicle').value);
    const pads = own.length ? own : state.pads;
    $('#pad-names').replaceChildren(
      ...pads.map((p) => el('option', { value: `${p.site}/${p.pad}`, label: `${p.vehicles.slice(0, 3).join(', ')} · last ${day(p.last_flight)}` })),
    );
    $('#f-landing').disabled = !FALCONS.has(normalise($('#f-vehicle').value));
  }

  async function loadOrbits() {
    let orbits = DEFAULT_ORBITS;
    try {
      const detail = await api('/v1/models/booster_landing');
      const known = detail.feature_schema && detail.feature_schema.orbit && detail.feature_schema.orbit.known;
      if (Array.isArray(known) && known.length) orbits = known;
    } catch (_) {
      // the defaults will do
    }
    $('#orbit-names').replaceChildren(...orbits.map((o) => el('option', { value: o })));
  }

  function useInForm(vehicle) {
    $('#f-vehicle').value = vehicle;
    const pads = padsOf(vehicle);
    $('#f-pad').value = pads.length ? `${pads[0].site}/${pads[0].pad}` : '';
    updatePadChoices();
    $('#whatif').scrollIntoView({ behavior: 'smooth' });
    $('#f-date').focus({ preventScroll: true });
  }

  function parsePad(text) {
    // "CC/LC40" as listed is a site and a pad; anything else goes to the API as a pad name.
    const known = state.padsByKey.get(text);
    return known ? { site: known.site, pad: known.pad } : { pad: text };
  }

  function readForm() {
    const vehicle = $('#f-vehicle').value.trim();
    const padText = $('#f-pad').value.trim();
    const date = $('#f-date').value;
    const orbit = $('#f-orbit').value.trim();
    const mass = $('#f-mass').value.trim();
    const optional = {};
    if (orbit) optional.orbit = orbit;
    if (mass !== '') optional.payload_mass_kg = Number(mass);
    return { vehicle, padText, date, optional, landingType: $('#f-landing').value };
  }

  function card(id) {
    const node = $(id);
    return { node, body: node.querySelector('.card-body') };
  }

  function cardMessage(id, text) {
    const { node, body } = card(id);
    node.dataset.state = 'idle';
    body.replaceChildren(el('p', { class: 'muted', text }));
  }

  function cardError(id, error, onSuggestion) {
    const { node, body } = card(id);
    node.dataset.state = 'error';
    const box = el('div', { class: 'error', role: 'alert' });
    showError(box, error, { onSuggestion });
    body.replaceChildren(box);
  }

  function flagChips(answer) {
    const chips = [];
    const flags = answer.flags || {};
    const context = answer.context || {};
    if (flags.unseen_vehicle) chips.push('vehicle no GCAT table knows: pooled new-vehicle prior');
    if (flags.maiden_flight) chips.push(`maiden flight: read from the ${context.family || 'family'} family's and its provider's record`);
    if (context.resolved_as) chips.push(context.resolved_as);
    if (flags.new_pad) chips.push('new pad: no launch from it on record');
    if (flags.unseen_pad) chips.push('pad not on record');
    if (flags.pad_unspecified) {
      const mix = Object.keys(context.pad_mix || {});
      chips.push(mix.length ? `no pad given: mix of ${mix.join(', ')}` : 'no pad given: no pad term');
    }
    return chips.length ? el('ul', { class: 'chips' }, ...chips.map((c) => el('li', { text: c }))) : null;
  }

  function probabilityCard(id, answer, label, detail) {
    const { node, body } = card(id);
    node.dataset.state = 'answered';
    fill(body,
      el('p', { class: 'figure' },
        el('span', { class: 'big', dataset: { field: 'probability', value: answer.probability }, text: pct(answer.probability) }),
        el('span', { class: 'label', text: label }),
        staleness(answer)),
      el('p', { class: 'interval' }, '90% interval ',
        el('span', { dataset: { field: 'interval', low: answer.interval[0], high: answer.interval[1] }, text: span(answer.interval) })),
      detail ? el('p', { class: 'detail', text: detail }) : null,
      flagChips(answer),
      provenance(answer),
    );
  }

  function turnaroundCard(answer) {
    const { node, body } = card('#card-turnaround');
    node.dataset.state = 'answered';
    const q = answer.quantiles;
    fill(body,
      el('p', { class: 'figure' },
        el('span', { class: 'big', dataset: { field: 'p50-date', value: answer.dates.p50 }, text: day(answer.dates.p50) }),
        el('span', { class: 'label', text: `expected next launch from ${answer.context.pad || 'the pad'} (median)` }),
        staleness(answer)),
      el('p', { class: 'interval' }, '80% between ',
        el('span', { dataset: { field: 'p10-date' }, text: day(answer.dates.p10) }), ' and ',
        el('span', { dataset: { field: 'p90-date' }, text: day(answer.dates.p90) })),
      el('p', { class: 'detail', dataset: { field: 'days' }, text: `${days(q.p50)} after a launch on ${day(answer.start)} (10%: ${days(q.p10)}, 90%: ${days(q.p90)})` }),
      flagChips(answer),
      provenance(answer),
    );
  }

  function failureDetail(answer) {
    const c = answer.context || {};
    if (c.vehicle_flights === undefined) return null;
    const pad = c.pad ? ` from ${c.pad}` : '';
    return `${c.vehicle}${pad}: ${count(c.vehicle_flights)} flights and ${count(c.vehicle_failures)} failures on record; ${c.family} family ${count(c.family_flights)} flights, ${count(c.family_failures)} failures.`;
  }

  async function submitWhatIf(event) {
    event.preventDefault();
    const form = readForm();
    const button = $('#f-submit');
    button.disabled = true;
    const launch = { vehicle: form.vehicle, date: form.date, ...parsePad(form.padText), ...form.optional };
    if (!form.padText) delete launch.pad;
    for (const id of ['#card-failure', '#card-anomaly', '#card-landing', '#card-turnaround']) {
      $(id).dataset.state = 'loading';
    }
    const retry = (field) => (choice) => {
      const input = { vehicle: '#f-vehicle', pad: '#f-pad', site: '#f-pad', orbit: '#f-orbit', landing_type: '#f-landing' }[field];
      if (!input) return;
      $(input).value = choice;
      updatePadChoices();
      $('#whatif-form').requestSubmit();
    };
    const fieldOf = (where) => String(where[where.length - 1] || '');
    const suggest = (choice, where) => retry(fieldOf(where))(choice);

    const failure = api('/v1/launch-failure', { body: launch })
      .then((answer) => probabilityCard('#card-failure', answer, 'chance the launch fails', failureDetail(answer)))
      .catch((error) => cardError('#card-failure', error, suggest));

    const anomaly = api('/v1/launch-anomaly', { body: launch })
      .then((answer) => probabilityCard('#card-anomaly', answer,
        'chance of a failure or partial failure', 'A failure, or a success short of the planned orbit: what insurers count as a claim.'))
      .catch((error) => cardError('#card-anomaly', error, suggest));

    let landing;
    if (FALCONS.has(normalise(form.vehicle))) {
      const body = { date: form.date, landing_type: form.landingType, vehicle: form.vehicle, ...form.optional };
      landing = api('/v1/booster-landing', { body })
        .then((answer) => probabilityCard('#card-landing', answer, 'chance the booster lands', `${form.landingType} landing attempt.`))
        .catch((error) => cardError('#card-landing', error, suggest));
    } else {
      cardMessage('#card-landing', form.vehicle
        ? `Does not apply: ${form.vehicle} is not a Falcon 9 or Falcon Heavy, the only boosters the model knows.`
        : 'For Falcon 9 and Falcon Heavy launches.');
    }

    let turnaround;
    if (form.padText) {
      const body = { ...parsePad(form.padText), date: form.date };
      if (form.vehicle) body.vehicle = form.vehicle;
      turnaround = api('/v1/pad-turnaround', { body })
        .then(turnaroundCard)
        .catch((error) => cardError('#card-turnaround', error, suggest));
    } else {
      cardMessage('#card-turnaround', 'Enter a pad to see when it can launch again.');
    }
    await Promise.all([failure, anomaly, landing, turnaround]);
    button.disabled = false;
  }

  // ---- models -----------------------------------------------------------------------------
  async function loadModels() {
    const box = $('#models-error');
    const list = $('#models-list');
    clearError(box);
    let models;
    try {
      models = await api('/v1/models');
    } catch (error) {
      list.replaceChildren();
      showError(box, error, { title: 'Models unavailable' });
      return;
    }
    list.replaceChildren(...models.models.map(modelCard));
  }

  function modelCard(model) {
    const served = model.served
      ? el('p', { class: 'served' }, 'Serving version ', el('code', { dataset: { field: 'served-version' }, text: model.served.version }),
        ` since ${day(model.served.loaded_at)}`)
      : el('p', { class: 'served warn', text: 'Not served: no verified champion version is loaded.' });
    const aliases = Object.entries(model.aliases || {});
    const node = el(
      'article',
      { class: 'model', id: `model-${model.name}`, dataset: { model: model.name } },
      el('header', {},
        el('h3', { text: model.name }),
        el('span', { class: 'pill', text: model.output })),
      model.summary ? el('p', { class: 'summary', text: model.summary }) : null,
      served,
      model.refused ? el('p', { class: 'warn', text: `Refused ${model.refused.version}: ${model.refused.reason}` }) : null,
      aliases.length
        ? el('p', { class: 'muted aliases' }, `${model.versions} version${model.versions === 1 ? '' : 's'}; aliases: `,
          ...aliases.flatMap(([alias, version], i) => [i ? ', ' : '', el('code', { text: `${alias} → ${version}` })]))
        : null,
      el('div', { class: 'backtest' }, el('p', { class: 'muted', text: 'Loading the backtest…' })),
      el('div', { class: 'plots' }),
    );
    fillModel(node, model);
    return node;
  }

  async function fillModel(node, model) {
    const backtest = node.querySelector('.backtest');
    const plots = node.querySelector('.plots');
    if (!model.versions) {
      backtest.replaceChildren(el('p', { class: 'muted', text: 'No version of this model is registered yet: train one (make retrain).' }));
      return;
    }
    try {
      const detail = await api(`/v1/models/${encodeURIComponent(model.name)}`);
      const version = detail.version_history.find((v) => model.served && v.version === model.served.version)
        || detail.version_history[0];
      backtest.replaceChildren(version ? metricsTable(version) : el('p', { class: 'muted', text: 'No version yet.' }));
    } catch (error) {
      const box = el('div', { class: 'error', role: 'alert' });
      showError(box, error, { title: 'Backtest unavailable' });
      backtest.replaceChildren(box);
    }
    try {
      const markdown = await api(`/v1/models/${encodeURIComponent(model.name)}/card`, { text: true });
      const images = [...markdown.matchAll(/!\[([^\]]*)\]\(([^)\s]+)\)/g)];
      plots.replaceChildren(
        ...images.map(([, alt, src]) => el('figure', {},
          el('a', { href: src, target: '_blank', rel: 'noopener' }, el('img', { src, alt, loading: 'lazy' })),
          el('figcaption', { text: alt }))),
      );
    } catch (error) {
      const box = el('div', { class: 'error', role: 'alert' });
      showError(box, error, { title: 'Model card unavailable' });
      plots.replaceChildren(box);
    }
  }

  function metricsTable(version) {
    const schemes = Object.keys(version.metrics);
    if (!schemes.length) return el('p', { class: 'muted', text: 'This version has no backtest metrics.' });
    const primary = version.primary_metrics.filter((k) => k in version.metrics[schemes[0]]);
    const others = Object.keys(version.metrics[schemes[0]]).filter((k) => !primary.includes(k) && k !== 'n' && k !== 'events');
    const columns = [...primary, ...others];
    const key = columns[0];
    const sign = HIGHER_IS_BETTER.has(key) ? -1 : 1;
    const order = schemes.sort((a, b) => {
      if (a === 'model') return -1;
      if (b === 'model') return 1;
      return sign * ((version.metrics[a][key] ?? Infinity) - (version.metrics[b][key] ?? Infinity));
    });
    const n = version.metrics.model && version.metrics.model.n;
    const table = el('table', { class: 'metrics' },
      el('thead', {}, el('tr', {}, el('th', { scope: 'col', text: 'scheme' }),
        ...columns.map((c) => el('th', { scope: 'col', class: `num${primary.includes(c) ? ' primary' : ''}`, text: c })))),
      el('tbody', {}, ...order.map((scheme) => el('tr', { class: scheme === 'model' ? 'is-model' : null, dataset: { scheme } },
        el('th', { scope: 'row', text: scheme === 'model' ? 'model' : scheme }),
        ...columns.map((c) => {
          const value = version.metrics[scheme][c];
          return el('td', { class: `num${primary.includes(c) ? ' primary' : ''}`, text: value === null || value === undefined ? '—' : value.toFixed(4) });
        })))));
    return el('div', {},
      el('p', { class: 'muted' }, `Backtest of `, el('code', { text: version.version }),
        version.backtest_scheme ? `: ${version.backtest_scheme}` : '',
        n ? ` (${count(n)} predictions${version.metrics.model.events ? `, ${count(version.metrics.model.events)} events` : ''}).` : '.',
        ` Baselines sorted by ${key}. ${readingGuide(columns)}`),
      el('div', { class: 'table-scroll' }, table));
  }

  // ---- start ------------------------------------------------------------------------------
  function loadAll() {
    return Promise.all([loadVehicles(), loadPads(), loadModels(), loadOrbits()]);
  }

  async function start() {
    $('#f-date').value = state.date;
    $('#vehicle-search').addEventListener('input', renderTable);
    for (const th of document.querySelectorAll('#vehicle-table th[data-sort]')) {
      const button = el('button', { type: 'button', class: 'sort', text: th.textContent });
      button.addEventListener('click', () => sortBy(th.dataset.sort));
      th.replaceChildren(button);
    }
    const tbody = $('#vehicle-table tbody');
    tbody.addEventListener('click', onTablePick);
    tbody.addEventListener('keydown', onTablePick);
    $('#f-vehicle').addEventListener('input', updatePadChoices);
    $('#whatif-form').addEventListener('submit', submitWhatIf);
    await checkReady();
    await loadAll();
    document.body.dataset.loaded = 'true';
  }

  document.addEventListener('DOMContentLoaded', start);
})();
