import 'uplot/dist/uPlot.min.css';
import './console.css';
import { ApiError, api, explain, get } from './api';
import { h } from './dom';
import { startShell } from './shell';
import type { SessionAnswer, User } from './types';

/*
 * The console's entry point: asks who is signed in (the session cookie, if any) and shows the
 * sign-in form or the console. The server-rendered public status stays below the form.
 */

const app = document.getElementById('app')!;
const publicStatus = document.getElementById('public-status');

function showLogin(message?: string): void {
  document.title = 'Sign in · nfl-grid console';
  const error = h('p', { class: 'form-error', id: 'login-error', role: 'alert' }, message ?? '');
  const input = h('input', {
    id: 'api-key', name: 'apiKey', type: 'password', required: true, autocomplete: 'current-password',
    spellcheck: 'false', placeholder: 'ngk_…', 'aria-describedby': 'api-key-help login-error',
  }) as HTMLInputElement;
  const button = h('button', { type: 'submit', class: 'primary' }, 'Sign in');
  const form = h('form', { class: 'login-form', 'aria-labelledby': 'login-title' },
    h('h1', { id: 'login-title' }, 'Sign in to the console'),
    h('label', { for: 'api-key' }, 'API key'),
    input,
    h('p', { class: 'help', id: 'api-key-help' }, 'Admins: the key printed at first start and saved in ', h('code', null, '.nfl-grid/admin-key'),
      '. Researchers and volunteers: your own key, to follow your batches, hosts and credit. It is exchanged for a session cookie and not kept in the page.'),
    button,
    error) as HTMLFormElement;
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    button.setAttribute('disabled', '');
    error.textContent = '';
    try {
      const { user } = await api<SessionAnswer>('POST', '/api/v1/session', { apiKey: input.value.trim() });
      input.value = '';
      startConsole(user);
    } catch (e) {
      error.textContent = e instanceof ApiError && e.status === 401 ? 'That key is unknown or revoked.' : explain(e);
      button.removeAttribute('disabled');
      input.focus();
      input.select();
    }
  });
  app.replaceChildren(
    h('header', { class: 'topbar' }, h('span', { class: 'brand' }, 'nfl-grid'), h('span', { class: 'topbar-sub' }, 'console')),
    h('div', { class: 'login-page' }, form, publicStatus ?? ''));
  input.focus();
}

let stopShell: (() => void) | null = null;

function startConsole(user: User): void {
  stopShell?.();
  stopShell = startShell(app, user, (reason) => {
    stopShell?.();
    stopShell = null;
    showLogin(reason);
  });
}

async function boot(): Promise<void> {
  try {
    const { user } = await get<SessionAnswer<User | null>>('/api/v1/session');
    if (user) startConsole(user);
    else showLogin();
  } catch (e) {
    showLogin(`The coordinator did not answer: ${explain(e)}`);
  }
}

void boot();
