import { api, explain, get, onUnauthorised } from './api';
import type { Ctx, View } from './context';
import { h, patch } from './dom';
import { LiveFeed, type FeedState } from './live';
import { navFor, resolveRoute } from './routes';
import type { LiveMessage, User, UserList, Wire } from './types';

/*
 * The signed-in console: top bar (live state, who, sign out), navigation, the current view, toasts
 * and the confirm dialog. Views are picked from the URL hash; the live stream drives re-renders
 * (snapshots) and debounced reloads (typed events), and a full reload after every reconnect.
 */

const RELOAD_DEBOUNCE_MS = 800;

export function startShell(app: HTMLElement, user: User, signedOut: (reason?: string) => void): () => void {
  const isAdmin = user.role === 'admin';
  const liveText = h('span', { class: 'live-state', role: 'status', 'aria-live': 'polite', 'data-state': 'connecting' }, 'Connecting…');
  const navToggle = h('button', { class: 'nav-toggle', type: 'button', 'aria-expanded': 'false', 'aria-controls': 'nav' }, 'Menu');
  const nav = h('nav', { id: 'nav', 'aria-label': 'Console sections' });
  const main = h('main', { id: 'main', tabindex: '-1' });
  const toasts = h('div', { class: 'toasts', role: 'status', 'aria-live': 'polite' });
  const dialog = h('dialog', { class: 'confirm', 'aria-labelledby': 'confirm-title' }) as HTMLDialogElement;
  const signOut = h('button', { type: 'button', class: 'link-button' }, 'Sign out');

  // replaceChildren, not patch: the shell keeps references to these nodes.
  app.replaceChildren(
    h('a', { class: 'skip-link', href: '#main' }, 'Skip to content'),
    h('header', { class: 'topbar' }, navToggle, h('span', { class: 'brand' }, 'nfl-grid'), liveText,
      h('span', { class: 'who' }, `${user.name} (${user.role})`), signOut),
    h('div', { class: 'layout' }, nav, main),
    toasts, dialog);

  let names: Promise<Map<string, string>> | null = null;
  const ctx: Omit<Ctx, 'params' | 'query'> = {
    user,
    live: null as unknown as LiveFeed,
    navigate: (hash) => { location.hash = hash; },
    toast(message, kind = 'info') {
      const t = h('div', { class: `toast toast-${kind}` }, message);
      toasts.append(t);
      setTimeout(() => t.remove(), kind === 'error' ? 9000 : 5000);
    },
    confirm: (o) => new Promise<boolean>((resolve) => {
      const cancel = h('button', { type: 'button', value: 'cancel' }, o.keep ?? 'Cancel');
      const ok = h('button', { type: 'button', class: o.danger ? 'danger' : 'primary', value: 'ok' }, o.action);
      dialog.replaceChildren(h('h2', { id: 'confirm-title' }, o.title), h('p', null, o.body), h('div', { class: 'dialog-buttons' }, cancel, ok));
      const done = (v: boolean) => { dialog.close(); resolve(v); };
      cancel.addEventListener('click', () => done(false));
      ok.addEventListener('click', () => done(true));
      dialog.addEventListener('cancel', () => resolve(false), { once: true });
      dialog.showModal();
      (o.danger ? cancel : ok).focus();
    }),
    userNames() {
      names ??= get<Wire<UserList>>('/api/v1/users').then((r) => new Map(r.users.map((u) => [u.id, u.name])), () => new Map());
      return names;
    },
  };

  let view: View | null = null;
  let viewKey = '';
  let reloadTimer: number | null = null;
  let loading: Promise<void> | null = null;

  const render = () => {
    if (!view) return;
    patch(main, h('h1', { id: 'view-title', tabindex: '-1' }, view.title), ...view.render());
  };

  const load = async (v: View) => {
    try {
      await v.load();
    } catch (e) {
      if (v === view) ctx.toast(explain(e), 'error');
    }
    if (v === view) render();
  };

  const reload = () => {
    if (!view || loading) return;
    const v = view;
    loading = load(v).finally(() => { loading = null; });
  };

  const scheduleReload = () => {
    if (reloadTimer !== null) return;
    reloadTimer = window.setTimeout(() => { reloadTimer = null; reload(); }, RELOAD_DEBOUNCE_MS);
  };

  /** Shows the view the hash names; after a navigation (not on first load) focus moves to its heading. */
  function show(ev?: Event): void {
    const { key, route, params, query } = resolveRoute(location.hash, user.role);
    if (key === viewKey && view) return;
    view?.destroy?.();
    viewKey = key;
    names = null;
    view = route.make({ ...ctx, live, params, query } as Ctx, render);
    document.title = `${view.title} · nfl-grid console`;
    patch(nav, h('ul', null, ...navFor(user.role).map((n) =>
      h('li', null, h('a', { href: `#/${n.path}`, 'aria-current': n.path === route.path ? 'page' : null }, n.label)))));
    patch(main, h('h1', { id: 'view-title', tabindex: '-1' }, view.title), h('p', { class: 'loading' }, 'Loading…'));
    nav.classList.remove('open');
    navToggle.setAttribute('aria-expanded', 'false');
    if (ev) (main.querySelector('#view-title') as HTMLElement | null)?.focus({ preventScroll: true });
    const v = view;
    loading = load(v).finally(() => { loading = null; });
  }

  const onLive = (m: LiveMessage) => {
    if (!view) return;
    if (view.live?.(m)) render();
    if (view.reloadOn?.includes(m.event)) scheduleReload();
  };

  const live = new LiveFeed('/api/v1/live', {
    message: onLive,
    state(s: FeedState, detail?: string) {
      liveText.setAttribute('data-state', s);
      liveText.textContent = s === 'live' ? 'Live' : s === 'connecting' ? 'Connecting…' : s === 'stopped' ? 'Offline' : `Reconnecting…${detail ? ` (${detail})` : ''}`;
    },
    reconnected(restarted) {
      if (restarted) ctx.toast('The coordinator restarted; the page was refreshed from it.', 'info');
      reload();
    },
    refused() {
      // 401: the session ended (sign in again). Other refusals: keep retrying.
      get('/api/v1/me').catch(() => {});
    },
  });
  ctx.live = live;

  // Delegated behaviour for whatever the view rendered.
  const act = async (name: string | null, el: HTMLElement, ev: Event) => {
    const fn = name ? view?.actions?.[name] : undefined;
    if (!fn) return;
    ev.preventDefault();
    const busy = el instanceof HTMLButtonElement || el instanceof HTMLFormElement;
    const target = el instanceof HTMLFormElement ? el.querySelector<HTMLButtonElement>('button[type=submit]') : el;
    if (busy) target?.setAttribute('aria-busy', 'true');
    try {
      await fn(el, ev);
    } catch (e) {
      ctx.toast(explain(e), 'error');
    } finally {
      if (busy) target?.removeAttribute('aria-busy');
      render();
    }
  };
  main.addEventListener('click', (ev) => {
    const el = (ev.target as HTMLElement).closest<HTMLElement>('button[data-action], a[data-action]');
    if (el && main.contains(el)) void act(el.dataset.action ?? null, el, ev);
  });
  main.addEventListener('submit', (ev) => {
    const form = ev.target as HTMLFormElement;
    if (form.dataset.action) void act(form.dataset.action, form, ev);
  });
  main.addEventListener('change', (ev) => {
    const el = ev.target as HTMLElement;
    if (el.dataset.change) void act(el.dataset.change, el, ev);
    else if (el.matches('input, select, textarea')) el.setAttribute('data-dirty', '');
  });
  main.addEventListener('input', (ev) => {
    const el = ev.target as HTMLElement;
    if (el.dataset.input) void act(el.dataset.input, el, ev);
    else if (el.matches('input, select, textarea')) el.setAttribute('data-dirty', '');
  });
  navToggle.addEventListener('click', () => {
    const open = nav.classList.toggle('open');
    navToggle.setAttribute('aria-expanded', String(open));
  });
  signOut.addEventListener('click', async () => {
    try { await api('DELETE', '/api/v1/session'); } catch { /* signed out anyway */ }
    signedOut();
  });
  const offUnauthorised = onUnauthorised(() => signedOut('Your session ended (expired, or its key was revoked). Sign in again.'));
  const tick = window.setInterval(() => { if (view && document.visibilityState === 'visible') render(); }, 10_000); // "12 s ago" texts
  window.addEventListener('hashchange', show);

  show();
  if (isAdmin) live.start();
  else liveText.textContent = '';

  return () => {
    window.removeEventListener('hashchange', show);
    clearInterval(tick);
    offUnauthorised();
    live.stop();
    view?.destroy?.();
    view = null;
  };
}
