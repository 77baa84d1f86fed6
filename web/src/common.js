// Small helpers shared by the pages.

import { lang, t } from './i18n.js';

// getJSON fetches a JSON document; a non-2xx answer throws with the
// problem's detail when the server sent one.
export async function getJSON(url) {
  const res = await fetch(url, { headers: { Accept: 'application/json' } });
  if (!res.ok) {
    let detail = res.statusText;
    try {
      detail = (await res.json()).detail || detail;
    } catch {
      // not JSON: keep the status text
    }
    throw new Error(`${url}: ${res.status} ${detail}`);
  }
  return res.json();
}

// request sends a request to the API and returns {ok, status, doc}, doc
// being the answer's JSON ({} when it has none, as a 204 has not). csrf,
// when given, goes as X-CSRF-Token, which writes need; json, when given, is
// sent as the JSON body.
export async function request(url, { csrf, json, ...init } = {}) {
  const headers = { Accept: 'application/json', ...init.headers };
  if (csrf !== undefined) headers['X-CSRF-Token'] = csrf;
  if (json !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(json);
  }
  const res = await fetch(url, { ...init, headers });
  const doc = await res.json().catch(() => ({}));
  return { ok: res.ok, status: res.status, doc };
}

// reserveName is the reserve's name in the current language, else the other.
export function reserveName(r) {
  return (lang() === 'en' ? r.name_en || r.name_zh : r.name_zh || r.name_en) || r.code;
}

// el makes an element with attributes and children (strings become text).
export function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') e.className = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else if (k === 'dataset') Object.assign(e.dataset, v);
    // through the CSSOM: the pages' Content-Security-Policy refuses style attributes
    else if (k === 'style') e.style.cssText = v;
    else e.setAttribute(k, v);
  }
  for (const c of children.flat()) e.append(c instanceof Node ? c : String(c));
  return e;
}

// showError puts a message in the page's error bar (and the console).
export function showError(err) {
  console.error(err);
  const bar = document.getElementById('error');
  bar.textContent = t('error.load') + err.message;
  bar.hidden = false;
}

// localZone is the browser's time zone (IANA name).
export function localZone() {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

// fmtTime writes an RFC 3339 time as "YYYY-MM-DD HH:MM:SS" in the time zone
// tz (default the browser's); no time is a dash.
export function fmtTime(iso, tz = localZone()) {
  if (!iso) return '—';
  return new Intl.DateTimeFormat('sv-SE', {
    timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false,
  }).format(new Date(iso));
}
