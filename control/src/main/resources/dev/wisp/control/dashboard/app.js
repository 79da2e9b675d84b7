// The dashboard: sign-in, then services, instances and events kept live from the server-sent
// event stream, charts from /metrics scrapes, and the actions as dialogs.

import {Api, ApiError, svc} from './api.js';
import {$, h, fill, ms, rate, mib, bytes, since, clock} from './dom.js';
import {MetricsHistory, serviceOfSeries} from './metrics.js';
import {EventStream} from './live.js';
import {LogView} from './logs.js';
import {lineChart, barChart} from './charts.js';
import {dialog, parseEnv, int, compact} from './forms.js';

const METRICS_EVERY_MS = 2000;
const NODES_EVERY_MS = 5000;
const SAFETY_REFRESH_MS = 15000; // in case an event was lost while the stream reconnected
const POLL_WITHOUT_STREAM_MS = 3000; // while the event stream is refused, poll instead
const METRICS_MISSING_MS = 30000; // a server without /metrics is asked again only this often
const MAX_EVENTS = 200;
const WAKE_PATHS = [
  ['resume_paused', 'paused → resume', 'running'],
  ['restore_snapshot', 'snapshot → restore', 'snapshotted'],
  ['clone_template', 'template → clone', 'clone'],
  ['cold_boot', 'cold boot', 'cold'],
];

const api = new Api();
const metrics = new MetricsHistory((label) => serviceOfSeries(label, state.services));
const state = {
  services: [], selected: null, instances: [], revisions: [], events: [], nodes: [],
  console: null, metricsError: null, timers: [], stream: null, refreshTimer: null,
};
const logView = new LogView(api, $('logs-text'), (message) => { $('logs-text').textContent = `(${message})`; });

// ---- sign-in -------------------------------------------------------------------------------

function showLogin(message) {
  stopLive();
  $('app').hidden = true;
  $('login').hidden = false;
  const err = $('login-error');
  err.hidden = !message;
  err.textContent = message || '';
  $('login-token').focus();
}

$('login-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const token = $('login-token').value.trim();
  if (!token) return showLogin('Enter a token.');
  api.login(token, $('login-tenant').value);
  try {
    await api.get('/v1/services');
    $('login-token').value = '';
    showApp();
  } catch (e) {
    api.logout();
    showLogin(`${e.status === 401 ? 'Sign-in refused: ' : ''}${e.message} (${e.code})`);
  }
});

$('logout').addEventListener('click', () => {
  api.logout();
  showLogin();
});

function showApp() {
  $('login').hidden = true;
  $('app').hidden = false;
  $('whoami').textContent = api.tenant ? `tenant ${api.tenant}` : '';
  startLive();
  selectFromHash();
  quietly(refreshServices().then(() => document.body.dataset.loaded = 'true'));
  quietly(refreshNodes());
  pollMetrics();
  loadImages();
}

// ---- errors ---------------------------------------------------------------------------------

let toastTimer;
function showError(e) {
  if (e instanceof ApiError && e.status === 401) {
    api.logout();
    showLogin('Your token is no longer valid; sign in again.');
    return;
  }
  const toast = $('toast');
  toast.textContent = e.code ? `${e.message} (${e.code})` : e.message;
  toast.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => toast.hidden = true, 8000);
}

const quietly = (promise) => promise.catch(showError);

// ---- live updates ---------------------------------------------------------------------------

function setLive(s, text) {
  const el = $('live');
  el.dataset.state = s;
  el.textContent = text;
}

function startLive() {
  stopLive();
  openStream();
  state.timers.push(setInterval(pollMetrics, METRICS_EVERY_MS));
  state.timers.push(setInterval(() => {
    if (state.streamDown) { quietly(refreshServices()); if (state.selected) quietly(refreshSelected()); }
  }, POLL_WITHOUT_STREAM_MS));
  state.timers.push(setInterval(() => quietly(refreshNodes()), NODES_EVERY_MS));
  state.timers.push(setInterval(() => { quietly(refreshServices()); if (state.selected) quietly(refreshSelected()); },
      SAFETY_REFRESH_MS));
  state.timers.push(setInterval(tickUptimes, 1000));
}

function stopLive() {
  state.timers.forEach(clearInterval);
  state.timers = [];
  if (state.stream) state.stream.stop();
  state.stream = null;
  logView.stop();
}

function openStream() {
  state.stream = new EventStream(api.url('/v1/events'), {Authorization: `Bearer ${api.token}`}, (msg) => {
    let event;
    try { event = JSON.parse(msg.data); } catch { return; }
    onEvent(event);
  }, (s, status) => {
    state.streamDown = s !== 'live';
    if (s === 'live') setLive('live', 'live');
    else if (s === 'connecting') setLive('connecting', 'reconnecting…');
    else if (status === 401) showError(new ApiError(401, 'unauthorized', 'token refused'));
    else setLive('down', `no live stream (HTTP ${status}): polling`);
  });
}

function onEvent(event) {
  if (event.service && event.service === state.selected && !state.events.some((e) => e.seq === event.seq)) {
    state.events.unshift(event);
    state.events.length = Math.min(state.events.length, MAX_EVENTS);
    renderEvents();
  }
  scheduleRefresh(event.service);
}

// Bursts of events (a scale-out) become one refresh.
const pendingServices = new Set();
function scheduleRefresh(service) {
  if (service) pendingServices.add(service);
  if (state.refreshTimer) return;
  state.refreshTimer = setTimeout(async () => {
    state.refreshTimer = null;
    const touched = new Set(pendingServices);
    pendingServices.clear();
    await Promise.all([quietly(refreshServices()), quietly(refreshNodes())]);
    if (state.selected && touched.has(state.selected)) await quietly(refreshSelected(false));
  }, 150);
}

// ---- data -----------------------------------------------------------------------------------

async function refreshServices() {
  const doc = await api.get('/v1/services');
  state.services = (doc.items || []).sort((a, b) => a.name.localeCompare(b.name));
  renderServices();
  if (state.selected && !current()) {
    state.selected = null;
    history.replaceState(null, '', '#');
  }
  renderService();
}

async function refreshSelected(withEvents = true) {
  const name = state.selected;
  if (!name) return;
  const [instances, revisions, events] = await Promise.all([
    api.get(`${svc(name)}/instances`),
    api.get(`${svc(name)}/revisions`),
    withEvents ? api.get(`${svc(name)}/events`) : null,
  ]);
  if (state.selected !== name) return;
  state.instances = (instances.items || []).sort((a, b) => a.id.localeCompare(b.id, undefined, {numeric: true}));
  state.revisions = (revisions.items || []).sort((a, b) => b.number - a.number);
  if (events) state.events = (events.items || []).slice().sort((a, b) => b.seq - a.seq).slice(0, MAX_EVENTS);
  if (state.console && !state.instances.some((i) => i.id === state.console)) closeConsole(); // its VM is gone
  renderInstances();
  renderRevisions();
  renderEvents();
}

async function refreshNodes() {
  let doc;
  try {
    doc = await api.get('/v1/nodes');
  } catch (e) {
    if (e.status !== 404) throw e;
    doc = {items: []}; // a tenant token: node-wide usage is the admin's to see
  }
  state.nodes = doc.items || [];
  renderNodes();
}

let metricsMissingSince = 0;
async function pollMetrics() {
  if (metricsMissingSince && Date.now() - metricsMissingSince < METRICS_MISSING_MS) return;
  metricsMissingSince = 0;
  try {
    const res = await fetch('/metrics', {headers: {Authorization: `Bearer ${api.token}`}});
    if (res.status === 404) metricsMissingSince = Date.now();
    if (!res.ok) throw new Error(`/metrics answered ${res.status}`);
    metrics.add(await res.text());
    state.metricsError = null;
  } catch (e) {
    state.metricsError = e.message;
  }
  renderCharts();
}

async function loadImages() {
  try {
    const doc = await api.get('/v1/images');
    fill('images', (doc.items || []).map((img) => h('option', {value: img.id},
        `${bytes(img.sizeBytes)}${(img.usedBy || []).length ? `, used by ${img.usedBy.join(', ')}` : ''}`)));
  } catch {
    // The image list only feeds the suggestions; typing an id still works.
  }
}

const current = () => state.services.find((s) => s.name === state.selected);

function select(name) {
  if (state.selected === name) return;
  state.selected = name;
  state.instances = [];
  state.revisions = [];
  state.events = [];
  closeConsole();
  showLogs();
  history.replaceState(null, '', name ? `#/services/${encodeURIComponent(name)}` : '#');
  renderServices();
  renderService();
  renderInstances();
  renderRevisions();
  renderEvents();
  renderCharts();
  if (name) quietly(refreshSelected());
}

function selectFromHash() {
  const m = location.hash.match(/^#\/services\/(.+)$/);
  if (m) select(decodeURIComponent(m[1]));
}

// ---- rendering ------------------------------------------------------------------------------

function tierCounts(s) {
  const i = (s.status && s.status.instances) || {};
  return {running: i.running || 0, paused: i.paused || 0, snapshotted: i.snapshotted || 0};
}

function counts(c) {
  // The coloured dots say the tier to the eye; the hidden words say it to a screen reader.
  const dot = (tier, n) => h('span', {class: `dot ${tier}`, title: tier}, n, h('span', {class: 'sr-only'}, ` ${tier}`));
  return h('span', {class: 'counts'}, dot('running', c.running), dot('paused', c.paused),
      dot('snapshotted', c.snapshotted));
}

function renderServices() {
  keepFocus(drawServices);
}

function drawServices() {
  if (!state.services.length) {
    fill('services', h('li', {class: 'muted pad'}, 'No services yet.'));
    return;
  }
  fill('services', state.services.map((s) => h('li', {},
      h('button', {
        type: 'button', class: 'service-link', dataset: {service: s.name, focusKey: `service-${s.name}`},
        'aria-current': s.name === state.selected ? 'page' : null,
        onclick: () => select(s.name),
      },
      h('span', {class: 'name'}, s.name),
      h('span', {class: `ready ${s.status && s.status.ready ? 'yes' : 'no'}`},
          s.status && s.status.ready ? `r${s.revision}` : 'not ready'),
      counts(tierCounts(s))))));
}

function renderService() {
  const s = current();
  $('empty').hidden = !!s;
  $('service').hidden = !s;
  if (!s) return;
  $('service-name').textContent = s.name;
  const r = s.resources || {};
  const sc = s.scaling || {};
  fill('service-meta',
      s.url ? h('a', {href: s.url, target: '_blank', rel: 'noopener'}, s.url) : null,
      ` · revision ${s.revision ?? '–'}${s.latestRevision && s.latestRevision !== s.revision ? ` (latest ${s.latestRevision})` : ''}`,
      ` · ${r.vcpus ?? '?'} vCPU, ${r.memoryMiB ?? '?'} MiB`,
      ` · scale ${sc.min ?? 0}–${sc.max ?? '∞'}`,
      ` · standby ${(s.standby && s.standby.policy) || '–'}`,
      ` · ${s.access || 'public'}`);
  const c = tierCounts(s);
  $('instance-counts').textContent = `${c.running} running, ${c.paused} paused, ${c.snapshotted} snapshotted`;
}

function tickUptimes() {
  const now = Date.now();
  document.querySelectorAll('#instances td[data-started]').forEach((td) => td.textContent = since(td.dataset.started, now));
}

// Rows are rebuilt on every change; the focused button is found again so keyboard users keep their place.
function keepFocus(render) {
  const key = document.activeElement && document.activeElement.dataset.focusKey;
  render();
  if (key) {
    const again = document.querySelector(`[data-focus-key="${CSS.escape(key)}"]`);
    if (again) again.focus();
  }
}

function renderInstances() {
  keepFocus(drawInstances);
}

function drawInstances() {
  const body = $('instances').querySelector('tbody');
  if (!state.instances.length) {
    const f = current() && current().failure;
    fill(body, h('tr', {}, h('td', {colspan: 7, class: 'muted'}, f
      ? `No instances: revision ${f.revision} cannot start (see its console under Revisions).`
      : 'No instances: the service wakes one on its first request.')));
    return;
  }
  const now = Date.now();
  fill(body, state.instances.map((i) => h('tr', {dataset: {instanceId: i.id, tier: i.tier || '', state: i.state || ''}},
      h('td', {class: 'mono'}, i.id),
      h('td', {}, i.revision),
      h('td', {}, h('span', {class: `badge ${i.tier}`}, i.tier), i.busy ? h('span', {class: 'busy', title: 'serving a request'}, h('span', {'aria-hidden': 'true'}, ' ●'),
        h('span', {class: 'sr-only'}, ' busy')) : null),
      h('td', {}, i.state),
      h('td', {}, i.node),
      i.tier === 'snapshotted' || !i.startedAt ? h('td', {}, '–') : h('td', {dataset: {started: i.startedAt}}, since(i.startedAt, now)),
      h('td', {}, h('button', {type: 'button', class: 'small', 'aria-label': `Console of ${i.id}`, dataset: {focusKey: `console-${i.id}`},
        onclick: () => openConsole(i.id)}, 'Console')))));
}

function renderRevisions() {
  const s = current();
  const body = $('revisions').querySelector('tbody');
  fill(body, state.revisions.flatMap((r) => [revisionRow(s, r), r.failure ? failureRow(r) : null].filter(Boolean)));
}

// Why a revision's app could not start: the reason, the attempts and the console's last lines.
function failureRow(r) {
  const f = r.failure;
  const when = r.state === 'failed' ? 'gave up' : `next try ${clock(f.retryAt)}`;
  return h('tr', {class: 'failure', dataset: {failureOf: r.number}},
      h('td', {colspan: 7},
        h('div', {class: 'failure-reason'}, `Cannot start: ${f.reason} (${f.attempts} failed start${f.attempts === 1 ? '' : 's'} in a row, last ${clock(f.at)}; ${when})`),
        (f.console || []).length ? h('pre', {class: 'failure-console', tabindex: '0', 'aria-label': `Console of revision ${r.number}`}, f.console.join('\n')) : null));
}

function revisionRow(s, r) {
  return (h('tr', {dataset: {revision: r.number, state: r.state}},
      h('td', {}, r.number),
      h('td', {}, h('span', {class: `badge ${r.state}`, title: r.message || ''}, r.state)),
      h('td', {class: 'mono', title: r.image}, (r.image || '').replace(/^sha256:/, '').slice(0, 12)),
      h('td', {title: 'values are write-only'}, (r.envNames || []).length ? r.envNames.join(', ') : '–'),
      h('td', {}, r.resources ? `${r.resources.vcpus} vCPU, ${r.resources.memoryMiB} MiB, :${r.port}` : '–'),
      h('td', {title: r.createdAt}, `${since(r.createdAt)} ago`),
      h('td', {}, s && r.number !== s.revision && (r.state === 'ready' || r.state === 'retired')
          ? h('button', {type: 'button', class: 'small', onclick: () => rollback(r.number)}, 'Roll back') : null)));
}

function renderEvents() {
  fill('events', state.events.slice(0, 60).map((e) => h('li', {dataset: {kind: e.kind}},
      h('time', {datetime: e.at}, clock(e.at)),
      h('span', {class: 'kind'}, e.kind),
      e.instance ? h('span', {class: 'mono'}, e.instance) : null,
      h('span', {class: 'detail'}, e.detail || ''))));
  if (!state.events.length) fill('events', h('li', {class: 'muted'}, 'No events yet.'));
}

function renderNodes() {
  if (!state.nodes.length) {
    fill('nodes', h('p', {class: 'muted'}, 'No nodes reported.'));
    return;
  }
  fill('nodes', state.nodes.map((n) => {
    const cap = n.capacity || {};
    const used = n.allocated || {};
    const inst = n.instances || {};
    return h('div', {class: 'node', dataset: {node: n.name}},
        h('h3', {}, n.name),
        meterRow(`cpu-${n.name}`, 'vCPUs', used.vcpus || 0, cap.vcpus || 0, (v) => String(v)),
        meterRow(`mem-${n.name}`, 'Memory', used.memoryMiB || 0, cap.memoryMiB || 0, mib),
        h('p', {class: 'small-text'}, counts({running: inst.running || 0, paused: inst.paused || 0,
          snapshotted: inst.snapshotted || 0})));
  }));
}

function meterRow(id, label, value, max, fmt) {
  return h('div', {class: 'meter-row'},
      h('label', {for: id}, label),
      h('meter', {id, min: 0, max: max || 1, value, high: (max || 1) * 0.85}),
      h('span', {class: 'small-text'}, `${fmt(value)} / ${fmt(max)}`));
}

function renderCharts() {
  const name = state.selected;
  if (!name || $('service').hidden) return;
  if (state.metricsError && !metrics.scrapes) {
    for (const id of ['chart-rps', 'chart-latency', 'chart-wakes']) {
      fill(id, h('p', {class: 'muted'}, `metrics unavailable: ${state.metricsError}`));
    }
    return;
  }
  const points = metrics.points(name);
  const last = points[points.length - 1];
  // The time axis grows with the history, from one minute up to all five kept.
  const windowMs = Math.min(300000, Math.max(60000, points.length ? Date.now() - points[0].t : 0));
  lineChart($('chart-rps'), {
    windowMs,
    title: `Requests per second of ${name}`, format: (v) => v.toFixed(v < 10 ? 1 : 0),
    series: [
      {label: 'requests/s', color: 'var(--accent)', values: points.map((p) => [p.t, p.rps])},
      {label: '5xx/s', color: 'var(--bad)', values: points.map((p) => [p.t, p.errors])},
    ],
  });
  const peak = Math.max(0, ...points.map((p) => p.rps));
  $('rps-now').textContent = last
    ? `${rate(last.rps)}${last.errors ? `, ${rate(last.errors)} 5xx` : ''}${peak > last.rps ? `, peak ${rate(peak)}` : ''}` : '';
  lineChart($('chart-latency'), {
    windowMs,
    title: `Latency of ${name}`, format: (v) => ms(v),
    series: [
      {label: 'p50', color: 'var(--accent)', values: points.map((p) => [p.t, p.p50])},
      {label: 'p99', color: 'var(--warn)', values: points.map((p) => [p.t, p.p99])},
    ],
  });
  // The latest interval that had requests: an idle moment should not blank what was just measured.
  const measured = points.findLast((p) => p.p50 !== null);
  $('lat-now').textContent = measured ? `${ms(measured.p50)} / ${ms(measured.p99)}` : '';
  const wakes = new Map(metrics.wakesByPath(name).map((w) => [w.path, w]));
  barChart($('chart-wakes'), WAKE_PATHS.map(([path, label, cls]) => {
    const w = wakes.get(path);
    return {label, cls, value: w && w.count ? w.p50 : 0,
      text: w && w.count ? `${ms(w.p50)}, n=${w.count}` : 'none yet'};
  }), {title: `Wake latency by tier of ${name}`});
}

// ---- console --------------------------------------------------------------------------------

let consoleTimer;
async function openConsole(id) {
  state.console = id;
  $('console').hidden = false;
  $('console-title').textContent = `Console of ${id}`;
  await loadConsole();
  $('console').scrollIntoView({block: 'nearest'});
  clearInterval(consoleTimer);
  consoleTimer = setInterval(loadConsole, 3000);
}

async function loadConsole() {
  const id = state.console;
  if (!id || !state.selected) return;
  try {
    const text = await api.get(`${svc(state.selected)}/instances/${encodeURIComponent(id)}/console`);
    if (state.console !== id) return;
    const pre = $('console-text');
    const atBottom = pre.scrollTop + pre.clientHeight >= pre.scrollHeight - 4;
    pre.textContent = typeof text === 'string' ? text : JSON.stringify(text, null, 2);
    if (atBottom) pre.scrollTop = pre.scrollHeight;
  } catch (e) {
    $('console-text').textContent = `(${e.message})`;
    if (e.status === 404) clearInterval(consoleTimer);
  }
}

function closeConsole() {
  clearInterval(consoleTimer);
  state.console = null;
  $('console').hidden = true;
}

// ---- logs -----------------------------------------------------------------------------------

function showLogs() {
  logView.stop();
  $('logs-text').textContent = '';
  if (!state.selected) return;
  quietly(logView.show(state.selected, {
    instance: $('logs-instance').value.trim(), stream: $('logs-stream').value, follow: $('logs-follow').checked,
  }).catch((e) => { $('logs-text').textContent = `(${e.message})`; }));
}
for (const id of ['logs-stream', 'logs-follow', 'logs-instance']) $(id).addEventListener('change', showLogs);
$('logs-refresh').addEventListener('click', showLogs);

$('console-refresh').addEventListener('click', () => loadConsole());
$('console-close').addEventListener('click', closeConsole);

// ---- actions --------------------------------------------------------------------------------

const openCreate = dialog('dlg-create', async (f) => {
  const body = {
    name: f.name, image: f.image, port: int(f.port, 'Port'), env: parseEnv(f.env),
    resources: compact({vcpus: int(f.vcpus, 'vCPUs'), memoryMiB: int(f.memoryMiB, 'Memory')}),
    scaling: compact({min: int(f.min, 'Min'), max: int(f.max, 'Max')}),
    standby: {policy: f.policy}, access: f.access,
  };
  const created = await api.post('/v1/services', compact(body));
  await refreshServices();
  select(created && created.name ? created.name : f.name);
});
$('new-service').addEventListener('click', () => { loadImages(); openCreate({name: '', env: ''}); });

const openDeploy = dialog('dlg-deploy', async (f) => {
  const s = current();
  const body = compact({
    image: f.image, env: f.env ? parseEnv(f.env) : undefined, port: int(f.port, 'Port'),
    resources: compact({vcpus: int(f.vcpus, 'vCPUs'), memoryMiB: int(f.memoryMiB, 'Memory')}),
  });
  await api.post(`${svc(s.name)}/deploy`, body);
  await Promise.all([refreshServices(), refreshSelected()]);
});
$('act-deploy').addEventListener('click', () => {
  const s = current();
  loadImages();
  // The API never returns env values: the field starts empty (keep them) and names the current variables.
  const names = s.envNames || [];
  $('d-env').placeholder = names.length ? `now: ${names.join(', ')} (values hidden; empty keeps them)` : '';
  openDeploy({image: s.image, port: s.port, vcpus: s.resources && s.resources.vcpus,
    memoryMiB: s.resources && s.resources.memoryMiB, env: ''});
});

const openScaling = dialog('dlg-scaling', async (f) => {
  const scaling = compact({min: int(f.min, 'Min'), max: int(f.max, 'Max'), initial: int(f.initial, 'Initial'),
    target: int(f.target, 'Target')});
  await api.patch(svc(current().name), {scaling});
  await refreshServices();
});
$('act-scaling').addEventListener('click', () => openScaling({...(current().scaling || {})}));

const openStandby = dialog('dlg-standby', async (f) => {
  await api.patch(svc(current().name), {standby: compact(f)});
  await refreshServices();
});
$('act-standby').addEventListener('click', () => openStandby({...(current().standby || {})}));

const openDelete = dialog('dlg-delete', async (f) => {
  const name = current().name;
  if (f.confirm !== name) throw new Error(`type "${name}" to delete it`);
  await api.delete(svc(name));
  select(null);
  await refreshServices();
});
$('act-delete').addEventListener('click', () => openDelete({confirm: ''}));

async function rollback(number) {
  await quietly(api.post(`${svc(state.selected)}/rollback`, {revision: number})
      .then(() => Promise.all([refreshServices(), refreshSelected()])));
}

window.addEventListener('hashchange', selectFromHash);

// ---- start ----------------------------------------------------------------------------------

// A one-time link from `wisp up` or `wisp dashboard`: #signin=CODE, traded once for the admin token.
async function signInFromLink() {
  const m = /^#signin=([A-Za-z0-9]{1,64})$/.exec(location.hash);
  if (!m) return false;
  history.replaceState(null, '', location.pathname + location.search); // spent either way: off the URL
  try {
    const doc = await api.request('POST', '/v1/signin', {code: m[1]});
    api.login(doc.token, '');
    showApp();
  } catch (e) {
    api.logout();
    showLogin(`${e.message} (${e.code})`);
  }
  return true;
}

signInFromLink().then((handled) => {
  if (!handled) {
    if (api.token) showApp(); else showLogin();
  }
});
