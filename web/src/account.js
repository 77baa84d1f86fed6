// The sign-in box of a page (#login-form, #login-fields, #whoami...): it
// starts a browser session (an HttpOnly cookie, which every request of this
// origin then carries) and keeps the session's CSRF token, which writes send
// as X-CSRF-Token. It works like the screening page's.

import { getJSON } from './common.js';

// account wires the box and returns its state: {me, csrf} (me is GET
// /api/v1/auth/me's answer), calling changed(state) after each sign-in and
// sign-out.
export async function account(changed = () => {}) {
  const state = { me: { authenticated: false }, csrf: '' };
  const fields = document.getElementById('login-fields');
  const who = document.getElementById('whoami');
  const problem = document.getElementById('login-problem');
  const show = (me) => {
    state.me = me;
    state.csrf = me.authenticated ? me.csrf_token || '' : '';
    fields.hidden = me.authenticated;
    who.hidden = !me.authenticated;
    document.getElementById('whoami-name').textContent = me.authenticated ? `${me.user.name} (${me.user.roles.join(', ')})` : '';
  };
  show(await getJSON('/api/v1/auth/me'));
  document.getElementById('login-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    problem.textContent = '';
    const res = await fetch('/api/v1/auth/login', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({ name: document.getElementById('login-name').value.trim(), password: document.getElementById('login-password').value }),
    });
    const doc = await res.json();
    if (!res.ok) {
      problem.textContent = doc.detail || doc.title;
      return;
    }
    document.getElementById('login-password').value = '';
    show({ authenticated: true, user: doc.user, csrf_token: doc.csrf_token });
    changed(state);
  });
  document.getElementById('logout').addEventListener('click', async () => {
    await fetch('/api/v1/auth/logout', { method: 'POST', headers: { 'X-CSRF-Token': state.csrf } });
    show({ authenticated: false });
    changed(state);
  });
  return state;
}

