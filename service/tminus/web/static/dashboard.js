// T-Minus dashboard: plain JavaScript modules over the service's own JSON API, charts as inline
// SVG. No build step and nothing loaded from another origin, so it works with the browser
// offline. Each section is a module of its own:
//   plan.js      Plan: a mission's window, payload, orbit and sites, or a question in words
//   vehicles.js  Vehicles: the table (what can be bought today first) and a vehicle's history
//   whatif.js    What if: one launch answered by four models
//   models.js    Models: backtests beside baselines, model card plots, the served version
// with api.js (the API client), errors.js (errors where they happen), format.js (numbers and
// provenance), charts.js (the SVG charts), readiness.js (the status pill) and dom.js beneath.
import { $ } from './dom.js';
import { isoToday } from './format.js';
import { loadModels } from './models.js';
import { setUpPlan } from './plan.js';
import { checkReady } from './readiness.js';
import { loadVehicles, setUpVehicles } from './vehicles.js';
import { loadOrbits, loadPads, setUpWhatIf } from './whatif.js';

function loadAll() {
  return Promise.all([loadVehicles(), loadPads(), loadModels(), loadOrbits()]);
}

async function start() {
  const today = isoToday();
  setUpPlan(today);
  setUpVehicles(today);
  setUpWhatIf(today);
  await checkReady(loadAll);
  await loadAll();
  $('body').dataset.loaded = 'true';
}

start();
