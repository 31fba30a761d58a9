import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeHost, makeUser, openTestGrid, type TestGrid, type TestHost } from '../../../test/support/grid-fixtures';
import { policyOf, submitBenchBatch } from '../../../test/support/volunteers';
import { dbKinds } from '../../../test/support/test-db';
import type { AgentSession } from '../gateway/agent-session';
import { handleCheckpoint } from '../gateway/handle-progress';
import { claimWork } from '../queue/claim-work';
import { recordReplicaFailures } from '../queue/record-replica-errors';
import { checkpointsRoutes } from './checkpoints';
import { errorHandler } from './http/on-error';

/*
 * GET /api/v1/checkpoints/:wuId on a real database: checkpoints are stored by the gateway's own
 * handleCheckpoint, and fetched with real host credentials.
 */

describe.each(dbKinds())('checkpoints route (%s)', (kind) => {
  let t: TestGrid;
  let app: Hono;
  let holder: TestHost;
  let other: TestHost;
  let wuWithCheckpoint: number;
  let wuWithout: number;
  let replicaId: number;
  const bytes = new TextEncoder().encode(JSON.stringify({ step: 40, h: 12345 }));
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const credential = (h: TestHost) => t.grid.keys.issueHostCredential(h.id, h.ownerId);
  const get = async (wuId: number | string, token?: string) => {
    const res = await app.request(`/api/v1/checkpoints/${wuId}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
    return { status: res.status, body: await res.json() as any };
  };

  beforeAll(async () => {
    t = await openTestGrid(kind);
    app = new Hono().route('/api/v1', checkpointsRoutes(t.grid));
    app.onError(errorHandler(t.grid));
    const researcher = await makeUser(t.db, { role: 'researcher' });
    await submitBenchBatch(t.grid, researcher, { n: 2, policy: { minQuorum: 1, adaptive: false } });
    // The uploader checkpoints its replica of the first WU and gives both up; the holder takes them over.
    const uploader = await makeHost(t.db);
    holder = await makeHost(t.db);
    other = await makeHost(t.db);
    const first = await claimWork(t.db, uploader.claiming, 2, policyOf(t.grid));
    expect(first).toHaveLength(2);
    const problem = await handleCheckpoint(t.grid, { hostId: uploader.id } as AgentSession,
      { type: 'checkpoint', replicaId: first[0]!.replica_id, step: 40, sha256, data: Buffer.from(bytes).toString('base64') });
    expect(problem).toBeNull();
    await recordReplicaFailures(t.db, uploader.id, first.map((c) => ({ replicaId: c.replica_id, state: 'abandoned' as const, code: 'abandoned', message: 'stopping' })));
    const claimed = await claimWork(t.db, holder.claiming, 2, policyOf(t.grid));
    expect(claimed.map((c) => [c.wu_id, c.checkpoint_step])).toEqual([[first[0]!.wu_id, 40], [first[1]!.wu_id, null]]);
    [wuWithCheckpoint, wuWithout] = [claimed[0]!.wu_id, claimed[1]!.wu_id];
    replicaId = claimed[0]!.replica_id;
  });
  afterAll(async () => t?.close());

  it('gives the replica it was handed to the newest checkpoint, bytes matching the sha256', async () => {
    const r = await get(wuWithCheckpoint, await credential(holder));
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ wuId: wuWithCheckpoint, step: 40, sha256, data: Buffer.from(bytes).toString('base64') });
    expect(createHash('sha256').update(Buffer.from(r.body.data, 'base64')).digest('hex')).toBe(r.body.sha256);
  });

  it('refuses other hosts (403), missing or bad credentials (401), and says 404 when there is none', async () => {
    expect(await get(wuWithCheckpoint, await credential(other))).toMatchObject({ status: 403, body: { error: { code: 'not_holding_replica' } } });
    expect(await get(wuWithCheckpoint)).toMatchObject({ status: 401, body: { error: { code: 'missing_credentials' } } });
    expect(await get(wuWithCheckpoint, 'not.a.jwt')).toMatchObject({ status: 401, body: { error: { code: 'bad_host_credential' } } });
    expect(await get(wuWithout, await credential(holder))).toMatchObject({ status: 404, body: { error: { code: 'not_found' } } });
    expect((await get('x', await credential(holder))).status).toBe(400);
  });

  it('stops serving a host once its replica is no longer in progress', async () => {
    await t.db.rows(sql`UPDATE replicas SET state = 'abandoned' WHERE id = ${replicaId}`);
    expect((await get(wuWithCheckpoint, await credential(holder))).status).toBe(403);
  });
});
