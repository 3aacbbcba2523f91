// The Models section: each model's rolling-origin backtest beside its baselines, the model
// card's plots and the version this service serves.
import { api } from './api.js';
import { $, el } from './dom.js';
import { clearError, showError } from './errors.js';
import { count, day } from './format.js';

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

/** Load every model's card: served version, backtest and plots. */
export async function loadModels() {
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
