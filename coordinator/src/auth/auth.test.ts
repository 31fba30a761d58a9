import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dbKinds } from '../../../test/support/test-db';
import { apiKeys, users } from '../db/schema/index';
import { openTestApp, type TestApp } from '../../../test/support/grid-fixtures';
import { API_KEY_PREFIX, ensureAdminKey, hashSecret, KEY_PREFIX_CHARS, revokeApiKey, userForApiKey } from './api-keys';
import { consumeEnrollmentToken, createEnrollmentToken } from './host-credentials';

describe.each(dbKinds())('auth (%s)', (kind) => {
  let t: TestApp;
  beforeAll(async () => { t = await openTestApp(kind); });
  afterAll(async () => t?.close());

  it('makes ngk_ keys of 32 random bytes and stores only their hash and prefix', async () => {
    const u = await t.user('keyholder', 'researcher');
    expect(u.key).toMatch(/^ngk_[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(u.key.slice(API_KEY_PREFIX.length), 'base64url')).toHaveLength(32);
    const [row] = await t.grid.db.orm.select().from(apiKeys).where(eq(apiKeys.userId, u.id));
    expect(row).toMatchObject({ prefix: u.key.slice(0, KEY_PREFIX_CHARS), keyHash: hashSecret(u.key) });
    expect(JSON.stringify(row)).not.toContain(u.key);
    expect(await userForApiKey(t.grid.db, u.key)).toMatchObject({ id: u.id, name: 'keyholder', role: 'researcher' });
    expect(await userForApiKey(t.grid.db, u.key + 'x')).toBeNull();
  });

  it('answers 401 for a missing, malformed, unknown or revoked key and 403 for the wrong role', async () => {
    const u = await t.user('reva', 'researcher');
    const cases: [string | null, Record<string, string>, number, string][] = [
      [null, {}, 401, 'missing_api_key'],
      [null, { authorization: 'Basic abc' }, 401, 'missing_api_key'],
      ['ngk_nonsense', {}, 401, 'bad_api_key'],
      ['not-even-a-key', {}, 401, 'bad_api_key'],
      [u.key, {}, 403, 'forbidden'],
    ];
    for (const [key, headers, status, code] of cases) {
      const r = await t.call('GET', '/api/v1/users', { key, headers });
      expect(r.status, `${key} ${JSON.stringify(headers)}`).toBe(status);
      expect(r.body.error.code).toBe(code);
    }
    expect((await t.call('GET', '/api/v1/me', { key: u.key })).body.user).toMatchObject({ name: 'reva', role: 'researcher' });
    const [row] = await t.grid.db.orm.select({ id: apiKeys.id }).from(apiKeys).where(eq(apiKeys.userId, u.id));
    expect(await revokeApiKey(t.grid.db, row!.id)).toEqual({ userId: u.id });
    expect(await revokeApiKey(t.grid.db, row!.id)).toBeNull();
    const revoked = await t.call('GET', '/api/v1/me', { key: u.key });
    expect(revoked.status).toBe(401);
    expect(revoked.body.error.code).toBe('bad_api_key');
    expect(t.log.records.some((e) => e.level === 'warn' && e.fields?.code === 'bad_api_key' && e.fields?.route === '/api/v1/me')).toBe(true);
  });

  it('creates the admin key on first start only, in a 0600 file', async () => {
    // The test app's own admin user already exists: no new key.
    expect(await ensureAdminKey(t.grid)).toBeNull();
    await t.grid.db.rows(sql`UPDATE users SET role = 'researcher' WHERE role = 'admin'`);
    try {
      const key = await ensureAdminKey(t.grid);
      expect(key).toMatch(/^ngk_/);
      const file = join(t.grid.config.dataDir, 'admin-key');
      expect(readFileSync(file, 'utf8').trim()).toBe(key);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(await userForApiKey(t.grid.db, key!)).toMatchObject({ name: 'admin', role: 'admin' });
      expect(await ensureAdminKey(t.grid)).toBeNull();
    } finally {
      await t.grid.db.rows(sql`UPDATE users SET role = 'admin' WHERE name = 'root'`);
    }
  });

  it('consumes enrollment tokens once per use and refuses expired, used-up or unknown ones', async () => {
    const [owner] = await t.grid.db.orm.select({ id: users.id }).from(users).where(eq(users.name, 'root'));
    const t1 = await createEnrollmentToken(t.grid.db, owner!.id, { uses: 2 });
    expect(t1.token).toMatch(/^nfl_enroll_/);
    expect(t1.expiresAt.getTime() - Date.now()).toBeGreaterThan(7 * 86400_000 - 60_000);
    expect(await consumeEnrollmentToken(t.grid.db, t1.token)).toEqual({ userId: owner!.id });
    expect(await consumeEnrollmentToken(t.grid.db, t1.token)).toEqual({ userId: owner!.id });
    await expect(consumeEnrollmentToken(t.grid.db, t1.token)).rejects.toMatchObject({ status: 401, code: 'bad_enrollment_token' });
    const t2 = await createEnrollmentToken(t.grid.db, owner!.id);
    await t.grid.db.rows(sql`UPDATE enrollment_tokens SET expires_at = now() - interval '1 second' WHERE id = ${t2.id}`);
    await expect(consumeEnrollmentToken(t.grid.db, t2.token)).rejects.toMatchObject({ status: 401 });
    await expect(consumeEnrollmentToken(t.grid.db, 'nfl_enroll_unknown')).rejects.toMatchObject({ status: 401 });
  });
});
