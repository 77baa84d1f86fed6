// Every label of the pages, in Chinese (the default) and English: the
// labels all pages use are in messages/pages.json, a page's own in
// messages/PAGE.json, which its module adds to messages. Elements carry
// data-i18n="key" (text), data-i18n-placeholder or data-i18n-title; setLang
// rewrites them and tells the page (the "langchange" event) so that it can
// redraw what it wrote itself.

import pageLabels from './messages/pages.json' with { type: 'json' };

export const messages = { ...pageLabels };

const storageKey = 'warden.lang';

// lang is the page's language: ?lang=, then the saved choice, then Chinese.
export function initialLang() {
  const q = new URLSearchParams(location.search).get('lang');
  if (q === 'zh' || q === 'en') return q;
  try {
    const saved = localStorage.getItem(storageKey);
    if (saved === 'zh' || saved === 'en') return saved;
  } catch {
    // storage may be unavailable (private mode); Chinese then
  }
  return 'zh';
}

let current = 'zh';

// lang returns the current language, "zh" or "en".
export function lang() {
  return current;
}

// t returns the label key in the current language, with {name} filled from vars.
export function t(key, vars = {}) {
  const m = messages[key];
  if (!m) return key;
  return m[current].replace(/\{(\w+)\}/g, (_, k) => String(vars[k] ?? ''));
}

// setLang switches the page's language and rewrites its labels.
export function setLang(l) {
  current = l;
  document.documentElement.lang = l === 'zh' ? 'zh-CN' : 'en';
  try {
    localStorage.setItem(storageKey, l);
  } catch {
    // not saved: the choice lasts for this page
  }
  for (const el of document.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of document.querySelectorAll('[data-i18n-placeholder]')) el.placeholder = t(el.dataset.i18nPlaceholder);
  for (const el of document.querySelectorAll('[data-i18n-title]')) el.title = t(el.dataset.i18nTitle);
  document.dispatchEvent(new CustomEvent('langchange', { detail: l }));
}

// setupLangSwitch wires the switch button and applies the initial language.
export function setupLangSwitch(button) {
  button.addEventListener('click', () => setLang(current === 'zh' ? 'en' : 'zh'));
  setLang(initialLang());
}
