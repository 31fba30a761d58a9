import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newEd25519KeyPair } from '@nfl-grid/shared/signing/keys';
import { dbKinds } from '../../../test/support/test-db';
import { openTestApp, type TestApp } from '../../../test/support/grid-fixtures';

const hardware = { platform: 'linux', arch: 'x64', cpuModel: 'Test CPU', cores: 8, memoryMb: 16384, gpus: [{ model: 'RTX 4070', memoryMb: 12288 }] };

describe.each(dbKinds())('enrollment (%s)', (kind) => {
  let t: TestApp;
  let vol: { id: string; key: string };
  let publicKey: Record<string, unknown>;
  beforeAll(async () => {
    t = await openTestApp(kind);
    vol = await t.user('vince', 'volunteer');
    const pair = await newEd25519KeyPair();
    publicKey = pair.publicJwk as Record<string, unknown>;
  });
  afterAll(async () => t?.close());

  it('mints a token and enrolls a host with it, returning a credential that verifies', async () => {
    const tok = await t.call('POST', '/api/v1/enrollment-tokens', { key: vol.key });
    expect(tok.status).toBe(201);
    expect(tok.body).toMatchObject({ userId: vol.id, uses: 100 });
    expect(new Date(tok.body.expiresAt).getTime()).toBeGreaterThan(Date.now() + 6 * 86400_000);
    const r = await t.call('POST', '/api/v1/hosts/enroll', { key: null, body: { token: tok.body.token, publicKey, name: 'gpu-box', hardware } });
    expect(r.status).toBe(201);
    expect(r.body.ownerId).toBe(vol.id);
    expect(await t.grid.keys.verifyHostCredential(r.body.credential)).toEqual({ hostId: r.body.hostId, ownerId: vol.id });
    const [h] = await t.grid.db.rows<{ gpu: boolean; memory_mb: number; public_key: { x: string }; hardware: { cores: number } }>(sql`SELECT gpu, memory_mb, public_key, hardware FROM hosts WHERE id = ${r.body.hostId}`);
    expect(h).toMatchObject({ gpu: true, memory_mb: 16384, public_key: { x: publicKey.x }, hardware: { cores: 8 } });
    const mine = await t.call('GET', `/api/v1/hosts/${r.body.hostId}`, { key: vol.key });
    expect(mine.body).toMatchObject({ name: 'gpu-box', owner: { name: 'vince' }, gpu: true });
  });

  it('refuses bad, expired and used-up tokens with 401', async () => {
    const body = (token: string) => ({ token, publicKey, name: 'h', hardware: { ...hardware, gpus: [] } });
    const bad = await t.call('POST', '/api/v1/hosts/enroll', { key: null, body: body('nfl_enroll_' + 'x'.repeat(30)) });
    expect(bad.status).toBe(401);
    expect(bad.body.error.code).toBe('bad_enrollment_token');
    const once = await t.call('POST', '/api/v1/enrollment-tokens', { key: vol.key, body: { uses: 1 } });
    expect((await t.call('POST', '/api/v1/hosts/enroll', { key: null, body: body(once.body.token) })).status).toBe(201);
    expect((await t.call('POST', '/api/v1/hosts/enroll', { key: null, body: body(once.body.token) })).status).toBe(401);
    const old = await t.call('POST', '/api/v1/enrollment-tokens', { key: vol.key });
    await t.grid.db.rows(sql`UPDATE enrollment_tokens SET expires_at = now() - interval '1 minute' WHERE expires_at > now() AND uses_left = 100 AND user_id = ${vol.id}`);
    expect((await t.call('POST', '/api/v1/hosts/enroll', { key: null, body: body(old.body.token) })).status).toBe(401);
  });

  it('refuses a private key or a bad body without using up the token', async () => {
    const tok = await t.call('POST', '/api/v1/enrollment-tokens', { key: vol.key, body: { uses: 1 } });
    const priv = await t.call('POST', '/api/v1/hosts/enroll', { key: null, body: { token: tok.body.token, publicKey: { ...publicKey, d: 'secret' }, name: 'h', hardware } });
    expect(priv.status).toBe(400);
    expect(priv.body.error.field).toBe('publicKey.d');
    const noHw = await t.call('POST', '/api/v1/hosts/enroll', { key: null, body: { token: tok.body.token, publicKey, name: 'h', hardware: { ...hardware, cores: 0 } } });
    expect(noHw.body.error.field).toBe('hardware.cores');
    expect((await t.call('POST', '/api/v1/hosts/enroll', { key: null, body: { token: tok.body.token, publicKey, name: 'h', hardware } })).status).toBe(201);
  });

  it('lets only an admin mint a token for someone else', async () => {
    const other = await t.user('otto', 'volunteer');
    const denied = await t.call('POST', '/api/v1/enrollment-tokens', { key: vol.key, body: { userId: other.id } });
    expect(denied.status).toBe(403);
    const ok = await t.call('POST', '/api/v1/enrollment-tokens', { body: { userId: other.id } });
    expect(ok.status).toBe(201);
    expect(ok.body.userId).toBe(other.id);
    const missing = await t.call('POST', '/api/v1/enrollment-tokens', { body: { userId: '00000000-0000-4000-8000-000000000000' } });
    expect(missing.body.error).toMatchObject({ code: 'not_found', field: 'userId' });
    expect((await t.call('POST', '/api/v1/enrollment-tokens', { key: null })).status).toBe(401);
  });
});
