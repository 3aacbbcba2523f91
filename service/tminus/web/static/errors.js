// Errors shown where they happen: in a box beside the figure that failed, or next to the form
// field the API names, always with the API's message and its suggestions.
import { ApiError, fieldPath } from './api.js';
import { el } from './dom.js';

const STATUS_TEXT = {
  0: 'No answer from the service',
  400: 'The request could not be read',
  404: 'Not found',
  409: 'Conflict in the model registry',
  413: 'The request is too large',
  422: 'Invalid input',
  503: 'The service is not ready',
};

const problemsOf = (error) => (error instanceof ApiError ? error.problems : [{ loc: [], msg: String(error) }]);

/** "Invalid input (HTTP 422)", "The service is not ready (HTTP 503)", ... */
function statusHeading(error, title) {
  const status = error instanceof ApiError ? error.status : -1;
  const prefix = title ? `${title}: ` : '';
  if (status <= 0) return `${prefix}${STATUS_TEXT[0]}`;
  return `${prefix}${STATUS_TEXT[status] || (status >= 500 ? 'Server error' : 'Error')} (HTTP ${status})`;
}

/** The names the API offers instead of a wrong one: buttons that retry with it, or plain codes. */
function suggestions(problem, where, onSuggestion) {
  const choices = problem.suggestions || problem.allowed || [];
  if (!choices.length) return null;
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
  return picks;
}

/** Show an API error in `box`: a heading with the HTTP status, then each problem. */
export function showError(box, error, { title, onSuggestion } = {}) {
  const status = error instanceof ApiError ? error.status : -1;
  const list = el('ul');
  for (const problem of problemsOf(error)) {
    const where = fieldPath(problem);
    // "model: model 'x' is not loaded" says the field twice; name it only when it adds.
    const named = where.length && !String(problem.msg).startsWith(`${where[where.length - 1]} `);
    list.append(el(
      'li',
      {},
      named ? el('code', { class: 'loc', text: where.join('.') }) : null,
      el('span', { class: 'msg', text: problem.msg }),
      suggestions(problem, where, onSuggestion),
    ));
  }
  box.replaceChildren(el('strong', { class: 'error-title', text: statusHeading(error, title) }), list);
  box.dataset.status = String(status);
  box.hidden = false;
}

export function clearError(box) {
  box.hidden = true;
  box.replaceChildren();
  delete box.dataset.status;
}

/**
 * Show each problem of `error` next to the form field it names. `fields` maps the API's field
 * names to their inputs; a problem about the whole request names its field in its first word
 * ("rank_by 'margin' needs payload_mass_kg"). Returns the problems no field claims.
 */
export function showFieldErrors(error, fields, { hint = {}, onSuggestion } = {}) {
  const unclaimed = [];
  for (const problem of problemsOf(error)) {
    const where = fieldPath(problem);
    const name = where.length ? String(where[0]) : Object.keys(fields).find((f) => String(problem.msg).startsWith(`${f} `));
    const input = fields[name];
    if (!input) {
      unclaimed.push(problem);
      continue;
    }
    const at = where.length > 1 ? ` (item ${Number(where[1]) + 1})` : '';
    const note = el('span', {
      class: 'field-error',
      role: 'alert',
      dataset: { field: name },
      id: `${input.id}-error`,
    },
    el('span', { class: 'msg', text: `${problem.msg}${at}${hint[name] ? ` ${hint[name]}` : ''}` }),
    suggestions(problem, where.length ? where : [name], onSuggestion));
    const host = input.closest('label') || input.parentElement;
    const previous = host.querySelector(`.field-error[data-field="${name}"]`);
    if (previous) previous.append(' ', ...note.childNodes);
    else host.append(note);
    input.setAttribute('aria-invalid', 'true');
    input.setAttribute('aria-describedby', note.id);
  }
  return unclaimed;
}

/** Remove the marks `showFieldErrors` left on these fields. */
export function clearFieldErrors(fields) {
  for (const input of Object.values(fields)) {
    const host = input.closest('label') || input.parentElement;
    for (const note of host.querySelectorAll('.field-error')) note.remove();
    input.removeAttribute('aria-invalid');
    input.removeAttribute('aria-describedby');
  }
}
