// Is the service ready? The status pill in the header, and a banner saying why not.
import { $, el, fill } from './dom.js';

const READY_POLL_MS = 5000;

let ready = null;
let timer = null;

/**
 * Ask GET /readyz and show the answer; while the service is not ready, ask again every 5 s.
 * `onReady` runs when a service that was not ready becomes ready (to load what failed).
 */
export async function checkReady(onReady) {
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
  const now = status === 200;
  if (now) {
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
  const becameReady = now && ready === false;
  ready = now;
  if (!now && timer === null) {
    timer = setInterval(() => checkReady(onReady), READY_POLL_MS);
  } else if (now && timer !== null) {
    clearInterval(timer);
    timer = null;
  }
  if (becameReady) onReady();
}
