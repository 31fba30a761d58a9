import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dbKinds } from '../../../test/support/test-db';
import { makeHost, openTestApp, type TestApp } from '../../../test/support/grid-fixtures';
import { simulateHost, submitBenchBatch } from '../../../test/support/volunteers';
import { assimilatorPass } from '../daemons/assimilator';
import { reexamineCaught, reexamineHost } from '../daemons/reexamine';
import { makeProduction, registerModel } from '../models/registry';
import { coverModelBody, normalArtifact } from '../../../test/support/models';
import { eventually } from '../../../test/support/api-client';
import { validatorPass } from '../daemons/validator';
import { main } from '../cli/main';

/*
 * What researchers see of re-examination, on the app in-process: GET /batches/:id/reopened and
 * the WU listing's `reopened`, for the batch's owner and admins only. The re-opening itself is the
 * real one (reexamineHost, as the drill calls it) over WUs validated by the real daemons.
 */

describe.each(dbKinds())('re-opened work units route (%s)', (kind) => {
  let t: TestApp;
  let alice: { id: string; key: string };
  let bob: { id: string; key: string };
  let batchId: string;
  let caught: string;

  beforeAll(async () => {
    t = await openTestApp(kind);
    alice = await t.user('alice', 'researcher');
    bob = await t.user('bob', 'researcher');
    const [h, a] = [await makeHost(t.grid.db), await makeHost(t.grid.db)];
    caught = h.id;
    ({ batchId } = await submitBenchBatch(t.grid, alice.id, { n: 3, rounds: 200, policy: { minQuorum: 2, adaptive: false } }));
    await simulateHost(t.grid, h);
    await simulateHost(t.grid, a);
    await validatorPass(t.grid);
    await assimilatorPass(t.grid);
    const r = await t.grid.db.transaction((tx) => reexamineHost(tx, h.id, { windowDays: 7, reason: 'caught by a spot check' }));
    expect(r.wuIds).toHaveLength(3);
  });
  afterAll(async () => t?.close());

  it('the owner sees each re-opened WU, why, and the output set aside; another researcher gets 404', async () => {
    const r = await t.call('GET', `/api/v1/batches/${batchId}/reopened`, { key: alice.key });
    expect(r.status).toBe(200);
    expect(r.body.workUnits).toBe(3);
    expect(r.body.reopenings).toHaveLength(3);
    for (const o of r.body.reopenings) {
      expect(o).toMatchObject({ kind: 'quorum', reason: 'caught by a spot check', hostId: caught, state: 'running', outputSha256: null, changed: null });
      expect(o.previousOutputSha256).toMatch(/^[0-9a-f]{64}$/);
    }
    expect((await t.call('GET', `/api/v1/batches/${batchId}/reopened`, { key: bob.key })).status).toBe(404);
    expect((await t.call('GET', `/api/v1/batches/${batchId}/reopened`)).status).toBe(200); // admin
    expect((await t.call('GET', `/api/v1/batches/not-a-uuid/reopened`, { key: alice.key })).status).toBe(400);

    const list = await t.call('GET', `/api/v1/batches/${batchId}/workunits`, { key: alice.key });
    expect(list.body.workUnits.every((w: any) => w.reopened?.count === 1 && w.reopened.reason === 'caught by a spot check')).toBe(true);
    // The withdrawn results are not served as the batch's results.
    expect((await t.call('GET', `/api/v1/batches/${batchId}/results`, { key: alice.key })).body.count).toBe(0);
    const [s] = await t.grid.db.rows<{ n: number }>(sql`SELECT count(*)::int AS n FROM science_results WHERE withdrawn_reason = 'caught by a spot check'`);
    expect(s!.n).toBe(3);
  });

  it('once decided again by another host, the re-opening says whether the result changed', async () => {
    await simulateHost(t.grid, await makeHost(t.grid.db));
    await validatorPass(t.grid);
    await assimilatorPass(t.grid);
    const r = await t.call('GET', `/api/v1/batches/${batchId}/reopened`, { key: alice.key });
    expect(r.body.reopenings.every((o: any) => o.state === 'done' && o.changed === false && o.outputSha256 === o.previousOutputSha256)).toBe(true);
    expect((await t.call('GET', `/api/v1/batches/${batchId}/results`, { key: alice.key })).body.count).toBe(3);
  });

  it('nfl-grid reopened lists them for the owner, and says the batch is not found to another researcher', async () => {
    const server = serve({ fetch: t.app.fetch, port: 0, hostname: '127.0.0.1' });
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const cli = async (key: string) => {
      const out: string[] = [], err: string[] = [];
      const code = await main(['--coordinator', url, '--api-key', key, 'reopened', batchId], { out: (s) => void out.push(s), err: (s) => void err.push(s), env: {}, cwd: process.cwd() });
      return { code, out: out.join('\n'), err: err.join('\n') };
    };
    try {
      const mine = await cli(alice.key);
      expect(mine.code).toBe(0);
      expect(mine.out).toContain(`3 work units of batch ${batchId} re-opened`);
      expect(mine.out.match(/caught by a spot check/g)).toHaveLength(3);
      expect(mine.out).toMatch(/quorum/);
      const theirs = await cli(bob.key);
      expect(theirs.code).not.toBe(0);
      expect(theirs.err).toMatch(/not found|404/i);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('a production model built on a re-opened WU is rolled back and swapped out of service', async () => {
    const [h, a] = [await makeHost(t.grid.db), await makeHost(t.grid.db)];
    const other = await submitBenchBatch(t.grid, alice.id, { n: 1, rounds: 200, policy: { minQuorum: 2, adaptive: false } });
    await simulateHost(t.grid, h);
    await simulateHost(t.grid, a);
    await validatorPass(t.grid);
    const [wu] = await t.grid.db.rows<{ id: number }>(sql`SELECT id FROM work_units WHERE batch_id = ${other.batchId}`);
    const v1 = await registerModel(t.grid.db, coverModelBody(normalArtifact(18)) as never, null, 'production');
    const v2 = await registerModel(t.grid.db, coverModelBody(normalArtifact(19), { wuIds: [Number(wu!.id)] }) as never, null);
    await makeProduction(t.grid.db, v2.id, v1.id, null);
    const served = async () => (await t.call('GET', '/game/model', { key: null })).body;
    expect(await served()).toMatchObject({ model: 'cover', id: v2.id });
    // Caught: the daemons' step re-examines it and tells the serving side.
    await t.grid.db.rows(sql`UPDATE hosts SET caught_at = now() WHERE id = ${h.id}`);
    expect(await reexamineCaught(t.grid)).toBe(1);
    await eventually(async () => (await served()).id === v1.id, 10_000, 'the previous version served again');
    const rows = await t.grid.db.rows<{ id: string; state: string; withdrawn_reason: string | null }>(sql`SELECT id, state::text, withdrawn_reason FROM models ORDER BY version`);
    expect(rows.map((m) => [m.state, m.withdrawn_reason !== null])).toEqual([['production', false], ['archived', true]]);
    expect(await reexamineCaught(t.grid)).toBe(0); // once per catch
  });

  it('is in the OpenAPI document', async () => {
    const doc = await t.call('GET', '/api/v1/openapi.json');
    expect(doc.body.paths['/api/v1/batches/{id}/reopened']?.get?.summary).toMatch(/re-opened/);
  });
});
