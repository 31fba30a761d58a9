import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signCheckpoint, verifyCheckpoint } from '@nfl-grid/shared/signing/checkpoint-signature';
import { importPublic } from '@nfl-grid/shared/signing/keys';
import { makeSigningHost, uploadSignedCheckpoint, type SigningHost } from '../../../test/support/checkpoints';
import { makeHost, makeUser, openTestGrid, type TestGrid, type TestHost } from '../../../test/support/grid-fixtures';
import { policyOf, submitBenchBatch } from '../../../test/support/volunteers';
import { dbKinds } from '../../../test/support/test-db';
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
  let uploader: SigningHost;
  let madeBy: number;
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
    await submitBenchBatch(t.grid, researcher, { n: 2, policy: { minQuorum: 2, adaptive: false } });
    // The (trusted) uploader checkpoints its replica of the first WU and gives both up; the holder
    // takes them over (and is not the last replica its quorum needs, so it may resume).
    uploader = await makeSigningHost(t.db, { consecutiveValid: 20, errorRate: 0.01 });
    holder = await makeHost(t.db);
    other = await makeHost(t.db);
    const first = await claimWork(t.db, uploader.claiming, 2, policyOf(t.grid));
    expect(first).toHaveLength(2);
    madeBy = first[0]!.replica_id;
    expect(await uploadSignedCheckpoint(t.grid, uploader, madeBy, 40, bytes)).toBeNull();
    await recordReplicaFailures(t.db, uploader.id, first.map((c) => ({ replicaId: c.replica_id, state: 'abandoned' as const, code: 'abandoned', message: 'stopping' })));
    const claimed = await claimWork(t.db, holder.claiming, 2, policyOf(t.grid));
    expect(claimed.map((c) => [c.wu_id, c.checkpoint_step])).toEqual([[first[0]!.wu_id, 40], [first[1]!.wu_id, null]]);
    [wuWithCheckpoint, wuWithout] = [claimed[0]!.wu_id, claimed[1]!.wu_id];
    replicaId = claimed[0]!.replica_id;
  });
  afterAll(async () => t?.close());

  it('gives the replica it was handed to the newest checkpoint, bytes matching the sha256, with its maker and signature', async () => {
    const r = await get(wuWithCheckpoint, await credential(holder));
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      wuId: wuWithCheckpoint, step: 40, sha256, data: Buffer.from(bytes).toString('base64'), signature: expect.any(String),
      maker: { hostId: uploader.id, replicaId: madeBy },
    });
    expect(createHash('sha256').update(Buffer.from(r.body.data, 'base64')).digest('hex')).toBe(r.body.sha256);
    await expect(verifyCheckpoint(r.body.signature, await importPublic(uploader.publicJwk), {
      wuId: wuWithCheckpoint, replicaId: madeBy, hostId: uploader.id, kernel: 'bench.hash@1', step: 40, sha256,
    })).resolves.toMatchObject({ step: 40 });
  });

  it('refuses other hosts (403), missing or bad credentials (401), and says 404 when there is none', async () => {
    expect(await get(wuWithCheckpoint, await credential(other))).toMatchObject({ status: 403, body: { error: { code: 'not_holding_replica' } } });
    expect(await get(wuWithCheckpoint)).toMatchObject({ status: 401, body: { error: { code: 'missing_credentials' } } });
    expect(await get(wuWithCheckpoint, 'not.a.jwt')).toMatchObject({ status: 401, body: { error: { code: 'bad_host_credential' } } });
    expect(await get(wuWithout, await credential(holder))).toMatchObject({ status: 404, body: { error: { code: 'not_found' } } });
    expect((await get('x', await credential(holder))).status).toBe(400);
  });

  it('an upload is stored only under its host\'s own signature over exactly that checkpoint', async () => {
    const h = await makeSigningHost(t.db);
    const stranger = await makeSigningHost(t.db);
    const [mine] = await claimWork(t.db, h.claiming, 1, policyOf(t.grid));
    const stored = async () => (await t.db.rows<{ n: number }>(sql`SELECT count(*)::int AS n FROM checkpoints WHERE replica_id = ${mine!.replica_id}`))[0]!.n;
    // Signed with another host's key: refused, naming the signature.
    expect(await uploadSignedCheckpoint(t.grid, h, mine!.replica_id, 50, bytes, stranger.privateKey))
      .toMatchObject({ code: 'checkpoint_bad_signature', field: 'signature', message: expect.stringContaining('does not verify') });
    // A good signature over other bytes (a different sha256) does not cover these.
    const forged = { type: 'checkpoint' as const, replicaId: mine!.replica_id, step: 50, sha256, data: Buffer.from(bytes).toString('base64') };
    const ok = await signCheckpoint(h.privateKey, { wuId: mine!.wu_id, replicaId: mine!.replica_id, hostId: h.id, kernel: 'bench.hash@1', step: 51, sha256 });
    expect(await handleCheckpoint(t.grid, h.session, { ...forged, signature: ok }))
      .toMatchObject({ code: 'checkpoint_bad_signature', message: expect.stringContaining('is for step 51, not 50') });
    expect(await stored()).toBe(0);
    expect(await uploadSignedCheckpoint(t.grid, h, mine!.replica_id, 50, bytes)).toBeNull();
    expect(await stored()).toBe(1);
  });

  it('stops serving a host once its replica is no longer in progress', async () => {
    await t.db.rows(sql`UPDATE replicas SET state = 'abandoned' WHERE id = ${replicaId}`);
    expect((await get(wuWithCheckpoint, await credential(holder))).status).toBe(403);
  });
});
