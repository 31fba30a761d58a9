import { api, get } from '../api';
import type { ViewFactory } from '../context';
import { ago, badge, fmt, h, when } from '../dom';
import type { CreatedEnrollmentToken, CreatedKey, CreatedUser, KeyList, KeyRow, UserList, UserRow, Wire } from '../types';
import { section, table, td } from './common';

interface Secret { title: string; value: string; note: string }

/**
 * Users and API keys (admin): create a user (its first key is shown once), list and revoke keys,
 * make another key, mint an enrollment token for a volunteer's agents.
 */
export const usersView: ViewFactory = (ctx) => {
  let users: UserRow[] = [];
  const keys = new Map<string, KeyRow[] | null>();
  let secret: Secret | null = null;

  const load = async () => {
    users = (await get<Wire<UserList>>('/api/v1/users')).users;
    for (const id of keys.keys()) keys.set(id, (await get<Wire<KeyList>>(`/api/v1/users/${id}/keys`)).keys);
  };

  function secretPanel(s: Secret): HTMLElement {
    return h('div', { class: 'notice ok secret', role: 'alert', 'data-key': 'secret' },
      h('p', null, h('strong', null, s.title)),
      h('label', { for: 'new-secret' }, 'Copy it now: it is not shown again'),
      h('div', { class: 'inline-form' },
        h('input', { id: 'new-secret', type: 'text', readonly: true, value: s.value, class: 'mono', 'data-testid': 'new-secret' }),
        h('button', { type: 'button', 'data-action': 'copy' }, 'Copy'),
        h('button', { type: 'button', 'data-action': 'dismiss' }, 'Done')),
      h('p', { class: 'help' }, s.note));
  }

  function keyTable(u: UserRow, list: KeyRow[]): HTMLElement {
    return table(`API keys of ${u.name}`, ['Key', 'Label', 'Created', 'Last used', 'State', ''], list.map((k) =>
      h('tr', { 'data-key': k.id },
        td('Key', h('code', null, `${k.prefix}…`)),
        td('Label', k.label ?? '–'),
        td('Created', when(k.createdAt)),
        td('Last used', ago(k.lastUsedAt)),
        td('State', k.revokedAt ? badge('revoked', `revoked ${ago(k.revokedAt)}`) : badge('active', 'live')),
        td('', k.revokedAt ? null : h('button', { type: 'button', class: 'danger', 'data-action': 'revoke', 'data-id': k.id, 'data-user': u.id }, 'Revoke')))),
    { empty: 'No keys.', cls: 'nested cards' });
  }

  return {
    title: 'Users and API keys',
    load,
    render() {
      const rows = users.flatMap((u) => {
        const list = keys.get(u.id);
        const out = [h('tr', { 'data-key': u.id },
          td('User', h('strong', null, u.name)),
          td('Role', badge(u.role)),
          td('Team', u.team ?? '–'),
          td('Live keys', fmt(u.keys)),
          td('Created', when(u.createdAt)),
          td('', h('div', { class: 'row-actions' },
            h('button', { type: 'button', 'data-action': 'keys', 'data-id': u.id, 'aria-expanded': String(keys.has(u.id)), 'aria-controls': `keys-${u.id}` }, keys.has(u.id) ? 'Hide keys' : 'Keys'),
            h('button', { type: 'button', 'data-action': 'new-key', 'data-id': u.id }, 'New key'),
            u.role === 'volunteer' ? h('button', { type: 'button', 'data-action': 'enroll', 'data-id': u.id }, 'Enrollment token') : null)))];
        if (keys.has(u.id)) {
          out.push(h('tr', { 'data-key': `k-${u.id}`, id: `keys-${u.id}`, class: 'detail-row' },
            h('td', { colspan: 6 }, list ? keyTable(u, list) : h('p', { class: 'loading' }, 'Loading keys…'))));
        }
        return out;
      });
      return [
        secret ? secretPanel(secret) : null,
        section('Create a user',
          h('form', { class: 'form-grid', 'data-action': 'create' },
            h('label', { for: 'new-user-name' }, 'Name'),
            h('input', { id: 'new-user-name', name: 'name', required: true, pattern: '[\\w.@+\\-]+', maxlength: 100, autocomplete: 'off' }),
            h('label', { for: 'new-user-role' }, 'Role'),
            h('select', { id: 'new-user-role', name: 'role' }, h('option', { value: 'researcher' }, 'researcher'), h('option', { value: 'volunteer' }, 'volunteer'), h('option', { value: 'admin' }, 'admin')),
            h('label', { for: 'new-user-team' }, 'Team (optional)'),
            h('input', { id: 'new-user-team', name: 'team', maxlength: 100, autocomplete: 'off' }),
            h('button', { type: 'submit', class: 'primary' }, 'Create user'))),
        section('Users', table('Users', ['User', 'Role', 'Team', 'Live keys', 'Created', ''], rows, { empty: 'No users.', cls: 'cards' })),
      ].filter((x): x is HTMLElement => x !== null);
    },
    actions: {
      async create(el) {
        const form = el as HTMLFormElement;
        const data = new FormData(form);
        const team = String(data.get('team') ?? '').trim();
        const r = await api<Wire<CreatedUser>>('POST', '/api/v1/users', { name: String(data.get('name')).trim(), role: data.get('role'), ...(team ? { team } : {}) });
        secret = { title: `User ${r.user.name} (${r.user.role}) created. Their API key:`, value: r.apiKey, note: 'Give it to them over a private channel. It works for the API, the CLI and this console.' };
        form.reset();
        form.querySelectorAll('[data-dirty]').forEach((x) => x.removeAttribute('data-dirty'));
        await load();
      },
      async keys(el) {
        const id = el.dataset.id!;
        if (keys.has(id)) { keys.delete(id); return; }
        keys.set(id, null);
        keys.set(id, (await get<Wire<KeyList>>(`/api/v1/users/${id}/keys`)).keys);
      },
      async 'new-key'(el) {
        const u = users.find((x) => x.id === el.dataset.id);
        const r = await api<Wire<CreatedKey>>('POST', `/api/v1/users/${el.dataset.id}/keys`, { label: 'made in the console' });
        secret = { title: `A new API key for ${u?.name}:`, value: r.apiKey, note: 'Their other keys keep working until revoked.' };
        await load();
      },
      async enroll(el) {
        const u = users.find((x) => x.id === el.dataset.id);
        const r = await api<Wire<CreatedEnrollmentToken>>('POST', '/api/v1/enrollment-tokens', { userId: el.dataset.id });
        secret = { title: `An enrollment token for ${u?.name}'s agents:`, value: r.token, note: `Good for ${r.uses} hosts until ${when(r.expiresAt)}: nfl-agent --coordinator ${location.origin} --token …` };
      },
      async revoke(el) {
        const u = users.find((x) => x.id === el.dataset.user);
        const ok = await ctx.confirm({ title: 'Revoke this key?', body: `${u?.name ?? 'The user'} can no longer use it for the API, the CLI or the console (console sessions made with it end now).`, action: 'Revoke key', danger: true });
        if (!ok) return;
        await api('DELETE', `/api/v1/keys/${el.dataset.id}`);
        ctx.toast('Key revoked.', 'ok');
        await load();
      },
      copy() {
        const input = document.getElementById('new-secret') as HTMLInputElement | null;
        if (!input) return;
        input.select();
        void navigator.clipboard?.writeText(input.value).then(() => ctx.toast('Copied.', 'ok'), () => ctx.toast('Selected: press Ctrl+C to copy.', 'info'));
      },
      dismiss() { secret = null; },
    },
  };
};
