// The live map (/live, 实时监控): the signed-in user's devices with their
// last position, its age and the battery (GET /api/v1/devices), their trails
// of the last hours (GET /api/v1/devices/{id}/trail), the zones (tile
// layers), and the open alerts, kept up to date from the event stream (GET
// /api/v1/events/stream) without reloading: a new alert sounds and shows a
// browser notification where the user allowed them, and an officer
// acknowledges it here (POST /api/v1/events/{id}/acknowledge). Times are the
// reserve's local time with its offset; the page is wholly Chinese or
// wholly English.

import * as maplibregl from './maplibre-gl.mjs';
import './live.css';
import { account } from './account.js';
import { fmtLocal, fmtNumber, problemView } from './casecommon.js';
import { el, getJSON, reserveName, showError } from './common.js';
import { lang, messages, setupLangSwitch, t } from './i18n.js';
import { addTileLayers, baseStyle } from './mapbase.js';
import labels from './messages/live.json' with { type: 'json' };

Object.assign(messages, labels);

const hourChoices = [1, 3, 6, 12, 24];

// age says how long ago an instant was, in the page's language.
function age(iso, now = Date.now()) {
  const s = Math.max(0, Math.round((now - new Date(iso).getTime()) / 1000));
  if (s < 120) return t('age.s', { n: s });
  if (s < 7200) return t('age.m', { n: Math.round(s / 60) });
  if (s < 172800) return t('age.h', { n: Math.round(s / 3600) });
  return t('age.d', { n: Math.round(s / 86400) });
}

// beep plays a short two-tone alarm (Web Audio: no sound file to fetch).
function beep(audio) {
  if (!audio || audio.state !== 'running') return;
  for (const [i, f] of [880, 660].entries()) {
    const o = audio.createOscillator();
    const g = audio.createGain();
    o.frequency.value = f;
    g.gain.value = 0.15;
    o.connect(g).connect(audio.destination);
    o.start(audio.currentTime + i * 0.2);
    o.stop(audio.currentTime + i * 0.2 + 0.18);
  }
}

async function main() {
  setupLangSwitch(document.getElementById('lang-switch'));
  const [{ reserves }, config, served] = await Promise.all([getJSON('/api/v1/reserves'), getJSON('/config.json'), getJSON('/tiles')]);
  const zoneOf = Object.fromEntries(reserves.map((r) => [r.code, r.time_zone || 'Asia/Shanghai']));
  const tz = (codes) => zoneOf[(codes || []).find((c) => zoneOf[c])] || 'Asia/Shanghai';
  const q = new URLSearchParams(location.search);
  const f = { reserve: document.getElementById('f-reserve'), hours: document.getElementById('f-hours') };
  const fill = () => {
    const keep = [f.reserve.value || q.get('reserve') || '', f.hours.value || q.get('hours') || '6'];
    f.reserve.replaceChildren(el('option', { value: '' }, t('live.all')), ...reserves.map((r) => el('option', { value: r.code }, reserveName(r))));
    f.hours.replaceChildren(...hourChoices.map((h) => el('option', { value: String(h) }, t('live.hoursN', { n: h }))));
    [f.reserve.value, f.hours.value] = keep;
  };
  fill();

  const map = new maplibregl.Map({ container: 'live-map', style: baseStyle(config.basemap, served.layers), center: [86, 34.5], zoom: 4, attributionControl: { compact: false } });
  map.addControl(new maplibregl.NavigationControl(), 'top-right');
  window.warden = { map };
  await new Promise((resolve) => map.once('load', resolve));
  addTileLayers(map, served.layers.filter((l) => l.public));
  const empty = { type: 'FeatureCollection', features: [] };
  for (const s of ['live-trails', 'live-devices', 'live-alerts']) map.addSource(s, { type: 'geojson', data: empty });
  map.addLayer({ id: 'live-trail', type: 'line', source: 'live-trails', paint: { 'line-color': '#2e6fd8', 'line-width': 2, 'line-opacity': 0.8 } });
  map.addLayer({ id: 'live-alert', type: 'circle', source: 'live-alerts', paint: { 'circle-radius': 11, 'circle-color': 'rgba(0,0,0,0)', 'circle-stroke-color': '#c0392b', 'circle-stroke-width': 3 } });
  map.addLayer({ id: 'live-device', type: 'circle', source: 'live-devices', paint: { 'circle-radius': 6, 'circle-color': ['case', ['get', 'stale'], '#9e9e9e', '#1b7f3b'], 'circle-stroke-color': '#fff', 'circle-stroke-width': 1.5 } });

  const body = document.querySelector('#devices-table tbody');
  const list = document.getElementById('alerts');
  const streamState = document.getElementById('stream-state');
  let session = null;
  let devices = null;
  let audio = null;
  let stream = null;
  let fitted = false;
  const alerts = new Map(); // id → event, open or acknowledged while the page is open

  const renderDevices = () => {
    if (!devices) return;
    if (!devices.length) {
      body.replaceChildren(el('tr', {}, el('td', { colspan: '6' }, t('live.noDevices'))));
      return;
    }
    const now = Date.now();
    body.replaceChildren(...devices.map((d) => {
      const lf = d.last_fix;
      return el('tr', { dataset: { id: d.id } },
        el('td', {}, d.name ? (lang() === 'zh' ? `${d.id}（${d.name}）` : `${d.id} (${d.name})`) : d.id),
        el('td', {}, `${d.subject} · ${t('subjectKind.' + d.subject_kind)}`),
        el('td', { class: 'time' }, lf ? fmtLocal(lf.at, tz(d.reserves)) : t('live.never')),
        el('td', { class: 'age' }, lf ? age(lf.at, now) : '—'),
        el('td', { class: 'num' }, lf && lf.battery !== null && lf.battery !== undefined ? `${fmtNumber(lf.battery, 0)}%` : '—'),
        el('td', { class: 'num' }, lf ? `${lf.lon.toFixed(5)}, ${lf.lat.toFixed(5)}` : '—'));
    }));
  };

  const renderAlerts = () => {
    const items = [...alerts.values()].sort((a, b) => b.id - a.id);
    document.getElementById('alerts-empty').hidden = items.length > 0;
    list.replaceChildren(...items.map((e) => {
      const acked = !!e.acknowledged_at;
      const when = fmtLocal(e.at, tz([e.reserve, ...(e.reserves || [])]));
      return el('li', { class: `alert kind-${e.kind}${acked ? ' acknowledged' : ''}`, dataset: { id: String(e.id), kind: e.kind, acknowledged: String(acked) } },
        el('div', { class: 'alert-head' }, el('strong', {}, t('eventKind.' + e.kind)), ' ', el('span', { class: 'time' }, when)),
        el('p', { class: 'alert-text' }, lang() === 'zh' ? e.text_zh : e.text_en),
        acked
          ? el('p', { class: 'acked' }, t('live.acked', { who: e.acknowledged_by, at: fmtLocal(e.acknowledged_at, tz([e.reserve, ...(e.reserves || [])])) }))
          : el('button', { type: 'button', class: 'ack', onclick: () => acknowledge(e).catch(showError) }, t('live.ack')),
        el('div', { class: 'problem-slot' }));
    }));
    const features = items.filter((e) => !e.acknowledged_at && e.lon !== undefined && e.lon !== null)
      .map((e) => ({ type: 'Feature', properties: { id: e.id }, geometry: { type: 'Point', coordinates: [e.lon, e.lat] } }));
    map.getSource('live-alerts').setData({ type: 'FeatureCollection', features });
  };

  const acknowledge = async (e) => {
    const res = await fetch(`/api/v1/events/${e.id}/acknowledge`, { method: 'POST', headers: { Accept: 'application/json', 'X-CSRF-Token': session.csrf } });
    const doc = await res.json();
    if (!res.ok) {
      list.querySelector(`li[data-id="${e.id}"] .problem-slot`)?.replaceChildren(problemView(res.status, doc));
      return;
    }
    alerts.set(doc.id, doc);
    renderAlerts();
  };

  // notify tells the user of a new alert: a sound and, where allowed, a
  // browser notification.
  const notify = (e) => {
    beep(audio);
    if ('Notification' in window && Notification.permission === 'granted') {
      try {
        new Notification(`${t('live.title')}: ${t('eventKind.' + e.kind)}`, { body: lang() === 'zh' ? e.text_zh : e.text_en, tag: `warden-event-${e.id}` });
      } catch {
        // some browsers allow notifications only from a service worker
      }
    }
  };

  const params = () => {
    const p = new URLSearchParams();
    if (f.reserve.value) p.set('reserve', f.reserve.value);
    return p;
  };

  const loadPositions = async () => {
    if (!session?.me.authenticated) return;
    const res = await fetch(`/api/v1/devices?${params()}`, { headers: { Accept: 'application/json' } });
    const doc = await res.json();
    if (!res.ok) {
      devices = null;
      body.replaceChildren(el('tr', {}, el('td', { colspan: '6' }, problemView(res.status, doc))));
      return;
    }
    devices = doc.devices;
    const now = Date.now();
    map.getSource('live-devices').setData({
      type: 'FeatureCollection',
      features: devices.filter((d) => d.last_fix).map((d) => ({
        type: 'Feature', properties: { id: d.id, stale: now - new Date(d.last_fix.at).getTime() > 3600e3 }, geometry: { type: 'Point', coordinates: [d.last_fix.lon, d.last_fix.lat] },
      })),
    });
    const trails = await Promise.all(devices.filter((d) => d.last_fix).map((d) => getJSON(`/api/v1/devices/${encodeURIComponent(d.id)}/trail?hours=${f.hours.value}`)));
    map.getSource('live-trails').setData({ type: 'FeatureCollection', features: trails.filter((tr) => tr.geometry) });
    if (!fitted && devices.some((d) => d.last_fix)) {
      const b = new maplibregl.LngLatBounds();
      for (const d of devices) if (d.last_fix) b.extend([d.last_fix.lon, d.last_fix.lat]);
      for (const tr of trails) for (const c of tr.geometry?.coordinates || []) b.extend(c);
      map.fitBounds(b, { padding: 60, maxZoom: 14, duration: 0 });
      fitted = true;
    }
    renderDevices();
    document.body.dataset.positions = String(Number(document.body.dataset.positions || 0) + 1);
  };

  // onEvent takes one event of the stream: a new alert is listed and told,
  // an acknowledgement updates its alert, and any event moves the devices.
  const onEvent = (e) => {
    if (e.kind === 'acknowledged') {
      if (alerts.has(e.id)) {
        alerts.set(e.id, { ...alerts.get(e.id), acknowledged_at: e.acknowledged_at, acknowledged_by: e.acknowledged_by });
        renderAlerts();
      }
      return;
    }
    if (e.alert && !alerts.has(e.id)) {
      alerts.set(e.id, e);
      renderAlerts();
      notify(e);
    }
    refreshSoon();
  };
  let refreshTimer = null;
  const refreshSoon = () => {
    clearTimeout(refreshTimer);
    refreshTimer = setTimeout(() => loadPositions().catch(showError), 500);
  };

  const openStream = () => {
    stream?.close();
    stream = null;
    streamState.textContent = '';
    if (!session.me.authenticated) return;
    stream = new EventSource(`/api/v1/events/stream?${params()}`);
    stream.addEventListener('open', () => {
      streamState.dataset.state = 'open';
      streamState.textContent = t('live.connected');
    });
    stream.addEventListener('error', () => {
      streamState.dataset.state = 'reconnecting';
      streamState.textContent = t('live.reconnecting');
    });
    stream.addEventListener('live', (m) => onEvent(JSON.parse(m.data)));
  };

  const load = async () => {
    document.body.dataset.loaded = 'false';
    alerts.clear();
    if (!session.me.authenticated) {
      stream?.close();
      devices = null;
      body.replaceChildren(el('tr', {}, el('td', { colspan: '6' }, t('live.signIn'))));
      renderAlerts();
      document.body.dataset.loaded = 'true';
      return;
    }
    openStream(); // first, so that nothing raised while the list loads is missed
    const res = await fetch(`/api/v1/events?alerts=true&open=true&limit=100&${params()}`, { headers: { Accept: 'application/json' } });
    const doc = await res.json();
    if (res.ok) for (const e of doc.events) if (!alerts.has(e.id)) alerts.set(e.id, e);
    renderAlerts();
    await loadPositions();
    document.body.dataset.loaded = 'true';
  };

  document.getElementById('notify').addEventListener('click', async (ev) => {
    audio ??= new AudioContext();
    await audio.resume().catch(() => {});
    if ('Notification' in window && Notification.permission === 'default') await Notification.requestPermission().catch(() => {});
    ev.target.textContent = t('live.notifyOn');
    ev.target.dataset.on = 'true';
  });
  session = await account(() => load().catch(showError));
  f.reserve.addEventListener('change', () => {
    fitted = false;
    load().catch(showError);
  });
  f.hours.addEventListener('change', () => loadPositions().catch(showError));
  document.getElementById('filters').addEventListener('submit', (e) => e.preventDefault());
  document.addEventListener('langchange', () => {
    fill();
    renderDevices();
    renderAlerts();
    const on = document.getElementById('notify');
    if (on.dataset.on) on.textContent = t('live.notifyOn');
    if (stream) streamState.textContent = t(streamState.dataset.state === 'open' ? 'live.connected' : 'live.reconnecting');
  });
  setInterval(() => {
    if (document.visibilityState === 'visible') loadPositions().catch(showError);
  }, 15000);
  await load();
  document.body.dataset.ready = 'true';
}

main().catch(showError);
