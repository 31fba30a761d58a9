import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makeSigningHost, uploadSignedCheckpoint, type SigningHost } from '../../../test/support/checkpoints';
import { makeUser, openTestGrid, resetData, type TestGrid } from '../../../test/support/grid-fixtures';
import { dbKinds } from '../../../test/support/test-db';
import { policyOf, submitBenchBatch } from '../../../test/support/volunteers';
import { claimWork } from './claim-work';
import { recordReplicaFailures } from './record-replica-errors';

/*
 * Which claim is handed a stopped replica's checkpoint, on a real database: only a trusted maker's,
 * and never the last replica a quorum needs while no other live replica started from scratch.
 */

describe.each(dbKinds())('checkpoints at claim time on %s', (kind) => {
  let t: TestGrid;
  let researcher: string;
  beforeAll(async () => { t = await openTestGrid(kind); });
  afterAll(async () => { await t?.close(); });
  beforeEach(async () => {
    await resetData(t.db);
    researcher = await makeUser(t.db, { role: 'researcher' });
  });

  const trusted = () => makeSigningHost(t.db, { consecutiveValid: 20, errorRate: 0.01 });
  const claim = async (h: SigningHost) => {
    const [c] = await claimWork(t.db, h.claiming, 1, policyOf(t.grid));
    return c!;
  };
  const upload = async (h: SigningHost, replicaId: number, step: number) =>
    expect(await uploadSignedCheckpoint(t.grid, h, replicaId, step, Buffer.from(JSON.stringify({ step })))).toBeNull();
  const abandon = (h: SigningHost, replicaId: number) =>
    recordReplicaFailures(t.db, h.id, [{ replicaId, state: 'abandoned', code: 'abandoned', message: 'test' }]);

  it('hands on a trusted maker\'s checkpoint, never an untrusted one\'s', async () => {
    await submitBenchBatch(t.grid, researcher, { n: 2, policy: { minQuorum: 2, adaptive: false } });
    const [good, newcomer] = [await trusted(), await makeSigningHost(t.db)];
    // Both hold a replica of each WU; the trusted host checkpoints the first, the newcomer the second.
    const [g, g2] = await claimWork(t.db, good.claiming, 2, policyOf(t.grid));
    const [n2, n] = await claimWork(t.db, newcomer.claiming, 2, policyOf(t.grid));
    expect([g!.wu_id, n!.wu_id]).toEqual([g!.wu_id, g2!.wu_id]);
    expect(n2!.wu_id).toBe(g!.wu_id);
    await upload(good, g!.replica_id, 5);
    await upload(newcomer, n!.replica_id, 5);
    for (const r of [g!, g2!]) await abandon(good, r.replica_id);
    for (const r of [n!, n2!]) await abandon(newcomer, r.replica_id);
    const rescuer = await trusted();
    const got = await claimWork(t.db, rescuer.claiming, 2, policyOf(t.grid));
    expect(got.map((c) => [c.wu_id, c.checkpoint_step, c.checkpoint_host_id])).toEqual([[g!.wu_id, 5, good.id], [n!.wu_id, null, null]]);
  });

  it('not to a quorum-1 WU\'s only replica: that one result must be computed from scratch', async () => {
    await submitBenchBatch(t.grid, researcher, { n: 1, policy: { minQuorum: 1, adaptive: false } });
    const a = await trusted();
    const ra = await claim(a);
    await upload(a, ra.replica_id, 5);
    await abandon(a, ra.replica_id);
    const rb = await claim(await trusted());
    expect([rb.wu_id, rb.checkpoint_step]).toEqual([ra.wu_id, null]);
  });

  it('not to the last replica a quorum needs when every other live replica was resumed', async () => {
    await submitBenchBatch(t.grid, researcher, { n: 1, policy: { minQuorum: 2, adaptive: false, maxTotalReplicas: 8 } });
    const [a, b, c, d] = [await trusted(), await trusted(), await trusted(), await trusted()];
    const ra = await claim(a);
    const rb = await claim(b);
    await upload(a, ra.replica_id, 5);
    await abandon(a, ra.replica_id);
    // C is the last replica needed, but B (from scratch) still runs: C may resume from A.
    const rc = await claim(c);
    expect([rc.checkpoint_step, rc.checkpoint_host_id]).toEqual([5, a.id]);
    // B checkpoints further and stops: D would be the last replica needed and C was resumed, so
    // D starts from scratch and B's checkpoint stays unused.
    await upload(b, rb.replica_id, 7);
    await abandon(b, rb.replica_id);
    const rd = await claim(d);
    expect([rd.wu_id, rd.checkpoint_step]).toEqual([ra.wu_id, null]);
    const resumed = await t.db.rows<{ id: number; resumed_from: number | null }>(sql`SELECT id, resumed_from FROM replicas WHERE wu_id = ${ra.wu_id} ORDER BY id`);
    expect(resumed.map((r) => r.resumed_from)).toEqual([null, null, ra.replica_id, null]);
  });
});
