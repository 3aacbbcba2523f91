// The Vehicles section: the table of known vehicles (those a planner can buy today first, the
// others behind the status filter), today's risk of each, and the chosen vehicle's history.
import { api } from './api.js';
import { drawRisk, drawYears } from './charts.js';
import { $, el, fill, normalise } from './dom.js';
import { clearError, showError } from './errors.js';
import { count, day, pct, provenance, span, staleness } from './format.js';
import { proposeVehicle, useInForm } from './whatif.js';

const MAX_BATCH = 10000;
// The table's default order: what can be bought first, then what the reference does not list
// (mostly what flew in the 1970s), what is no longer sold last.
const STATUS_ORDER = ['active', 'in_development', 'unknown', 'closed_to_new_customers', 'dedicated', 'crew_only', 'retired', 'cancelled'];

const state = {
  date: null, // the date of the risk shown: today, set by setUpVehicles
  vehicles: [],
  risk: new Map(), // vehicle name -> launch_failure item for state.date
  selected: null,
  sort: null,
  history: null,
  historyRequest: 0,
};

const statusRank = (v) => {
  const rank = STATUS_ORDER.indexOf(v.status);
  return rank < 0 ? STATUS_ORDER.length : rank;
};

const SORT_KEYS = {
  name: (v) => v.name.toLowerCase(),
  status: statusRank,
  family: (v) => v.family.toLowerCase(),
  provider: (v) => (v.provider || '').toLowerCase(),
  flights: (v) => v.flights,
  failures: (v) => v.failures,
  last_flight: (v) => v.last_flight || '',
  probability: (v) => (state.risk.has(v.name) ? state.risk.get(v.name).probability : -1),
};

/** The statuses the filter shows (null: every status), from its option's data-statuses. */
function shownStatuses() {
  const option = $('#vehicle-status').selectedOptions[0];
  const statuses = option && option.dataset.statuses;
  return statuses ? new Set(statuses.split(' ')) : null;
}

function statusCell(v) {
  const words = v.status.replaceAll('_', ' ');
  const since = v.status_since ? ` since ${v.status_since}` : '';
  return el('td', {
    dataset: { field: 'status', value: v.status },
    title: v.status_source || (v.status === 'unknown' ? "Not listed in T-Minus' vehicle reference" : null),
  }, el('span', { class: `status-chip status-${v.status}`, text: `${words}${since}` }));
}

function sortBy(key) {
  // A click sorts by a column (numbers and dates high first); a second click reverses it.
  const numeric = !['name', 'family', 'provider', 'status'].includes(key);
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
  const statuses = shownStatuses();
  const matching = state.vehicles.filter(
    (v) => !query || [v.name, v.family, v.provider].some((n) => normalise(n).includes(query)),
  );
  const rows = matching.filter((v) => !statuses || statuses.has(v.status));
  // Sorted by the column chosen, else by status (the API lists each status most flown first).
  const sort = state.sort || { key: 'status', descending: false };
  const value = SORT_KEYS[sort.key];
  const sign = sort.descending ? -1 : 1;
  rows.sort((a, b) => (value(a) < value(b) ? -sign : value(a) > value(b) ? sign : 0));
  $('#vehicle-table tbody').replaceChildren(
    ...rows.map((v) => {
      const risk = state.risk.get(v.name);
      const row = el(
        'tr',
        { tabindex: 0, dataset: { vehicle: v.name, status: v.status }, class: v.name === state.selected ? 'selected' : null },
        el('th', { scope: 'row', text: v.name }),
        statusCell(v),
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
  const hidden = matching.length - rows.length;
  const more = el('button', { type: 'button', class: 'link', id: 'vehicle-more', text: `${count(hidden)} more with other statuses` });
  more.addEventListener('click', () => {
    $('#vehicle-status').value = 'all';
    renderTable();
  });
  fill($('#vehicle-count'),
    rows.length === total ? `${count(total)} vehicles` : `${count(rows.length)} of ${count(total)} vehicles`,
    query && hidden ? ' · ' : null,
    query && hidden ? more : null);
}

function leadingVehicle(vehicles) {
  // The page opens on the most flown vehicle of the last year of data, ready to ask about.
  const latest = vehicles.reduce((m, v) => (v.last_flight && v.last_flight > m ? v.last_flight : m), '');
  const since = new Date(Date.parse(latest) - 365 * 86400000).toISOString();
  const active = vehicles.filter((v) => v.last_flight && v.last_flight >= since);
  const pick = (active.length ? active : vehicles).reduce((a, b) => (b.flights > a.flights ? b : a));
  proposeVehicle(pick.name);
  return pick.name;
}

function onTablePick(event) {
  const row = event.target.closest('tr[data-vehicle]');
  if (!row) return;
  if (event.type === 'keydown' && event.key !== 'Enter' && event.key !== ' ') return;
  event.preventDefault();
  selectVehicle(row.dataset.vehicle);
}

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
  drawRisk($('#chart-risk'), history.history, state.risk.get(history.vehicle), { date: state.date, readout: $('#risk-readout') });
  fill($('#history-source'),
    'Probabilities from ',
    provenance(history, 'span'),
    el('span', {
      class: 'muted',
      text: 'Each flight is scored from the record as it stood just before it; in-sample, so it shows how risk moved with experience, not forecast skill (see Models).',
    }),
  );
}

/** Load the vehicles, then today's failure probability of each (one batch call). */
export async function loadVehicles() {
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

/** Wire the search box, the status filter, the sortable headers and row picking. */
export function setUpVehicles(today) {
  state.date = today;
  $('#vehicle-search').addEventListener('input', renderTable);
  $('#vehicle-status').addEventListener('change', renderTable);
  for (const th of document.querySelectorAll('#vehicle-table th[data-sort]')) {
    const button = el('button', { type: 'button', class: 'sort', text: th.textContent });
    button.addEventListener('click', () => sortBy(th.dataset.sort));
    th.replaceChildren(button);
  }
  const tbody = $('#vehicle-table tbody');
  tbody.addEventListener('click', onTablePick);
  tbody.addEventListener('keydown', onTablePick);
}
