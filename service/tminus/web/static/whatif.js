// The What-if section: a launch of a vehicle from a pad on a date, answered by the failure,
// anomaly, booster landing and pad turnaround models, each on its own card.
import { api } from './api.js';
import { $, el, fill, normalise } from './dom.js';
import { showError } from './errors.js';
import { count, day, days, pct, provenance, span, staleness } from './format.js';

const FALCONS = new Set(['falcon9', 'falconheavy']);
const DEFAULT_ORBITS = ['LEO', 'SSO', 'ISS', 'MEO', 'GTO', 'GEO', 'HEO', 'TLI'];
const CARDS = ['#card-failure', '#card-anomaly', '#card-landing', '#card-turnaround'];
// Each card's note before it is used, as the server wrote it from the model's entry.
const NOTES = new Map(CARDS.map((id) => [id, document.querySelector(`${id} .card-body`)?.textContent.trim() ?? '']));

const state = {
  pads: [],
  padsByKey: new Map(),
};

/** Load the known pads: the form offers those of the chosen vehicle first. */
export async function loadPads() {
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

/** The orbits the landing model knows, offered in the form's orbit field. */
export async function loadOrbits() {
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

/** Put a vehicle (and its most recent pad) in the form and scroll to it. */
export function useInForm(vehicle) {
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
  for (const id of CARDS) {
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
      : NOTES.get('#card-landing'));
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

/** Offer `vehicle` in the form, unless the user has already typed one. */
export function proposeVehicle(vehicle) {
  if ($('#f-vehicle').value) return;
  $('#f-vehicle').value = vehicle;
  updatePadChoices();
}

/** Wire the form; its date starts at `date`. */
export function setUpWhatIf(date) {
  $('#f-date').value = date;
  $('#f-vehicle').addEventListener('input', updatePadChoices);
  $('#whatif-form').addEventListener('submit', submitWhatIf);
}
