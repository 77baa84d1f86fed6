// What the case pages share: the statuses and sources with their labels, and
// a refused request shown as a problem.

import { el } from './common.js';

// statuses are the workflow's, in order (internal/cases/cases.go).
export const statuses = ['reported', 'verified', 'dismissed', 'transferred', 'rectifying', 'interviewed', 'special_inspection', 'rectified', 'closed'];

// sources are where cases come from.
export const sources = ['patrol', 'screening', 'marker_check', 'central_inspection', 'provincial_inspection', 'ministry_patrol', 'special_action', 'public_report', 'system'];

// statusColours colour cases by status on the map and in the pages.
export const statusColours = {
  reported: '#c0392b',
  verified: '#e67e22',
  dismissed: '#9e9e9e',
  transferred: '#8e44ad',
  rectifying: '#2e6fd8',
  interviewed: '#b71c1c',
  special_inspection: '#6a1b9a',
  rectified: '#16a085',
  closed: '#1b7f3b',
};

// problemView shows a refused request: its status, detail and where.
export function problemView(status, doc) {
  const details = (doc.problems || []).map((p) => el('li', {}, [p.pointer, p.reason].filter(Boolean).join(': ')));
  const allowed = doc.allowed ? el('p', {}, `allowed: ${doc.allowed.join(', ')}`) : '';
  return el('div', { class: 'problem', id: 'problem' }, el('p', {}, `${status} ${doc.detail || doc.title}`), el('ul', {}, details), allowed);
}
