import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makeSigningHost, uploadSignedCheckpoint, type SigningHost } from '../../../test/support/checkpoints';
import { makeUser, openTestGrid, q, resetData, setHostRecord, type TestGrid } from '../../../test/support/grid-fixtures';
import { dbKinds } from '../../../test/support/test-db';
import { computeResults, policyOf, submitBenchBatch } from '../../../test/support/volunteers';
import { claimWork, type ClaimedReplica } from '../queue/claim-work';
import { recordReplicaFailures } from '../queue/record-replica-errors';
import { reportResults } from '../queue/report-results';
import { validatorPass } from './validator';

/*
 * The validator over a real database when results were resumed from checkpoints: the makers a
 * result rests on are read from the resumed_from chain, and a result resumed from a maker that is
 * not trusted when the quorum is judged does not count.
 */

describe.each(dbKinds())('validating resumed results on %s', (kind) => {
  let t: TestGrid;
  let researcher: string;
  beforeAll(async () => { t = await openTestGrid(kind); });
  afterAll(async () => { await t?.close(); });
  beforeEach(async () => {
    await resetData(t.db);
    researcher = await makeUser(t.db, { role: 'researcher' });
  });

  const trusted = () => makeSigningHost(t.db, { consecutiveValid: 20, errorRate: 0.01 });
  const claim = async (h: SigningHost) => (await claimWork(t.db, h.claiming, 1, policyOf(t.grid)))[0]!;
  const checkpointAndLeave = async (h: SigningHost, c: ClaimedReplica, step: number) => {
    expect(await uploadSignedCheckpoint(t.grid, h, c.replica_id, step, Buffer.from(JSON.stringify({ step })))).toBeNull();
    await recordReplicaFailures(t.db, h.id, [{ replicaId: c.replica_id, state: 'abandoned', code: 'abandoned', message: 'test' }]);
  };
  const report = async (h: SigningHost, c: ClaimedReplica) => expect(await reportResults(t.db, h.id, h.benchmarkFlops, await computeResults(h, [c]))).toHaveLength(1);
  const verdicts = (wuId: number) => q<{ id: number; host_id: string; validate_state: string }>(t.db, sql`
    SELECT id, host_id, validate_state FROM replicas WHERE wu_id = ${wuId} AND state = 'reported' ORDER BY id`);

  it('a chain of resumes rests on every maker in it: one untrusted maker and the result does not count', async () => {
    await submitBenchBatch(t.grid, researcher, { n: 1, rounds: 500, policy: { minQuorum: 2, adaptive: false, maxTotalReplicas: 8 } });
    const [a, b, c, d, e] = [await trusted(), await trusted(), await trusted(), await trusted(), await trusted()];
    const ra = await claim(a);
    const rb = await claim(b);
    await checkpointAndLeave(a, ra, 3);
    // C resumes from A (B still runs from scratch), then checkpoints and leaves; D resumes from C.
    const rc = await claim(c);
    expect(rc.checkpoint_host_id).toBe(a.id);
    await checkpointAndLeave(c, rc, 5);
    const rd = await claim(d);
    expect(rd.checkpoint_host_id).toBe(c.id);
    // A is caught meanwhile: D's result rests on A's steps too, so it does not count beside B.
    await setHostRecord(t.db, a.id, { consecutiveValid: 0, errorRate: 0.5 });
    await report(d, rd);
    await report(b, rb);
    await validatorPass(t.grid);
    const [wu] = await q<{ state: string; canonical_replica_id: number | null; replicas_needed: number }>(t.db, sql`
      SELECT state, canonical_replica_id, replicas_needed FROM work_units WHERE id = ${ra.wu_id}`);
    expect(wu).toEqual({ state: 'running', canonical_replica_id: null, replicas_needed: 1 });
    expect((await verdicts(ra.wu_id)).map((r) => r.validate_state)).toEqual(['inconclusive', 'inconclusive']);
    // A from-scratch replica agrees: B and E make the quorum; D agrees, so it is valid too.
    const re = await claim(e);
    expect(re.checkpoint_step).toBeNull();
    await report(e, re);
    await validatorPass(t.grid);
    const [done] = await q<{ state: string; canonical_replica_id: number }>(t.db, sql`SELECT state, canonical_replica_id FROM work_units WHERE id = ${ra.wu_id}`);
    expect(done).toEqual({ state: 'done', canonical_replica_id: rb.replica_id });
    expect((await verdicts(ra.wu_id)).map((r) => [r.host_id, r.validate_state])).toEqual([[b.id, 'valid'], [d.id, 'valid'], [e.id, 'valid']]);
  });

  it('with every maker still trusted, a resumed result and a from-scratch one make the quorum', async () => {
    await submitBenchBatch(t.grid, researcher, { n: 1, rounds: 500, policy: { minQuorum: 2, adaptive: false } });
    const [a, b, c] = [await trusted(), await trusted(), await trusted()];
    const ra = await claim(a);
    const rb = await claim(b);
    await checkpointAndLeave(a, ra, 3);
    const rc = await claim(c);
    expect(rc.checkpoint_host_id).toBe(a.id);
    await report(c, rc);
    await report(b, rb);
    await validatorPass(t.grid);
    const [done] = await q<{ state: string; canonical_replica_id: number }>(t.db, sql`SELECT state, canonical_replica_id FROM work_units WHERE id = ${ra.wu_id}`);
    // The canonical output is the from-scratch one.
    expect(done).toEqual({ state: 'done', canonical_replica_id: rb.replica_id });
  });
});
