/* fedge dashboard: plain JavaScript, no build step. Data from /api/v1, live updates from the
   server-sent events of /api/v1/stream. Everything from the server is put in the page as text,
   never as HTML. */
'use strict';

const API = '/api/v1';
const state = { devices: [], runs: [], rounds: [], steps: [], runId: null, events: [], chart: null };

function $(id) { return document.getElementById(id); }

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined) continue;
    if (k === 'class') e.className = v;
    else if (k === 'title') e.title = v;
    else e.setAttribute(k, v);
  }
  for (const c of children) {
    if (c === null || c === undefined) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

async function getJson(path) {
  const res = await fetch(path, { credentials: 'same-origin', headers: { Accept: 'application/json' } });
  if (res.status === 401) { window.location.href = '/'; throw new Error('signed out'); }
  if (!res.ok) throw new Error(path + ': HTTP ' + res.status);
  return res.json();
}

/* ---------- formatting ---------- */
function bytes(n) {
  if (n === null || n === undefined) return '–';
  const u = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0; let v = n;
  while (v >= 1024 && i < u.length - 1) { v /= 1024; i++; }
  return (i === 0 ? v : v.toFixed(v < 10 ? 1 : 0)) + ' ' + u[i];
}
function fixed(v, d) { return v === null || v === undefined ? '–' : Number(v).toFixed(d); }
function pct(v) { return v === null || v === undefined ? '–' : (100 * v).toFixed(1) + ' %'; }
function ago(iso) {
  if (!iso) return 'never';
  const s = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
  if (s < 60) return s + ' s ago';
  if (s < 3600) return Math.floor(s / 60) + ' min ago';
  if (s < 86400) return Math.floor(s / 3600) + ' h ago';
  return new Date(iso).toLocaleString();
}
function clock(iso) { return iso ? new Date(iso).toLocaleTimeString() : ''; }
function seconds(s) {
  if (s === null || s === undefined) return '–';
  return s < 60 ? s.toFixed(1) + ' s' : Math.floor(s / 60) + ' min ' + Math.round(s % 60) + ' s';
}

/* ---------- devices ---------- */
function renderDevices() {
  const body = $('devices').tBodies[0];
  body.replaceChildren();
  const online = state.devices.filter(d => d.online).length;
  $('devices-count').textContent = state.devices.length ? online + ' online of ' + state.devices.length : '';
  $('devices-empty').hidden = state.devices.length > 0;
  for (const d of state.devices) {
    const t = d.telemetry || {};
    const temp = t.temperatureC;
    const tempCls = temp === null || temp === undefined ? 'muted' : temp >= 80 ? 'hot' : temp >= 65 ? 'warm' : '';
    const f = d.facts || {};
    body.append(el('tr', { 'data-id': d.id, 'data-online': String(d.online) },
      el('td', {}, el('span', { class: 'dot' + (d.online ? ' on' : ''), title: d.online ? 'online' : 'offline' }),
        el('span', { class: 'name' }, d.name || d.id), d.name && d.name !== d.id ? el('span', { class: 'sub' }, d.id) : null),
      el('td', {}, d['class']),
      el('td', { class: 'muted' }, [f.os, f.arch].filter(Boolean).join(' · ') + (f.accelerator && f.accelerator !== 'none' ? ' · ' + f.accelerator : '')),
      el('td', { class: 'num' }, f.cores || '–'),
      el('td', { class: 'num' }, d.memoryBytes > 0 ? bytes(d.memoryBytes) : '–'),
      el('td', { class: 'num speed', title: speedTitle(d.speed) }, speedText(d.speed)),
      el('td', { class: 'num ' + tempCls }, temp === null || temp === undefined ? '–' : temp.toFixed(1) + ' °C'),
      el('td', { class: 'num' }, bytes(t.freeMemoryBytes)),
      el('td', { class: 'num' }, fixed(t.load, 2)),
      el('td', { class: 'seen', 'data-time': d.lastSeen || '' }, ago(d.lastSeen)),
      el('td', { class: 'num' }, d.rounds)));
  }
  renderSummary();
}

/** A device's measured speed, e.g. "412 img/s". */
function speedText(s) {
  return s && s.tasks > 0 && s.imagesPerSecond !== null ? Math.round(s.imagesPerSecond) + ' img/s' : '–';
}

function speedTitle(s) {
  return s && s.tasks > 0 && s.stepsPerSecond !== null
    ? s.stepsPerSecond.toFixed(1) + ' steps/s, moving average over ' + s.tasks + (s.tasks === 1 ? ' task' : ' tasks')
    : 'not measured yet';
}

/* ---------- runs ---------- */
function renderRuns() {
  const body = $('runs').tBodies[0];
  body.replaceChildren();
  $('runs-count').textContent = state.runs.length ? String(state.runs.length) : '';
  $('runs-empty').hidden = state.runs.length > 0;
  for (const r of state.runs) {
    const tr = el('tr', { 'data-id': r.id, class: r.id === state.runId ? 'selected' : null },
      el('td', {}, r.id),
      el('td', {}, (r.group || '?') + '/' + (r.project || '?')),
      el('td', {}, r.strategy || '–'),
      el('td', { class: 'muted' }, [r.model, r.dataset].filter(Boolean).join(' · ') || '–'),
      el('td', {}, el('span', { class: 'badge ' + r.status }, r.status)),
      el('td', { class: 'num' }, r.round + (r.rounds ? ' / ' + r.rounds : '')),
      el('td', { class: 'num' }, pct(r.accuracy)));
    tr.addEventListener('click', () => selectRun(r.id));
    body.append(tr);
  }
  renderSummary();
}

function renderSummary() {
  const online = state.devices.filter(d => d.online).length;
  const running = state.runs.filter(r => r.status === 'running').length;
  const s = $('summary');
  s.replaceChildren(el('b', {}, online), online === 1 ? ' device online · ' : ' devices online · ',
    el('b', {}, running), running === 1 ? ' run running' : ' runs running');
}

async function selectRun(id) {
  state.runId = id;
  if (history.replaceState) history.replaceState(null, '', '#run=' + encodeURIComponent(id));
  renderRuns();
  const base = API + '/runs/' + encodeURIComponent(id || '');
  const [rounds, steps] = id ? await Promise.all([getJson(base + '/rounds'), getJson(base + '/steps')])
    : [[], []];
  if (state.runId !== id) return;
  state.rounds = rounds;
  state.steps = steps;
  renderRun();
}

/** A run spec's steps (check, data, train, evaluate, serve): hidden for a run without steps. */
function renderSteps() {
  $('steps-box').hidden = state.steps.length === 0;
  const body = $('steps').tBodies[0];
  body.replaceChildren();
  for (const s of state.steps) {
    body.append(el('tr', { 'data-step': s.step },
      el('td', {}, s.step),
      el('td', {}, el('span', { class: 'badge ' + s.status }, s.status)),
      el('td', {}, clock(s.started)),
      el('td', { class: 'num' }, s.seconds === null || s.seconds === undefined ? '–' : seconds(s.seconds)),
      el('td', {}, s.line || '')));
  }
}

async function refreshSteps(runId) {
  if (runId !== state.runId) return;
  const steps = await getJson(API + '/runs/' + encodeURIComponent(runId) + '/steps');
  if (runId !== state.runId) return;
  state.steps = steps;
  renderSteps();
}

function currentRun() { return state.runs.find(r => r.id === state.runId); }

function renderRun() {
  const run = currentRun();
  $('run-card').hidden = !run;
  if (!run) return;
  $('run-title').textContent = run.id;
  const badge = $('run-status');
  badge.textContent = run.status;
  badge.className = 'badge ' + run.status;
  renderChart();
  renderParticipation();
  renderSteps();
}

/** A re-identification round's retrieval metrics (central ones, else the clients'), or null. */
function retrieval(r) {
  const m = r.metrics || {};
  for (const p of ['central_', 'client_']) {
    const r1 = m[p + 'rank1'];
    if (r1 !== undefined && r1 !== null) return { rank1: r1, mAP: m[p + 'mAP'] };
  }
  return null;
}

function renderChart() {
  const canvas = $('run-chart');
  const labels = state.rounds.map(r => r.round);
  // a re-identification run: rank-1 and mAP (both fractions, on the left axis) for accuracy and loss
  const reid = state.rounds.some(r => retrieval(r));
  const acc = state.rounds.map(r => reid ? (retrieval(r) || {}).rank1 : r.accuracy);
  const loss = state.rounds.map(r => reid ? (retrieval(r) || {}).mAP : r.loss);
  if (!state.chart && window.Chart) {
    state.chart = new Chart(canvas, {
      type: 'line',
      data: { labels: [], datasets: [
        { label: 'accuracy', data: [], yAxisID: 'acc', borderColor: '#2563eb', backgroundColor: '#2563eb', tension: 0.2, spanGaps: true },
        { label: 'loss', data: [], yAxisID: 'loss', borderColor: '#ea580c', backgroundColor: '#ea580c', borderDash: [5, 4], tension: 0.2, spanGaps: true }
      ] },
      options: {
        animation: false, maintainAspectRatio: false, interaction: { mode: 'index', intersect: false },
        scales: {
          x: { title: { display: true, text: 'round' } },
          acc: { position: 'left', min: 0, max: 1, title: { display: true, text: 'accuracy' } },
          loss: { position: 'right', beginAtZero: true, grid: { drawOnChartArea: false }, title: { display: true, text: 'loss' } }
        },
        plugins: { legend: { position: 'bottom', labels: { usePointStyle: true, pointStyle: 'line' } } }
      }
    });
  }
  if (state.chart) {
    state.chart.data.labels = labels;
    state.chart.data.datasets[0].data = acc;
    state.chart.data.datasets[1].data = loss;
    state.chart.data.datasets[0].label = reid ? 'rank-1' : 'accuracy';
    state.chart.data.datasets[1].label = reid ? 'mAP' : 'loss';
    state.chart.data.datasets[1].yAxisID = reid ? 'acc' : 'loss';
    state.chart.options.scales.acc.title.text = reid ? 'rank-1 / mAP' : 'accuracy';
    state.chart.options.scales.loss.display = !reid;
    state.chart.update();
  }
  canvas.setAttribute('data-task', reid ? 'reid' : 'classify');
  canvas.setAttribute('data-points', String(acc.filter(v => v !== null && v !== undefined).length));
  canvas.setAttribute('data-rounds', String(labels.length));
}

/** A device's name for a client id (ids are short and opaque, names are what people know). */
function deviceName(id) {
  const d = state.devices.find(x => x.id === id);
  return d && d.name ? d.name : id;
}

function renderParticipation() {
  const body = $('participation').tBodies[0];
  body.replaceChildren();
  $('rounds-empty').hidden = state.rounds.length > 0;
  for (const r of state.rounds.slice().reverse()) {
    const trained = el('td', { class: 'chips trained' });
    for (const p of r.participants) trained.append(el('span', { class: 'chip', title: p }, deviceName(p)));
    const failed = el('td', { class: 'chips failed' });
    for (const f of r.failures) failed.append(el('span', { class: 'chip fail', title: f.clientId }, deviceName(f.clientId) + ': ' + f.reason));
    if (!r.failures.length) failed.append(el('span', { class: 'muted' }, '–'));
    const ret = retrieval(r);
    body.append(el('tr', { 'data-round': r.round },
      el('td', { class: 'num' }, r.round),
      el('td', { class: 'num' }, ret ? 'rank-1 ' + pct(ret.rank1) + ' · mAP ' + pct(ret.mAP) : pct(r.accuracy)),
      el('td', { class: 'num' }, fixed(r.loss, 3)),
      el('td', { class: 'num' }, seconds(r.seconds)),
      trained, failed));
  }
}

/* ---------- events ---------- */
function renderEvents() {
  const list = $('events');
  list.replaceChildren();
  $('events-empty').hidden = state.events.length > 0;
  for (const e of state.events.slice().reverse()) {
    list.append(el('li', { 'data-id': e.id },
      el('span', { class: 't' }, clock(e.time)),
      el('span', { class: 'k' }, e.type),
      el('span', {}, e.message)));
  }
}

/* ---------- loading and live updates ---------- */
async function refreshAll() {
  const [devices, runs, events] = await Promise.all([
    getJson(API + '/devices'), getJson(API + '/runs'), getJson(API + '/events?limit=50')]);
  state.devices = devices;
  state.runs = runs;
  state.events = events;
  renderDevices();
  renderEvents();
  const fromHash = decodeURIComponent((location.hash.match(/run=([^&]+)/) || [])[1] || '');
  let id = state.runId || fromHash;
  if (!runs.some(r => r.id === id)) {
    const running = runs.find(r => r.status === 'running');
    id = running ? running.id : (runs[0] ? runs[0].id : null);
  }
  await selectRun(id);
}

function upsertRun(run) {
  const i = state.runs.findIndex(r => r.id === run.id);
  if (i >= 0) {
    run.accuracy = state.runs[i].accuracy;
    run.loss = state.runs[i].loss;
    state.runs[i] = run;
  } else {
    state.runs.unshift(run);
  }
  if (!state.runId) selectRun(run.id);
  renderRuns();
  if (run.id === state.runId) renderRun();
}

function onRound(round) {
  const run = state.runs.find(r => r.id === round.runId);
  if (run) {
    run.accuracy = round.accuracy;
    run.loss = round.loss;
    run.round = Math.max(run.round, round.round);
    renderRuns();
  }
  if (round.runId !== state.runId) return;
  if (!state.rounds.some(r => r.round === round.round)) {
    state.rounds.push(round);
    state.rounds.sort((a, b) => a.round - b.round);
  }
  renderRun();
}

/* Events that arrive while the page loads its snapshot wait, then apply on top of it (each
   handler is idempotent), so that no change between the snapshot and the stream is lost. */
let ready = false;
const pending = [];

function handle(type, data) {
  if (type === 'devices') {
    state.devices = data.devices;
    renderDevices();
    if (currentRun()) renderParticipation();
  } else if (type === 'run') {
    upsertRun(data);
  } else if (type === 'round') {
    onRound(data);
  } else if (type === 'event' && !state.events.some(e => e.id === data.id)) {
    if (data.runId && data.type && data.type.startsWith('run_')) refreshSteps(data.runId).catch(err => console.error(err));
    state.events.push(data);
    if (state.events.length > 50) state.events.shift();
    renderEvents();
  }
}

function connect() {
  const status = $('live-status');
  const es = new EventSource(API + '/stream');
  es.onopen = () => {
    status.dataset.state = 'live';
    status.textContent = 'live';
    ready = false;
    refreshAll()
      .catch(err => console.error(err))
      .finally(() => {
        ready = true;
        for (const [type, data] of pending.splice(0)) handle(type, data);
      });
  };
  es.onerror = () => {
    status.dataset.state = 'offline';
    status.textContent = 'reconnecting…';
  };
  for (const type of ['devices', 'run', 'round', 'event']) {
    es.addEventListener(type, e => {
      const data = JSON.parse(e.data);
      if (ready) handle(type, data); else pending.push([type, data]);
    });
  }
}

setInterval(() => {
  for (const td of document.querySelectorAll('td.seen')) td.textContent = ago(td.dataset.time);
}, 1000);

connect();
