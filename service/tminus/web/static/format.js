// How the page writes numbers, dates and the provenance of every figure. The browser tests
// format the API's answers the same way to compare them with what the page shows.
import { el } from './dom.js';

const DAY_MS = 86400000;

/** A probability as a percentage with two decimals: 0.00443 -> "0.44%". */
export const pct = (p) => `${(p * 100).toFixed(2)}%`;
/** A 90% interval: [low, high] -> "0.27% – 0.65%". */
export const span = ([low, high]) => `${pct(low)} – ${pct(high)}`;
/** The day of an ISO date or datetime, or a dash. */
export const day = (iso) => (iso ? String(iso).slice(0, 10) : '—');
export const count = (n) => Number(n).toLocaleString('en-US');
export const days = (d) => `${d.toFixed(1)} days`;
/** A mass in whole kilograms: 7500 -> "7,500 kg". */
export const kg = (mass) => `${Math.round(mass).toLocaleString('en-US')} kg`;
/** A share as a whole percentage: 9.375 -> "938%". */
export const share = (fraction) => `${Math.round(fraction * 100).toLocaleString('en-US')}%`;
/** Today (UTC) as YYYY-MM-DD. */
export const isoToday = () => new Date().toISOString().slice(0, 10);
/** The day `n` days after the YYYY-MM-DD day `iso`. */
export const addDays = (iso, n) => new Date(Date.parse(iso) + n * DAY_MS).toISOString().slice(0, 10);

/**
 * How old the record behind an answer is, for its headline: a date after the data cutoff is
 * answered from the record as it stood at the cutoff. Null when the date lies within the record.
 */
export function staleness(answer, asked = 'the date asked') {
  const late = answer.days_past_cutoff;
  if (!late) return null;
  const asOf = day(answer.as_of || answer.read_at || answer.data_cutoff);
  return el('span', {
    class: 'stale',
    dataset: { field: 'staleness', value: late },
    text: `record read as of ${asOf}: ${count(late)} days before ${asked}`,
  });
}

/** "launch_failure version X · data to Y": every figure names the model version behind it. */
export function provenance(answer, tag = 'p') {
  return el(
    tag,
    { class: 'version' },
    el('span', { class: 'model-name', text: answer.model }),
    ' version ',
    el('code', { dataset: { field: 'version', model: answer.model }, text: answer.version }),
    answer.data_cutoff ? ` · data to ${answer.data_cutoff}` : '',
  );
}
