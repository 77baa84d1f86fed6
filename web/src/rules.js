// The rule table page (规则表): the rule set in force for a reserve on a day
// (GET /api/v1/rules?reserve=&on=), per zone kind every activity's verdict,
// the provisions it rests on and the penalty range, printable. In Chinese
// the cited provisions are quoted from the stored official texts; the
// English page names them (the authentic text is Chinese).

import { el, getJSON, reserveName, showError } from './common.js';
import { lang, messages, setupLangSwitch, t } from './i18n.js';
import { openingReserves } from './opening.js';
import labels from './messages/rules.json' with { type: 'json' };

Object.assign(messages, labels);

const $ = (id) => document.getElementById(id);
let view = null;

// currencyZH names currencies on the Chinese page (the illustrative Alt
// Pirineu rules fine in euros).
const currencyZH = { CNY: '元', EUR: '欧元' };

function money(v, cur) {
  if (lang() === 'zh' && cur === 'CNY') return v >= 10000 && v % 10000 === 0 ? `${v / 10000}万元` : `${v}元`;
  if (lang() === 'zh') return `${v.toLocaleString('zh-CN')}${currencyZH[cur] || ' ' + cur}`;
  return `${v.toLocaleString('en')} ${cur === 'CNY' ? 'yuan' : cur}`;
}

// provisionZH is a provision's text on the Chinese page: its Chinese text,
// or a note that there is none (an agency's rules written in another
// language) rather than that language on a Chinese page.
function provisionZH(p) {
  const text = p.text_zh || p.text || '';
  return /[\u4e00-\u9fff]/.test(text) ? text : t('rules.noChinese');
}

function penaltyText(p) {
  if (!p) return '';
  const cite = lang() === 'zh' ? p.cite_zh : p.cite_en;
  const ranges = p.ranges.map((r) => {
    const amount = r.min === 0 ? t('rules.upTo', { max: money(r.max, p.currency) }) : t('rules.range', { min: money(r.min, p.currency), max: money(r.max, p.currency) });
    return `${t('circ.' + r.circumstance)}: ${amount}`;
  });
  return `${cite} — ${ranges.join('; ')}`;
}

function verdictName(code) {
  const v = view.verdicts.find((x) => x.code === code);
  return v ? (lang() === 'zh' ? v.name_zh : v.name_en) : code;
}

function render() {
  if (!view) return;
  const zh = lang() === 'zh';
  const rs = view.rule_set;
  const title = zh ? rs.title_zh || rs.title_en : rs.title_en || rs.title_zh;
  const colon = zh ? '：' : ': ';
  // the rule set by its name (its code is for the API), when it is in force
  // and the day the table is for
  $('ruleset').replaceChildren(
    el('h2', {}, title),
    el('p', { id: 'ruleset-line', dataset: { code: rs.code } }, [
      t('rules.ruleSet') + colon + title,
      t('rules.inForce') + colon + rs.in_force_from + (rs.in_force_until ? ' – ' + rs.in_force_until : ''),
      t('rules.day') + colon + view.on].join(' · ')),
    view.converted ? el('p', { class: 'note' }, t('rules.converted')) : '',
  );
  const acts = Object.fromEntries(view.activities.map((a) => [a.code, a]));
  $('zones').replaceChildren(...view.zones.map((z) => el('section', { class: 'zone-rules' },
    el('h3', {}, zh ? z.label_zh : z.label_en),
    z.rules.length === 0 ? el('p', {}, t('rules.outside')) : el('table', {},
      el('thead', {}, el('tr', {}, ...['rules.activity', 'rules.verdict', 'rules.basis', 'rules.condition', 'rules.penalty'].map((k) => el('th', {}, t(k))))),
      el('tbody', {}, ...z.rules.map((r) => el('tr', { dataset: { activity: r.activity, verdict: r.verdict } },
        el('td', {}, zh ? acts[r.activity].name_zh : acts[r.activity].name_en),
        el('td', { class: 'verdict-' + r.verdict }, verdictName(r.verdict)),
        el('td', {}, zh ? r.cite_zh : r.cite_en),
        el('td', {}, [zh ? r.approval_by_zh : r.approval_by_en, zh ? r.condition_zh : r.condition_en].filter(Boolean).join(zh ? '；' : '; ')),
        el('td', {}, penaltyText(r.penalty)),
      ))),
    ),
  )));
  $('provisions').replaceChildren(
    el('h3', {}, t('rules.provisions')),
    zh ? '' : el('p', {}, t('rules.authentic', { code: view.rule_set.instrument })),
    el('dl', {}, ...view.provisions.flatMap((p) => zh
      ? [el('dt', {}, p.cite_zh), el('dd', {}, provisionZH(p))]
      : [el('dt', {}, p.cite_en), el('dd', {}, ...englishText(p))])),
  );
}

// englishText is a provision on the English page: an own English text as
// it is, a Chinese one by its unofficial translation, marked as such.
function englishText(p) {
  if (p.text && !p.text_zh) return [p.text];
  if (!p.text_en) return [];
  return [el('span', { class: 'translation' }, p.text_en), ' ', el('small', { class: 'note' }, t('rules.unofficial'))];
}

async function load() {
  const q = new URLSearchParams({ reserve: $('reserve').value, on: $('on').value });
  history.replaceState(null, '', `/rules?${q}`);
  view = await getJSON(`/api/v1/rules?${q}`);
  render();
}

async function main() {
  setupLangSwitch($('lang-switch'));
  const params = new URLSearchParams(location.search);
  const reserves = await getJSON('/api/v1/reserves');
  const list = reserves.reserves || reserves;
  $('reserve').replaceChildren(...list.map((r) => el('option', { value: r.code }, reserveName(r))));
  // ?reserve=, else the first reserve the pages open on (opening.js)
  $('reserve').value = params.get('reserve') || openingReserves(list, await getJSON('/api/v1/auth/me'))[0] || '';
  $('on').value = params.get('on') || new Date().toISOString().slice(0, 10);
  $('reserve').addEventListener('change', () => load().catch(showError));
  $('on').addEventListener('change', () => load().catch(showError));
  $('print').addEventListener('click', () => window.print());
  document.addEventListener('langchange', render);
  await load();
  document.body.dataset.ready = 'true';
}

main().catch(showError);
