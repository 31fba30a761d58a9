import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CoordinatorMessage } from '@nfl-grid/shared/protocol/messages';
import { dbKinds } from '../../../test/support/test-db';
import { openTestApp, type TestApp } from '../../../test/support/grid-fixtures';

describe.each(dbKinds())('host routes (%s)', (kind) => {
  let t: TestApp;
  let vol: { id: string; key: string };
  let other: { id: string; key: string };
  let hostId: string;
  const sent: CoordinatorMessage[] = [];

  beforeAll(async () => {
    t = await openTestApp(kind);
    vol = await t.user('val', 'volunteer');
    other = await t.user('oz', 'volunteer');
    hostId = await t.host(vol.id, { name: 'val-desktop', intensity: 'medium', gpu: true, totalCredit: 50, rac: 10, racTime: new Date() });
    await t.host(other.id, { name: 'oz-laptop' });
    // The host is connected to this coordinator: a real registry entry whose socket records frames.
    t.grid.agents.add({ hostId, ownerId: vol.id, send: (m) => void sent.push(m), close: () => {}, challenge: async () => true });
  });
  afterAll(async () => t?.close());

  it('lists own hosts for a volunteer and all for an admin', async () => {
    const mine = await t.call('GET', '/api/v1/hosts', { key: vol.key });
    expect(mine.body.hosts).toHaveLength(1);
    expect(mine.body.hosts[0]).toMatchObject({
      id: hostId, name: 'val-desktop', online: true, intensity: 'medium', status: 'active', gpu: true,
      owner: { name: 'val' }, credit: { total: 50 }, reliability: { consecutiveValid: 0, errorRate: 0.1 },
    });
    expect(mine.body.hosts[0].credit.rac).toBeCloseTo(10, 3);
    const all = await t.call('GET', '/api/v1/hosts');
    expect(all.body.hosts.map((h: { name: string }) => h.name).sort()).toEqual(['oz-laptop', 'val-desktop']);
    expect((await t.call('GET', `/api/v1/hosts/${hostId}`, { key: other.key })).status).toBe(404);
  });

  it('lets the owner change intensity and pause, pushing the config and recording an event', async () => {
    const r = await t.call('PATCH', `/api/v1/hosts/${hostId}`, { key: vol.key, body: { intensity: 'inferno', status: 'paused' } });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ intensity: 'inferno', status: 'paused' });
    expect(sent.at(-1)).toEqual({
      type: 'config',
      config: { intensity: 'inferno', paused: true, checkpointIntervalSeconds: t.grid.config.agentDefaults.checkpointIntervalSeconds, progressIntervalSeconds: t.grid.config.agentDefaults.progressIntervalSeconds },
    });
    const [ev] = await t.grid.db.rows<{ actor: string; data: { to: unknown } }>(sql`SELECT actor, data FROM events WHERE kind = 'host.updated' AND subject = ${hostId} ORDER BY id DESC LIMIT 1`);
    expect(ev).toMatchObject({ actor: vol.id, data: { to: { intensity: 'inferno', status: 'paused' } } });
    await t.call('PATCH', `/api/v1/hosts/${hostId}`, { key: vol.key, body: { status: 'active' } });
    expect(sent.at(-1)).toMatchObject({ config: { paused: false, intensity: 'inferno' } });
  });

  it('keeps banning for admins and refuses bad changes', async () => {
    const ban = await t.call('PATCH', `/api/v1/hosts/${hostId}`, { key: vol.key, body: { status: 'banned' } });
    expect(ban.status).toBe(403);
    expect((await t.call('PATCH', `/api/v1/hosts/${hostId}`, { key: other.key, body: { intensity: 'low' } })).status).toBe(404);
    expect((await t.call('PATCH', `/api/v1/hosts/${hostId}`, { key: vol.key, body: { intensity: 'volcanic' } })).body.error.field).toBe('intensity');
    expect((await t.call('PATCH', `/api/v1/hosts/${hostId}`, { key: vol.key, body: {} })).status).toBe(400);
    const adminBan = await t.call('PATCH', `/api/v1/hosts/${hostId}`, { body: { status: 'banned' } });
    expect(adminBan.body.status).toBe('banned');
    expect(sent.at(-1)).toMatchObject({ config: { paused: true } });
    expect((await t.call('PATCH', `/api/v1/hosts/${hostId}`, { key: vol.key, body: { status: 'active' } })).status).toBe(403);
    expect((await t.call('PATCH', `/api/v1/hosts/${hostId}`, { key: vol.key, body: { intensity: 'low' } })).status).toBe(200);
  });
});
