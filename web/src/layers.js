// How each tile layer of /tiles is drawn, switched, explained in the legend
// and shown in a popup. The map adds the layers the server lists that have an
// entry here, in this order (lowest first). To add a layer (cases): add an
// entry with its MapLibre style layers, its switcher label, its legend and
// its popup fields, and the labels to i18n.js. Entries with off: true (the
// tracks and observations, which the server lists only to users who may
// read tracks, and the cases, listed to those who may read cases) start
// switched off.

import { fmtNumber, statusColours } from './casecommon.js';
import { fmtTime, reserveName } from './common.js';
import { t } from './i18n.js';

// reserves are the reserves by code (map.js fills it), so that popups name
// a reserve rather than show its code.
export const reserves = {};
const reserveLabel = (v) => (reserves[v] ? reserveName(reserves[v]) : String(v));

// Zone fill colours by kind.
export const zoneColours = {
  core: '#c62828',
  buffer: '#ef8a17',
  experimental: '#f2d14b',
  peripheral: '#9fb8a0',
  core_protection: '#a3201a',
  general_control: '#6ab04c',
};

// Marker symbols by status: shape and colour.
export const statusSymbols = {
  intact: { shape: 'circle', colour: '#1b7f3b' },
  damaged: { shape: 'triangle', colour: '#e67e22' },
  missing: { shape: 'cross', colour: '#c0392b' },
  moved: { shape: 'diamond', colour: '#2e6fd8' },
};

// drawSymbol draws a marker status symbol on a size×size canvas.
export function drawSymbol(status, size = 22) {
  const { shape, colour } = statusSymbols[status];
  const c = document.createElement('canvas');
  c.width = c.height = size;
  const g = c.getContext('2d');
  const m = size / 2, r = size * 0.36;
  g.lineWidth = 2;
  g.strokeStyle = '#ffffff';
  g.fillStyle = colour;
  g.beginPath();
  if (shape === 'circle') {
    g.arc(m, m, r, 0, 2 * Math.PI);
  } else if (shape === 'triangle') {
    g.moveTo(m, m - r * 1.15);
    g.lineTo(m + r * 1.1, m + r * 0.85);
    g.lineTo(m - r * 1.1, m + r * 0.85);
    g.closePath();
  } else if (shape === 'diamond') {
    g.moveTo(m, m - r * 1.2);
    g.lineTo(m + r * 1.2, m);
    g.lineTo(m, m + r * 1.2);
    g.lineTo(m - r * 1.2, m);
    g.closePath();
  } else {
    g.arc(m, m, r, 0, 2 * Math.PI);
    g.fillStyle = '#ffffff';
  }
  g.fill();
  g.stroke();
  if (shape === 'cross') {
    g.strokeStyle = colour;
    g.lineWidth = 2.5;
    g.beginPath();
    g.arc(m, m, r, 0, 2 * Math.PI);
    const d = r * 0.6;
    g.moveTo(m - d, m - d);
    g.lineTo(m + d, m + d);
    g.moveTo(m + d, m - d);
    g.lineTo(m - d, m + d);
    g.stroke();
  }
  return c;
}

// Track line colours by subject kind.
export const trackColours = {
  patrol: '#1f4fd6',
  research_permit: '#7b3fb8',
  visitor: '#d35400',
  vehicle: '#37474f',
  unknown: '#8d6e63',
};

// observationColour is the colour of observation points.
export const observationColour = '#e67e22';

const yesNo = (v) => t(v === true || v === 'true' ? 'value.yes' : 'value.no');

// tileLayers: source is the name of the tile layer on the server.
export const tileLayers = [
  {
    source: 'zones',
    label: 'layers.zones',
    title: 'popup.zone',
    style: [
      {
        id: 'zones-fill',
        type: 'fill',
        paint: {
          'fill-color': ['match', ['get', 'kind'], ...Object.entries(zoneColours).flat(), '#cccccc'],
          'fill-opacity': 0.55,
        },
      },
      {
        id: 'zones-line',
        type: 'line',
        paint: { 'line-color': '#5b3a29', 'line-width': 0.8, 'line-opacity': 0.7 },
      },
    ],
    interactive: ['zones-fill'],
    fields: ['kind', 'name', 'reserve', 'version', 'area_ha'],
    format: { kind: (v) => t('kind.' + v), reserve: reserveLabel, area_ha: (v) => fmtNumber(v, 2) },
    legend: () => Object.keys(zoneColours).map((k) => ({ swatch: zoneColours[k], label: t('kind.' + k) })),
  },
  {
    source: 'reserves',
    label: 'layers.reserves',
    title: 'popup.reserve',
    style: [
      {
        id: 'reserves-line',
        type: 'line',
        paint: { 'line-color': '#14532d', 'line-width': 2.2 },
      },
    ],
    interactive: ['reserves-line'],
    fields: ['code', 'name_zh', 'name_en', 'level', 'illustrative'],
    format: { level: (v) => t('level.' + v), illustrative: yesNo },
    legend: () => [{ line: '#14532d', label: t('layers.reserves') }],
  },
  {
    source: 'tracks',
    label: 'layers.tracks',
    title: 'popup.track',
    off: true,
    style: [
      {
        id: 'tracks-line',
        type: 'line',
        layout: { 'line-join': 'round', 'line-cap': 'round' },
        paint: {
          'line-color': ['match', ['get', 'subject_kind'], ...Object.entries(trackColours).flat(), trackColours.unknown],
          'line-width': ['interpolate', ['linear'], ['zoom'], 5, 1.5, 12, 3],
        },
      },
    ],
    interactive: ['tracks-line'],
    fields: ['track', 'subject_kind', 'reserve', 'started_at'],
    format: { subject_kind: (v) => t('subjectKind.' + v), started_at: (v) => fmtTime(v), reserve: reserveLabel },
    legend: () => Object.keys(trackColours).map((k) => ({ line: trackColours[k], label: t('subjectKind.' + k) })),
  },
  {
    source: 'markers',
    label: 'layers.markers',
    title: 'popup.marker',
    images: Object.keys(statusSymbols).map((s) => ({ id: 'marker-' + s, draw: () => drawSymbol(s) })),
    style: [
      {
        id: 'markers-symbol',
        type: 'symbol',
        layout: {
          'icon-image': ['concat', 'marker-', ['get', 'status']],
          'icon-allow-overlap': true,
          'icon-size': ['interpolate', ['linear'], ['zoom'], 4, 0.6, 10, 1],
        },
      },
    ],
    interactive: ['markers-symbol'],
    fields: ['code', 'kind', 'status', 'reserve'],
    format: { kind: (v) => t('markerKind.' + v), status: (v) => t('status.' + v), reserve: reserveLabel },
    legend: () => Object.keys(statusSymbols).map((s) => ({ symbol: s, label: t('status.' + s) })),
  },
  {
    source: 'observations',
    label: 'layers.observations',
    title: 'popup.observation',
    off: true,
    style: [
      {
        id: 'observations-circle',
        type: 'circle',
        paint: { 'circle-radius': 5, 'circle-color': observationColour, 'circle-stroke-color': '#ffffff', 'circle-stroke-width': 1.5 },
      },
    ],
    interactive: ['observations-circle'],
    fields: ['category', 'name', 'zone_kind', 'observed_at', 'track'],
    format: { zone_kind: (v) => t('kind.' + v), observed_at: (v) => fmtTime(v) },
    legend: () => [{ swatch: observationColour, label: t('layers.observations') }],
  },
  {
    source: 'cases',
    label: 'layers.cases',
    title: 'popup.case',
    off: true,
    style: [
      {
        id: 'cases-circle',
        type: 'circle',
        paint: {
          'circle-radius': ['match', ['get', 'severity'], 'high', 8, 'medium', 6.5, 5],
          'circle-color': ['match', ['get', 'status'], ...Object.entries(statusColours).flat(), '#777777'],
          'circle-stroke-color': '#ffffff',
          'circle-stroke-width': 2,
        },
      },
    ],
    interactive: ['cases-circle'],
    fields: ['number', 'status', 'severity', 'reserve', 'opened_at'],
    format: { status: (v) => t('caseStatus.' + v), severity: (v) => t('severity.' + v), opened_at: (v) => fmtTime(v), reserve: reserveLabel },
    legend: () => Object.keys(statusColours).map((k) => ({ swatch: statusColours[k], label: t('caseStatus.' + k) })),
  },
];
