// The patrol tracks page: sign in, drop a track file (GPX, KML/KMZ, TCX,
// GeoJSON, CSV) with its subject, subject kind and optional reserve, upload
// it with POST /api/v1/tracks, and see the track on the map with its zone
// visits (entry and exit, times, durations, boundary jitter marked),
// observations and findings; the recent tracks, each opened with a click.

import * as maplibregl from './maplibre-gl.mjs';

import './casei18n.js';
import { account } from './account.js';
import { fmtNumber } from './casecommon.js';
import { el, fmtTime, getJSON, localZone, request, reserveName, showError } from './common.js';
import { lang, setupLangSwitch, t } from './i18n.js';
import { trackColours } from './layers.js';
import { addTileLayers, baseStyle } from './mapbase.js';
import { noteText } from './notes.js';
import { problemText, problemView } from './problems.js';

// timeZone is the zone a track's times are shown in: the one given with
// its upload, else the browser's.
function timeZone(track) {
  return track.timezone || localZone();
}

// fmtClock writes a time as fmtTime does, without the date when it is day
// (the track's first day: the table says it once).
function fmtClock(iso, tz, day) {
  const s = fmtTime(iso, tz);
  return iso && s.startsWith(day + ' ') ? s.slice(day.length + 1) : s;
}

// fmtDuration writes seconds as hours, minutes and seconds.
function fmtDuration(s) {
  if (s === null || s === undefined) return t('tracks.noTime');
  const total = Math.round(s);
  const h = Math.floor(total / 3600), m = Math.floor((total % 3600) / 60), sec = total % 60;
  const pad = (n) => String(n).padStart(2, '0');
  return h > 0 ? t('dur.hms', { h, m: pad(m), s: pad(sec) }) : t('dur.ms', { m, s: pad(sec) });
}

const empty = { type: 'FeatureCollection', features: [] };

// trackLayers adds the sources and layers that show one track.
function trackLayers(map) {
  for (const id of ['track', 'findings', 'visits', 'observations']) map.addSource(id, { type: 'geojson', data: empty });
  // A finding's stretch is a red halo under the track.
  map.addLayer({ id: 'finding-line', type: 'line', source: 'findings', filter: ['!=', ['geometry-type'], 'Point'], layout: { 'line-join': 'round', 'line-cap': 'round' }, paint: { 'line-color': '#c0392b', 'line-width': 11, 'line-opacity': 0.55 } });
  map.addLayer({ id: 'track-casing', type: 'line', source: 'track', layout: { 'line-join': 'round', 'line-cap': 'round' }, paint: { 'line-color': '#ffffff', 'line-width': 5 } });
  map.addLayer({ id: 'track-line', type: 'line', source: 'track', layout: { 'line-join': 'round', 'line-cap': 'round' }, paint: { 'line-color': trackColours.patrol, 'line-width': 3 } });
  map.addLayer({ id: 'finding-point', type: 'circle', source: 'findings', filter: ['==', ['geometry-type'], 'Point'], paint: { 'circle-radius': 9, 'circle-color': 'rgba(192,57,43,0.25)', 'circle-stroke-color': '#c0392b', 'circle-stroke-width': 2 } });
  map.addLayer({
    id: 'visit-points', type: 'circle', source: 'visits',
    paint: {
      'circle-radius': 5,
      'circle-color': ['case', ['get', 'jitter'], '#9e9e9e', ['==', ['get', 'end'], 'entry'], '#1b7f3b', '#5b3a29'],
      'circle-stroke-color': '#ffffff', 'circle-stroke-width': 1.5,
    },
  });
  map.addLayer({ id: 'observation-points', type: 'circle', source: 'observations', paint: { 'circle-radius': 6, 'circle-color': '#e67e22', 'circle-stroke-color': '#ffffff', 'circle-stroke-width': 2 } });
}

// extend grows a [w, s, e, n] box by the positions of a GeoJSON geometry.
function extend(bb, g) {
  const walk = (c) => {
    if (typeof c[0] === 'number') {
      bb[0] = Math.min(bb[0], c[0]); bb[1] = Math.min(bb[1], c[1]);
      bb[2] = Math.max(bb[2], c[0]); bb[3] = Math.max(bb[3], c[1]);
    } else c.forEach(walk);
  };
  if (g && g.coordinates) walk(g.coordinates);
  return bb;
}

// draw puts the track, its visits' entry and exit points, its findings and
// observations on the map, and fits the map to them.
function draw(map, track, feature) {
  const point = (c, props) => ({ type: 'Feature', properties: props, geometry: { type: 'Point', coordinates: c } });
  map.getSource('track').setData(feature && feature.geometry ? { type: 'FeatureCollection', features: [feature] } : empty);
  map.setPaintProperty('track-line', 'line-color', trackColours[track.subject_kind] || trackColours.unknown);
  map.getSource('visits').setData({
    type: 'FeatureCollection',
    features: track.visits.flatMap((v) => [
      point(v.entry, { end: 'entry', ordinal: v.ordinal, kind: v.zone_kind, jitter: v.boundary_jitter }),
      point(v.exit, { end: 'exit', ordinal: v.ordinal, kind: v.zone_kind, jitter: v.boundary_jitter }),
    ]),
  });
  map.getSource('findings').setData({
    type: 'FeatureCollection',
    features: track.findings.filter((f) => f.geometry).map((f) => ({ type: 'Feature', properties: { kind: f.kind, zone_kind: f.zone_kind }, geometry: f.geometry })),
  });
  map.getSource('observations').setData({
    type: 'FeatureCollection',
    features: track.observations.map((o) => point([o.lon, o.lat], { category: o.category, name: o.name || '' })),
  });
  const bb = [Infinity, Infinity, -Infinity, -Infinity];
  if (feature) extend(bb, feature.geometry);
  for (const o of track.observations) extend(bb, { coordinates: [o.lon, o.lat] });
  if (bb[0] <= bb[2]) map.fitBounds([[bb[0], bb[1]], [bb[2], bb[3]]], { padding: 60, maxZoom: 15, duration: 0 });
}

// download fetches an export with the session and saves it.
async function download(url, name) {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: ${res.status}`);
  const a = el('a', { href: URL.createObjectURL(await res.blob()), download: name });
  document.body.append(a);
  a.click();
  a.remove();
}

// reserveNames name the reserves by code in the page's language.
const reserveNames = {};
const reserveLabel = (code) => (reserveNames[code] ? reserveName(reserveNames[code]) : code);

// casesView lists the cases an upload opened or added evidence to, with
// links to their pages.
function casesView(refs) {
  if (!refs || refs.length === 0) return '';
  return el('div', {}, el('h3', {}, t('tracks.cases')),
    el('ul', { id: 'track-cases' }, refs.map((c) => el('li', { dataset: { id: String(c.id), opened: String(c.opened) } },
      el('a', { href: c.page || `/cases/${c.id}` }, c.number), ' ', c.title || '', ' · ', t('caseStatus.' + c.status), ' · ', t(c.opened ? 'tracks.caseOpened' : 'tracks.caseExtended')))));
}

// trackView is the panel part showing one track: summary, notes, visits,
// findings, observations and the cases the upload opened or extended.
function trackView(track, created) {
  const zh = lang() === 'zh';
  const tz = timeZone(track);
  const day = fmtTime(track.started_at || track.created_at, tz).slice(0, 10);
  const where = track.reserve ? reserveLabel(track.reserve) : t('tracks.outside');
  const summary = el('dl', { class: 'summary' },
    el('dt', {}, t('tracks.who')), el('dd', { id: 'track-subject' }, `${track.subject || '—'} · ${t('subjectKind.' + track.subject_kind)}`),
    el('dt', {}, t('tracks.reserve')), el('dd', { id: 'track-reserve' }, where),
    el('dt', {}, t('tracks.started')), el('dd', {}, fmtTime(track.started_at, tz)),
    el('dt', {}, t('tracks.ended')), el('dd', {}, fmtTime(track.ended_at, tz)),
    el('dt', {}, t('tracks.length')), el('dd', {}, `${fmtNumber(track.totals.length_m / 1000, 2)} ${t('unit.km')} · ${t('tracks.points', { n: fmtNumber(track.totals.points_kept, 0) })}`),
    el('dt', {}, t('tracks.duration')), el('dd', {}, fmtDuration(track.totals.duration_s)));

  const visits = track.visits.length === 0
    ? el('p', { id: 'no-visits' }, t('tracks.noVisits'))
    : el('table', { id: 'visits-table' },
      el('caption', {}, t('tracks.timesIn', { day, tz })),
      el('thead', {}, el('tr', {}, ['visit.no', 'visit.zone', 'visit.entered', 'visit.exited', 'visit.duration', 'visit.length', 'visit.depth']
        .map((k) => el('th', {}, t(k))))),
      el('tbody', {}, track.visits.map((v) => el('tr', {
        class: v.boundary_jitter ? 'jitter' : '',
        dataset: { kind: v.zone_kind, reserve: v.reserve, jitter: String(v.boundary_jitter), entered: v.entered_at || '', exited: v.exited_at || '' },
      },
      el('td', { class: 'num' }, String(v.ordinal + 1)),
      el('td', { class: 'zone' }, v.reserve === track.reserve ? t('kind.' + v.zone_kind) : `${reserveLabel(v.reserve)} ${t('kind.' + v.zone_kind)}`,
        v.boundary_jitter ? el('span', { class: 'jitter-mark', title: v.jitter_reason || '' }, t('visit.jitter')) : ''),
      el('td', { class: 'entered' }, fmtClock(v.entered_at, tz, day), v.entered_by_crossing ? '' : el('small', {}, t('visit.startedInside'))),
      el('td', { class: 'exited' }, fmtClock(v.exited_at, tz, day), v.exited_by_crossing ? '' : el('small', {}, t('visit.endedInside'))),
      el('td', { class: 'duration' }, fmtDuration(v.duration_s)),
      el('td', { class: 'num' }, fmtNumber(v.length_m, 0)),
      el('td', { class: 'num' }, fmtNumber(v.max_depth_m, 0))))));

  const findings = track.findings.length === 0
    ? el('p', { id: 'no-findings' }, t('tracks.noFindings'))
    : el('ul', { id: 'findings' }, track.findings.map((f) => el('li', { dataset: { kind: f.kind, zoneKind: f.zone_kind } },
      el('strong', {}, t('finding.' + f.kind)), ' · ', t('kind.' + f.zone_kind), ' · ', fmtTime(f.observed_at, tz),
      el('br'), zh ? f.basis_zh : f.basis_en)));

  const observations = track.observations.length === 0 ? '' : el('div', {},
    el('h3', {}, t('tracks.observations')),
    el('ul', { id: 'observations' }, track.observations.map((o) => el('li', { dataset: { category: o.category } },
      zh ? o.category_zh : t('category.' + o.category) === 'category.' + o.category ? o.category.replace(/_/g, ' ') : t('category.' + o.category), o.name ? ` “${o.name}”` : '', ' · ', fmtTime(o.observed_at, tz),
      o.zone_kind ? ` · ${t('kind.' + o.zone_kind)}` : ''))));

  const files = el('p', { class: 'exports' },
    el('button', { type: 'button', id: 'gpx-link', onclick: () => download(track.links.gpx, `track-${track.id}.gpx`).catch(showError) }, t('tracks.gpx')), ' ',
    el('button', { type: 'button', id: 'kml-link', onclick: () => download(`/api/v1/tracks/${track.id}.kml`, `track-${track.id}.kml`).catch(showError) }, t('tracks.kml')));

  return el('div', { id: 'track', dataset: { id: String(track.id) } },
    el('h2', {}, t('tracks.track', { id: track.id }), track.file.name ? el('small', {}, ' ', track.file.name) : ''),
    created === undefined ? '' : el('p', { id: 'saved', class: 'saved' }, t(created ? 'tracks.uploaded' : 'tracks.again', { id: track.id })),
    summary,
    track.notes.length === 0 ? '' : el('ul', { class: 'notes', id: 'notes' }, track.notes.map((n) => el('li', { title: n }, noteText(n, reserveLabel)))),
    el('h3', {}, t('tracks.visits')), visits,
    el('h3', {}, t('tracks.findings')), findings,
    casesView(track.cases),
    observations, files);
}

async function main() {
  setupLangSwitch(document.getElementById('lang-switch'));
  const [config, served, { reserves }] = await Promise.all([getJSON('/config.json'), getJSON('/tiles'), getJSON('/api/v1/reserves')]);
  for (const r of reserves) reserveNames[r.code] = r;
  const result = document.getElementById('result');
  const recentList = document.getElementById('recent-list');

  const reserve = document.getElementById('reserve');
  const fillReserves = () => {
    const chosen = reserve.value;
    reserve.replaceChildren(el('option', { value: '' }, t('tracks.reserveAuto')), ...reserves.map((r) => el('option', { value: r.code }, reserveName(r))));
    reserve.value = chosen;
  };
  fillReserves();

  const map = new maplibregl.Map({
    container: 'map',
    style: baseStyle(config.basemap, served.layers),
    center: [86, 34.5],
    zoom: 4,
    attributionControl: { compact: false },
  });
  map.addControl(new maplibregl.NavigationControl(), 'top-right');
  map.addControl(new maplibregl.ScaleControl({ unit: 'metric' }), 'bottom-right');
  window.warden = { map };
  await new Promise((resolve) => map.once('load', resolve));
  addTileLayers(map, served.layers.filter((l) => l.public)); // zones, outlines and markers as the setting
  trackLayers(map);

  // What the panel shows: the track last opened (and whether the upload made it).
  let shown = null;
  const render = () => {
    if (shown) result.replaceChildren(trackView(shown.track, shown.created));
  };
  const open = async (track, created) => {
    const feature = await getJSON(`/ogc/collections/tracks/items/${track.id}?f=json`);
    shown = { track, created };
    render();
    document.getElementById('track').scrollIntoView({ block: 'start' });
    draw(map, track, feature);
    document.body.dataset.track = String(track.id);
  };

  const session = await account(() => recent().catch(showError));
  // recent lists the newest tracks the user may read.
  async function recent() {
    if (!session.me.authenticated) {
      recentList.replaceChildren(el('li', { class: 'none' }, t('tracks.signInToSee')));
      return;
    }
    const { ok, status, doc } = await request('/api/v1/tracks?limit=20');
    if (!ok) {
      recentList.replaceChildren(el('li', { class: 'problem' }, problemText(status, doc)));
      return;
    }
    recentList.replaceChildren(...(doc.tracks.length === 0 ? [el('li', { class: 'none' }, t('tracks.none'))] : doc.tracks.map((tr) =>
      el('li', {}, el('button', {
        type: 'button', dataset: { id: String(tr.id) },
        onclick: () => getJSON(`/api/v1/tracks/${tr.id}`).then((full) => open(full)).catch(showError),
      }, `#${tr.id} ${tr.subject || '—'} · ${t('subjectKind.' + tr.subject_kind)} · ${fmtTime(tr.started_at || tr.created_at, timeZone(tr))} · ${tr.reserve ? reserveLabel(tr.reserve) : t('tracks.outside')}`)))));
  }
  await recent();
  document.addEventListener('langchange', () => {
    fillReserves();
    render();
    recent().catch(showError);
  });

  // The file: dropped on the box, or chosen by clicking it.
  let file = null;
  const drop = document.getElementById('drop');
  const input = document.getElementById('file');
  const choose = (f) => {
    file = f || null;
    const name = document.getElementById('file-name');
    name.textContent = file ? `${file.name} (${(file.size / 1024).toFixed(1)} KiB)` : t('tracks.noFile');
    if (file) delete name.dataset.i18n;
    else name.dataset.i18n = 'tracks.noFile';
  };
  drop.addEventListener('click', () => input.click());
  drop.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' || e.key === ' ') input.click();
  });
  input.addEventListener('change', () => choose(input.files[0]));
  drop.addEventListener('dragover', (e) => {
    e.preventDefault();
    drop.classList.add('over');
  });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (e) => {
    e.preventDefault();
    drop.classList.remove('over');
    choose(e.dataTransfer.files[0]);
  });

  document.getElementById('upload-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    if (!file) {
      result.replaceChildren(el('p', { class: 'problem', id: 'problem' }, t('tracks.needFile')));
      return;
    }
    // The fields first, the file last: the server reads them as they stream in.
    const body = new FormData();
    const subject = document.getElementById('subject').value.trim();
    const tz = document.getElementById('timezone').value.trim();
    if (subject) body.append('subject', subject);
    body.append('subject_kind', document.getElementById('subject-kind').value);
    if (reserve.value) body.append('reserve', reserve.value);
    if (tz) body.append('timezone', tz);
    body.append('file', file, file.name);
    result.replaceChildren(el('p', {}, t('tracks.uploading')));
    const { ok, status, doc } = await request('/api/v1/tracks', { method: 'POST', csrf: session.csrf, body });
    if (!ok) {
      shown = null;
      result.replaceChildren(problemView(status, doc));
      return;
    }
    await open(doc, status === 201);
    await recent();
  });

  const params = new URLSearchParams(location.search);
  if (params.get('track') && session.me.authenticated) await open(await getJSON('/api/v1/tracks/' + encodeURIComponent(params.get('track'))));
  document.body.dataset.ready = 'true';
}

main().catch(showError);
