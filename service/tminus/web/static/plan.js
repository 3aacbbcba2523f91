// The Plan section: a mission's window, payload, orbit, sites and risk tolerance planned by
// POST /v1/plan, or a question in words answered by POST /v1/ask. It shows the ranked options,
// the excluded ones grouped by reason, and a chart of risk against capacity margin (or date)
// with the Pareto front marked; every number names the model version behind it.
import { ApiError, api } from './api.js';
import { drawPlan } from './charts.js';
import { $, el, fill } from './dom.js';
import { clearError, clearFieldErrors, showError, showFieldErrors } from './errors.js';
import { addDays, count, day, kg, pct, provenance, share, span, staleness } from './format.js';

// Options asked for: enough for the chart to show the trade-off, few enough to read.
const MAX_OPTIONS = 20;
const WINDOW_DAYS = 90;
const REASON_TEXT = {
  unknown_vehicle: 'Unknown vehicle',
  retired: 'Retired',
  not_offered: 'Not sold to new missions (crew-only, dedicated, closed to new customers)',
  vehicle_not_active: 'Not launched recently',
  provider_not_allowed: 'Provider not among those allowed',
  capacity_exceeded: 'Cannot carry the payload to the orbit',
  no_known_pad: 'No known pad',
  site_not_allowed: 'Site not among those asked',
  pad_not_active: 'Pad not used recently',
  orbit_not_reached_from_site: 'Site has never launched to the orbit',
  pad_busy: 'Pad unlikely to be free in the window',
  risk_above_tolerance: 'Risk above the tolerance',
};
// Shown open, first: what a planner must never be offered, and why.
const FIRST_REASONS = ['retired', 'not_offered'];
const RANK_WORDS = { risk: 'lowest failure risk', date: 'earliest date', margin: 'largest capacity margin' };
// What each model gives a plan's options, for the line that names their versions.
const MODEL_ROLE = { launch_failure: 'P(failure), capacity and record', pad_turnaround: 'pad readiness' };
const PARETO = 'Pareto-optimal: no other option is at least as good on risk, date and (with a payload mass) margin, and better on one';
const HINTS = { max_failure_probability: '(the form sends your percentage as a share: 5% is 0.05)' };

let latest = 0; // the last plan or question asked: an older answer arriving later is dropped

const planFields = () => ({
  earliest_date: $('#p-earliest'),
  latest_date: $('#p-latest'),
  payload_mass_kg: $('#p-mass'),
  orbit: $('#p-orbit'),
  sites: $('#p-sites'),
  max_failure_probability: $('#p-risk'),
  rank_by: $('#p-rank'),
  include_retired: $('#p-retired'),
});
const askFields = () => ({ question: $('#p-question') });

/** A number as typed, or the text itself for the API to refuse by name ("1,5" is not a number). */
function number(text, scale = 1) {
  const value = Number(text);
  return text !== '' && Number.isFinite(value) ? value / scale : text;
}

const splitList = (text) => text.split(/[,;]/).map((s) => s.trim()).filter(Boolean);

/** The form as a POST /v1/plan body; empty optional fields are left out. */
function readPlan() {
  const f = planFields();
  const body = { rank_by: f.rank_by.value, max_options: MAX_OPTIONS };
  if (f.earliest_date.value) body.earliest_date = f.earliest_date.value;
  if (f.latest_date.value) body.latest_date = f.latest_date.value;
  const mass = f.payload_mass_kg.value.trim();
  if (mass) body.payload_mass_kg = number(mass);
  const orbit = f.orbit.value.trim();
  if (orbit) body.orbit = orbit;
  const sites = splitList(f.sites.value);
  if (sites.length) body.sites = sites;
  const risk = f.max_failure_probability.value.trim().replace(/%$/, '');
  if (risk) body.max_failure_probability = number(risk, 100);
  if (f.include_retired.checked) body.include_retired = true;
  return body;
}

/** Put a plan request (the form's own, or the one /v1/ask made) into the form. */
function fillForm(request) {
  const f = planFields();
  f.earliest_date.value = day(request.earliest_date);
  f.latest_date.value = day(request.latest_date);
  f.payload_mass_kg.value = request.payload_mass_kg ?? '';
  f.orbit.value = request.orbit ?? '';
  f.sites.value = (request.sites || []).join(', ');
  f.max_failure_probability.value = request.max_failure_probability === undefined || request.max_failure_probability === null
    ? '' : +(request.max_failure_probability * 100).toPrecision(6);
  f.rank_by.value = request.rank_by || 'risk';
  f.include_retired.checked = Boolean(request.include_retired);
}

/** A suggestion picked beside a field: put it in (the n-th site for a site) and plan again. */
function retryWith(choice, where) {
  const [name, index] = where;
  const input = planFields()[name];
  if (!input) return;
  if (name === 'sites') {
    const sites = splitList(input.value);
    sites[Number(index) || 0] = choice;
    input.value = sites.join(', ');
  } else {
    input.value = choice;
  }
  $('#plan-form').requestSubmit();
}

function setResult(state, ...children) {
  const box = $('#plan-result');
  box.dataset.state = state;
  fill(box, ...children);
  return box;
}

/** A refused request: each problem beside its field, the rest in the section's error box. */
function showRefusal(error, fields, onSuggestion) {
  const unclaimed = error instanceof ApiError && error.status === 422
    ? showFieldErrors(error, fields, { hint: HINTS, onSuggestion })
    : null;
  if (unclaimed === null) {
    showError($('#plan-error'), error, { title: 'Not planned' });
  } else if (unclaimed.length) {
    showError($('#plan-error'), new ApiError(error.status, unclaimed), { title: 'Not planned' });
  }
  const claimed = unclaimed !== null && unclaimed.length < error.problems.length;
  setResult('error', el('p', {
    class: 'muted',
    text: claimed ? 'Not planned: the API refused the fields marked in red above (HTTP 422).' : 'Not planned.',
  }));
}

async function submitPlan(event) {
  event.preventDefault();
  const fields = { ...planFields(), ...askFields() };
  clearFieldErrors(fields);
  clearError($('#plan-error'));
  const body = readPlan();
  const asked = ++latest;
  $('#p-submit').disabled = true;
  $('#plan-result').dataset.state = 'loading';
  $('#plan-result').dataset.request = JSON.stringify(body);
  try {
    const plan = await api('/v1/plan', { body });
    if (asked === latest) renderPlan(plan, body, null);
  } catch (error) {
    if (asked === latest) showRefusal(error, planFields(), retryWith);
  } finally {
    $('#p-submit').disabled = false;
  }
}

async function submitAsk(event) {
  event.preventDefault();
  const fields = { ...planFields(), ...askFields() };
  clearFieldErrors(fields);
  clearError($('#plan-error'));
  const asked = ++latest;
  $('#p-ask').disabled = true;
  $('#plan-result').dataset.state = 'loading';
  delete $('#plan-result').dataset.request;
  try {
    const answer = await api('/v1/ask', { body: { question: $('#p-question').value } });
    if (asked !== latest) return;
    const call = [...answer.tool_calls].reverse().find((c) => c.name === 'plan_mission' && c.ok && c.result);
    if (call) {
      fillForm(call.arguments);
      renderPlan(call.result, call.arguments, answer);
    } else {
      renderAnswer(answer);
    }
  } catch (error) {
    if (asked === latest) showRefusal(error, askFields(), null);
  } finally {
    $('#p-ask').disabled = false;
  }
}

/** A question that is not a plan: the answer's text and the versions behind its numbers. */
function renderAnswer(answer) {
  setResult('answered',
    el('div', { class: 'ask-answer panel', dataset: { field: 'answer', understood: answer.understood } },
      ...answer.answer.split(/\n{2,}/).map((text) => el('p', { text })),
      ...answer.sources.map((source) => provenance(source))));
}

function statusChip(option) {
  return el('span', {
    class: `status-chip status-${option.status}`,
    title: option.status_source || "Not listed in T-Minus' vehicle reference",
    text: option.status.replaceAll('_', ' '),
  });
}

function flagList(option) {
  const flags = Object.entries(option.flags || {}).filter(([, on]) => on).map(([flag]) => flag.replaceAll('_', ' '));
  return flags.length ? el('ul', { class: 'chips' }, ...flags.map((f) => el('li', { text: f }))) : null;
}

/** The capacity margin: kg and share when the payload fits, else why it is not known. */
function marginCell(f) {
  if (f.status === 'feasible' && f.margin_kg !== null) {
    return el('td', { class: 'num', title: f.why || null },
      el('span', { class: 'strong', dataset: { field: 'margin-kg' }, text: kg(f.margin_kg) }),
      el('span', { class: 'muted', dataset: { field: 'margin-pct' }, text: share(f.margin_fraction) }));
  }
  const text = f.status === 'unknown' ? 'unknown' : 'not checked';
  return el('td', { class: 'num muted', dataset: { field: 'margin-kg' }, title: f.why || (f.status === 'not_checked' ? 'No payload mass was given.' : null), text });
}

/** The figure the verdict rests on, its configuration and its basis (reference, rule, ...). */
function capacityCell(f) {
  return el('td', { class: 'capacity', title: f.source ? `Source: ${f.source}` : null },
    f.capacity_kg === null ? '—' : kg(f.capacity_kg),
    f.configuration ? el('span', { class: 'muted', dataset: { field: 'configuration' }, text: ` ${f.configuration}` }) : null,
    el('span', { class: 'basis', dataset: { field: 'basis' }, text: f.basis }));
}

function readinessCell(r) {
  return el('td', {
    dataset: { field: 'pad-ready' },
    title: `${r.site}/${r.pad} last launched ${day(r.last_launch)}; next launch 10%–90%: ${day(r.dates.p10)} – ${day(r.dates.p90)} [${r.model} ${r.version}]`,
    text: day(r.dates.p50),
  });
}

function optionRows(option, columns) {
  const why = el('tr', { class: 'why', hidden: true },
    el('td', { colspan: columns }, el('ul', {}, ...option.reasons.map((r) => el('li', { text: r })))));
  const toggle = el('button', { type: 'button', class: 'disclose', 'aria-expanded': 'false', title: 'Why it ranks here, with sources', text: '▸' });
  toggle.addEventListener('click', () => {
    why.hidden = !why.hidden;
    toggle.setAttribute('aria-expanded', String(!why.hidden));
    toggle.textContent = why.hidden ? '▸' : '▾';
  });
  const cite = `${option.failure.model} version ${option.failure.version}`;
  const row = el('tr', { class: option.pareto_optimal ? 'pareto' : null, dataset: { rank: option.rank, pareto: option.pareto_optimal } },
    el('td', { class: 'rank' }, toggle, el('span', { dataset: { field: 'rank' }, text: String(option.rank) }),
      option.pareto_optimal ? el('span', { class: 'pareto-mark', title: PARETO, text: '◆' }) : null),
    el('th', { scope: 'row' }, el('span', { dataset: { field: 'vehicle' }, text: option.vehicle }), flagList(option)),
    el('td', { dataset: { field: 'status', value: option.status } }, statusChip(option)),
    el('td', { dataset: { field: 'pad' }, text: `${option.site}/${option.pad}` }),
    el('td', { dataset: { field: 'date' }, text: day(option.date) }),
    el('td', { class: 'num strong', dataset: { field: 'probability' }, title: cite, text: pct(option.failure.probability) }),
    el('td', { class: 'num muted', dataset: { field: 'interval' }, title: cite, text: span(option.failure.interval) }),
    marginCell(option.feasibility),
    capacityCell(option.feasibility),
    readinessCell(option.pad_readiness));
  return [row, why];
}

function optionsTable(plan) {
  const heads = ['#', 'Vehicle', 'Status', 'Pad', 'Date', 'P(failure)', '90% interval', 'Margin', 'Capacity', 'Pad ready (median)'];
  const numeric = new Set(['P(failure)', '90% interval', 'Margin']);
  const titles = {
    Date: 'The first date in the window on which the pad is more likely free than not (and the risk within tolerance)',
    'Pad ready (median)': "The pad's expected next launch after its last one on record (median; the cell's tooltip gives 10%-90%)",
  };
  return el('div', { class: 'table-scroll plan-table' },
    el('table', { id: 'plan-options' },
      el('thead', {}, el('tr', {}, ...heads.map((h) => el('th', { scope: 'col', class: numeric.has(h) ? 'num' : null, title: titles[h] || null, text: h })))),
      el('tbody', {}, ...plan.options.flatMap((o) => optionRows(o, heads.length)))));
}

/** "P(failure), capacity and record from launch_failure version X · data to Y; ...", or, with
 * no option to show, the versions the plan was made with. */
function versionLine(plan) {
  const cutoff = new Map(plan.sources.map((s) => [`${s.model} ${s.version}`, s.data_cutoff]));
  const used = new Map();
  const refs = plan.options.length
    ? plan.options.flatMap((o) => [o.failure, o.pad_readiness, o.feasibility, o.record])
    : plan.sources;
  for (const ref of refs) used.set(`${ref.model} ${ref.version}`, ref);
  const parts = [...used.entries()].map(([key, ref], i) => el('span', {},
    i ? '; ' : '',
    plan.options.length ? `${MODEL_ROLE[ref.model] || ref.model} from ` : '',
    provenance({ model: ref.model, version: ref.version, data_cutoff: cutoff.get(key) }, 'span')));
  return el('p', { class: 'source', id: 'plan-versions' }, plan.options.length ? null : 'Planned with ', ...parts);
}

/** One exclusion: its vehicle (and pad) in bold, then the API's message, which often names it. */
function exclusionItem(e) {
  const named = e.message.startsWith(`${e.vehicle} `);
  const message = named
    ? el('span', { class: 'msg' }, el('strong', { text: e.vehicle }), e.message.slice(e.vehicle.length))
    : el('span', { class: 'msg', text: e.message });
  return el('li', { dataset: { vehicle: e.vehicle } },
    named ? null : el('strong', { text: `${e.vehicle}${e.site ? ` at ${e.site}${e.pad ? `/${e.pad}` : ''}` : ''}: ` }),
    message,
    e.suggestions.length ? el('span', { class: 'suggestions' }, ...e.suggestions.map((s) => el('code', { class: 'suggestion', text: s }))) : null);
}

function exclusionGroups(plan) {
  const listed = new Map();
  for (const e of plan.excluded) {
    if (!listed.has(e.reason)) listed.set(e.reason, []);
    listed.get(e.reason).push(e);
  }
  const counted = Object.keys(plan.excluded_by_reason);
  const order = [
    ...FIRST_REASONS.filter((r) => counted.includes(r)),
    ...[...listed.keys()].filter((r) => !FIRST_REASONS.includes(r)),
    ...counted.filter((r) => !FIRST_REASONS.includes(r) && !listed.has(r)),
  ];
  return order.map((reason) => {
    const total = plan.excluded_by_reason[reason] || 0;
    const items = listed.get(reason) || [];
    const rest = total - items.length;
    return el('details', { class: 'exclusion', dataset: { reason }, open: FIRST_REASONS.includes(reason) },
      el('summary', {},
        el('span', { class: 'count', dataset: { field: 'count' }, text: count(total) }),
        el('span', { class: 'reason', text: REASON_TEXT[reason] || reason }),
        el('code', { text: reason })),
      el('ul', {},
        ...items.map(exclusionItem),
        rest > 0 ? el('li', { class: 'muted', dataset: { field: 'unlisted' }, text: `and ${count(rest)} more, counted but not listed in the answer.` }) : null));
  });
}

function describeRequest(plan) {
  const what = plan.payload_mass_kg !== null
    ? `${kg(plan.payload_mass_kg)} to ${plan.orbit || 'LEO (no orbit given)'}`
    : `no payload mass, ${plan.orbit ? `to ${plan.orbit}` : 'any orbit'}`;
  return `${day(plan.earliest_date)} to ${day(plan.latest_date)}, ${what}`;
}

/** Render a PlanResponse (from /v1/plan, or from /v1/ask's plan_mission call) and its request. */
function renderPlan(plan, request, answer) {
  const shown = plan.options.length;
  const unknown = plan.options_unknown_capacity;
  const summary = shown
    ? el('p', { class: 'plan-summary', dataset: { field: 'summary' } },
      el('strong', { text: `${count(plan.options_total)} option${plan.options_total === 1 ? '' : 's'}` }),
      ` ${plan.options_total === 1 ? 'meets' : 'meet'} the requirements for ${describeRequest(plan)}`,
      unknown ? ` (${count(unknown)} of unknown capacity, ranked after the feasible ones)` : '',
      `; ${shown === plan.options_total ? 'all' : `the first ${count(shown)}`} by ${RANK_WORDS[plan.rank_by]} below, `,
      `${count(plan.excluded_total)} excluded. `,
      staleness(plan, 'the window opens'))
    : el('p', { class: 'plan-empty', dataset: { field: 'empty' } },
      el('strong', { text: 'No option meets the requirements' }),
      ` for ${describeRequest(plan)}: all ${count(plan.excluded_total)} were excluded, for the reasons below. `,
      staleness(plan, 'the window opens'));
  const byMargin = plan.payload_mass_kg !== null;
  const figure = el('figure', { id: 'plan-chart', class: 'chart panel' },
    el('figcaption', {},
      byMargin ? 'Failure probability against capacity margin' : 'Failure probability against the planned date',
      el('span', { class: 'key' }, el('i', { class: 'dot pareto' }), `Pareto-optimal on ${byMargin ? 'risk, date and margin' : 'risk and date'}`,
        el('i', { class: 'dot option' }), 'other options; bars: 90% intervals; numbers: rank')),
    el('div', { class: 'chart-body' }),
    el('p', { class: 'muted chart-note' }));
  const groups = exclusionGroups(plan);
  const result = setResult(shown ? 'answered' : 'empty',
    answer ? el('p', { class: 'asked muted' }, 'Planned from the question ',
      el('q', { text: answer.question }), ` (${answer.mode}): `, el('code', { text: JSON.stringify(request) })) : null,
    summary,
    shown ? optionsTable(plan) : null,
    versionLine(plan),
    el('div', { class: 'plan-grid' },
      shown ? figure : null,
      el('div', { class: 'panel plan-notes' },
        el('h3', { text: 'How the plan was made' }),
        el('ul', {}, ...[...plan.notes, ...plan.limits].map((n) => el('li', { text: n }))))),
    el('div', { class: 'panel', id: 'plan-excluded' },
      el('h3', {}, `Excluded: ${count(plan.excluded_total)}`),
      groups.length ? el('div', {}, ...groups) : el('p', { class: 'muted', text: 'Nothing was excluded.' })));
  result.dataset.request = JSON.stringify(request);
  if (shown) {
    const unplaced = drawPlan(figure, plan);
    figure.querySelector('.chart-note').textContent = unplaced
      ? `${count(unplaced)} option${unplaced === 1 ? ' has' : 's have'} no known margin and ${unplaced === 1 ? 'is' : 'are'} not charted.`
      : '';
  }
}

/** Wire the two forms; the window starts today and lasts 90 days. */
export function setUpPlan(today) {
  $('#p-earliest').value = today;
  $('#p-latest').value = addDays(today, WINDOW_DAYS);
  $('#plan-form').addEventListener('submit', submitPlan);
  $('#ask-form').addEventListener('submit', submitAsk);
}
