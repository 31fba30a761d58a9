import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dbKinds } from '../../../test/support/test-db';
import { openTestApp, type TestApp } from '../../../test/support/grid-fixtures';

describe.each(dbKinds())('users and keys (%s)', (kind) => {
  let t: TestApp;
  beforeAll(async () => { t = await openTestApp(kind); });
  afterAll(async () => t?.close());

  it('creates a user whose key works at once, shown only in the reply', async () => {
    const r = await t.call('POST', '/api/v1/users', { body: { name: 'rita', role: 'researcher', team: 'Chiefs' } });
    expect(r.status).toBe(201);
    expect(r.body.user).toMatchObject({ name: 'rita', role: 'researcher', team: 'Chiefs' });
    expect(r.body.apiKey).toMatch(/^ngk_/);
    const me = await t.call('GET', '/api/v1/me', { key: r.body.apiKey });
    expect(me.body.user.name).toBe('rita');
    const list = await t.call('GET', '/api/v1/users');
    expect(list.body.users.find((u: { name: string }) => u.name === 'rita')).toMatchObject({ keys: 1, team: 'Chiefs' });
    expect(list.text).not.toContain(r.body.apiKey);
  });

  it('refuses a taken name (409) and bad input (400 naming the field)', async () => {
    await t.call('POST', '/api/v1/users', { body: { name: 'dup', role: 'volunteer' } });
    const again = await t.call('POST', '/api/v1/users', { body: { name: 'dup', role: 'volunteer' } });
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ code: 'name_taken', field: 'name' });
    const badRole = await t.call('POST', '/api/v1/users', { body: { name: 'x', role: 'king' } });
    expect(badRole.body.error).toMatchObject({ code: 'invalid_field', field: 'role' });
  });

  it('is for admins only', async () => {
    const v = await t.user('vic', 'volunteer');
    expect((await t.call('POST', '/api/v1/users', { key: v.key, body: { name: 'y', role: 'admin' } })).status).toBe(403);
    expect((await t.call('GET', '/api/v1/users', { key: v.key })).status).toBe(403);
  });

  it('makes more keys and revokes them', async () => {
    const u = await t.user('kim', 'researcher');
    const k2 = await t.call('POST', `/api/v1/users/${u.id}/keys`, { body: { label: 'laptop' } });
    expect(k2.status).toBe(201);
    expect((await t.call('GET', '/api/v1/me', { key: k2.body.apiKey })).status).toBe(200);
    const keys = await t.call('GET', `/api/v1/users/${u.id}/keys`);
    expect(keys.body.keys).toHaveLength(2);
    expect(keys.body.keys[1]).toMatchObject({ id: k2.body.id, label: 'laptop', prefix: k2.body.apiKey.slice(0, 12), revokedAt: null });
    const del = await t.call('DELETE', `/api/v1/keys/${k2.body.id}`);
    expect(del.body).toMatchObject({ revoked: true, alreadyRevoked: false });
    expect((await t.call('GET', '/api/v1/me', { key: k2.body.apiKey })).status).toBe(401);
    expect((await t.call('GET', '/api/v1/me', { key: u.key })).status).toBe(200);
    // Someone else's key is not found; your own you may revoke.
    const other = await t.user('olga', 'researcher');
    expect((await t.call('DELETE', `/api/v1/keys/${keys.body.keys[0].id}`, { key: other.key })).status).toBe(404);
    expect((await t.call('DELETE', `/api/v1/keys/${keys.body.keys[0].id}`, { key: u.key })).status).toBe(200);
    expect((await t.call('GET', '/api/v1/me', { key: u.key })).status).toBe(401);
    expect((await t.call('POST', '/api/v1/users/00000000-0000-4000-8000-000000000000/keys', { body: {} })).status).toBe(404);
  });
});
