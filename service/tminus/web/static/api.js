// The client of T-Minus' JSON API: one function for every call, one error type for every failure.

/** A failed call: the HTTP status (0: no answer) and the API's problems ({loc, msg, suggestions}). */
export class ApiError extends Error {
  constructor(status, problems) {
    super(problems.map((p) => p.msg).join('; '));
    this.status = status;
    this.problems = problems;
  }
}

/**
 * GET `path`, or POST `body` to it as JSON; the parsed answer, or its text with `text: true`.
 * Throws an ApiError carrying the API's `detail` list (or the raw text when it is not JSON).
 */
export async function api(path, { body, text = false } = {}) {
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

/** The field a problem names, without the "body"/"query" prefix: ["body", "sites", 0] -> ["sites", 0]. */
export const fieldPath = (problem) => (problem.loc || []).filter((part) => part !== 'body' && part !== 'query');
