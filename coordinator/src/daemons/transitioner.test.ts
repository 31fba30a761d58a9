import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  expireReplica, hostRow, makeHost, makeUser, openTestGrid, q, replicaRows, resetData, type TestGrid, type TestHost, wuRows,
} from '../../../test/support/grid-fixtures';
import { computeResults, policyOf, simulateHost, submitBenchBatch } from '../../../test/support/volunteers';
import { dbKinds } from '../../../test/support/test-db';
import { claimWork } from '../queue/claim-work';
import { recordReplicaFailures } from '../queue/record-replica-errors';
import { reportResults } from '../queue/report-results';
import { transitionerPass } from './transitioner';
import { assimilatorPass } from './assimilator';
import { validatorPass } from './validator';

/*
 * The transitioner over a real database: deadlines (time out, reissue, late results), error
 * limits, replica limits, and hosts gone quiet.
 */

describe.each(dbKinds())('transitionerPass on %s', (kind) => {
  let t: TestGrid;
  let researcher: string;
  beforeAll(async () => { t = await openTestGrid(kind); });
  afterAll(async () => { await t?.close(); });
  beforeEach(async () => {
    await resetData(t.db);
    researcher = await makeUser(t.db, { role: 'researcher' });
  });

  const claim = (h: TestHost, max = 100) => claimWork(t.db, h.claiming, max, policyOf(t.grid));
  const report = async (h: TestHost, claimed: Awaited<ReturnType<typeof claim>>) =>
    reportResults(t.db, h.id, h.benchmarkFlops, await computeResults(h, claimed));

  it('does nothing when nothing is late or exhausted', async () => {
    await submitBenchBatch(t.grid, researcher, { n: 3 });
    await claim(await makeHost(t.db));
    expect(await transitionerPass(t.grid)).toBe(0);
    expect((await wuRows(t.db)).map((w) => [w.state, w.replicas_needed])).toEqual([['running', 1], ['running', 1], ['running', 1]]);
    expect((await replicaRows(t.db)).every((r) => r.state === 'in_progress')).toBe(true);
  });

  it('times out a replica past its deadline, reissues it, and still takes its late result', async () => {
    const { batchId } = await submitBenchBatch(t.grid, researcher, { n: 1, policy: { minQuorum: 2, adaptive: false } });
    const [a, b, c] = [await makeHost(t.db, { consecutiveValid: 4 }), await makeHost(t.db), await makeHost(t.db)];
    const ca = await claim(a);
    const cb = await claim(b);
    expect(await claim(c)).toEqual([]);
    await expireReplica(t.db, ca[0]!.replica_id);

    await transitionerPass(t.grid);
    const [rep] = await replicaRows(t.db);
    expect(rep).toMatchObject({ id: ca[0]!.replica_id, state: 'timed_out' });
    expect((await wuRows(t.db))[0]).toMatchObject({ state: 'running', replicas_needed: 1, replicas_sent: 2 });
    const ha = await hostRow(t.db, a.id);
    expect(ha).toMatchObject({ timeout_count: 1, error_count: 1, consecutive_valid: 0 });
    expect(ha.error_rate).toBeCloseTo(0.1 * 0.95 + 0.05, 12);
    expect(await q(t.db, sql`SELECT data FROM events WHERE kind = 'replicas.timed_out'`)).toEqual([{ data: { replicas: [ca[0]!.replica_id] } }]);
    // A second pass finds nothing more to time out.
    await transitionerPass(t.grid);
    expect((await hostRow(t.db, a.id)).timeout_count).toBe(1);

    // Another host can take the reissued replica; the timed-out host cannot take it again.
    expect(await claim(a)).toEqual([]);
    const cc = await claim(c);
    expect(cc.map((x) => x.wu_id)).toEqual([ca[0]!.wu_id]);

    // The late result from a is accepted while the WU is not done, and counts toward the quorum.
    expect(await report(a, ca)).toEqual([{ replicaId: ca[0]!.replica_id, wuId: ca[0]!.wu_id }]);
    expect(await report(b, cb)).toHaveLength(1);
    await validatorPass(t.grid);
    const [wu] = await wuRows(t.db, batchId);
    expect(wu).toMatchObject({ state: 'done', canonical_replica_id: ca[0]!.replica_id });
    expect((await replicaRows(t.db)).map((r) => [r.host_id, r.state, r.validate_state])).toEqual([
      [a.id, 'reported', 'valid'], [b.id, 'reported', 'valid'], [c.id, 'cancelled', 'pending'],
    ]);
    // c's replica was cancelled when the quorum was reached: its result is refused.
    expect(await report(c, cc)).toEqual([]);
  });

  it('a solo WU whose trusted host timed out: reissued once, and its late result needs a partner', async () => {
    const { batchId } = await submitBenchBatch(t.grid, researcher, { n: 1, policy: { minQuorum: 2, adaptive: true } });
    const trusted = await makeHost(t.db, { consecutiveValid: 50, errorRate: 0 });
    const b = await makeHost(t.db);
    const solo = await claimWork(t.db, trusted.claiming, 1, policyOf(t.grid, { spotCheckRate: 0 }));
    expect((await wuRows(t.db))[0]).toMatchObject({ min_quorum: 1, replicas_needed: 0 });
    await expireReplica(t.db, solo[0]!.replica_id);
    await transitionerPass(t.grid); // the timeout also ends the host's streak: no longer trusted
    expect((await hostRow(t.db, trusted.id)).consecutive_valid).toBe(0);
    expect((await wuRows(t.db))[0]).toMatchObject({ min_quorum: 1, replicas_needed: 1 });
    const cb = await claim(b);
    expect(await report(trusted, solo)).toHaveLength(1);
    await validatorPass(t.grid);
    // Raised back to a quorum of 2, and b's replica already covers it: no third replica.
    expect((await wuRows(t.db))[0]).toMatchObject({ state: 'running', min_quorum: 2, replicas_needed: 0, replicas_sent: 2 });
    expect(await claim(await makeHost(t.db))).toEqual([]);
    await report(b, cb);
    await validatorPass(t.grid);
    expect((await wuRows(t.db, batchId))[0]).toMatchObject({ state: 'done', replicas_sent: 2, canonical_replica_id: solo[0]!.replica_id });
    expect((await replicaRows(t.db)).map((r) => r.validate_state)).toEqual(['valid', 'valid']);
  });

  it('fails a WU with more errored replicas than max_error_replicas and cancels its other replicas', async () => {
    const { batchId } = await submitBenchBatch(t.grid, researcher, { n: 1, policy: { minQuorum: 2, maxErrorReplicas: 1, adaptive: false } });
    const [a, b, c] = [await makeHost(t.db), await makeHost(t.db), await makeHost(t.db)];
    const failedEvents: string[] = [];
    t.grid.events.on('wu.failed', (e) => failedEvents.push(e.reason));
    const [ra] = await claim(a);
    const [rb] = await claim(b);
    const boom = (replicaId: number) => [{ replicaId, state: 'errored' as const, code: 'kernel_error', message: 'out of memory' }];
    // Only the host that holds a replica can report it failed.
    expect(await recordReplicaFailures(t.db, b.id, boom(ra!.replica_id))).toEqual([]);
    expect(await recordReplicaFailures(t.db, a.id, boom(ra!.replica_id))).toEqual([{ id: ra!.replica_id, wu_id: ra!.wu_id, state: 'errored' }]);
    expect((await wuRows(t.db))[0]).toMatchObject({ error_replicas: 1, replicas_needed: 1, state: 'running' });
    expect(await transitionerPass(t.grid)).toBe(0);
    expect((await wuRows(t.db))[0]!.state).toBe('running'); // 1 error is within the limit of 1

    const [rc] = await claim(c);
    await recordReplicaFailures(t.db, c.id, boom(rc!.replica_id));
    await transitionerPass(t.grid);
    await assimilatorPass(t.grid); // the failed WU's batch has nothing left: done
    const [wu] = await wuRows(t.db, batchId);
    const reason = 'too many errors: 2 errored replicas, limit 1';
    expect(wu).toMatchObject({ state: 'failed', reason, replicas_needed: 0 });
    expect((await replicaRows(t.db)).map((r) => [r.host_id, r.state])).toEqual([[a.id, 'errored'], [b.id, 'cancelled'], [c.id, 'errored']]);
    expect(failedEvents).toEqual([reason]);
    expect(await q(t.db, sql`SELECT subject, data FROM events WHERE kind = 'wu.failed'`)).toEqual([{ subject: String(wu!.id), data: { reason, batch: batchId } }]);
    expect((await q(t.db, sql`SELECT state FROM batches WHERE id = ${batchId}`))[0]).toEqual({ state: 'done' });
    // b's result for its cancelled replica is refused; nothing more is handed out.
    expect(await report(b, [rb!])).toEqual([]);
    expect(await claim(await makeHost(t.db))).toEqual([]);
  });

  it("fails a WU that used max_total_replicas without a quorum: 'no quorum'", async () => {
    const { batchId } = await submitBenchBatch(t.grid, researcher, { n: 1, policy: { minQuorum: 2, maxTotalReplicas: 2, adaptive: false } });
    const [a, b] = [await makeHost(t.db), await makeHost(t.db)];
    const [ra] = await claim(a);
    await simulateHost(t.grid, b);
    // a gives its replica back: no error, but the WU has no replica left to send.
    await recordReplicaFailures(t.db, a.id, [{ replicaId: ra!.replica_id, state: 'abandoned', code: 'user_stop', message: 'stopped' }]);
    expect((await wuRows(t.db))[0]).toMatchObject({ error_replicas: 0, replicas_needed: 0, replicas_sent: 2 });
    expect(await claim(await makeHost(t.db))).toEqual([]);
    // While b's result waits for the validator the transitioner leaves the WU alone.
    await transitionerPass(t.grid);
    expect((await wuRows(t.db))[0]).toMatchObject({ state: 'running', needs_validation: true });
    expect(await validatorPass(t.grid)).toBe(1); // one result of two: wait
    await transitionerPass(t.grid);
    await assimilatorPass(t.grid);
    expect((await wuRows(t.db, batchId))[0]).toMatchObject({ state: 'failed', reason: 'no quorum within 2 replicas' });
    expect((await q(t.db, sql`SELECT state FROM batches WHERE id = ${batchId}`))[0]).toEqual({ state: 'done' });
    expect(await q(t.db, sql`SELECT * FROM credit_ledger`)).toEqual([]);
  });

  it('a timeout beyond max_total_replicas reissues nothing, and the WU then fails', async () => {
    await submitBenchBatch(t.grid, researcher, { n: 1, policy: { minQuorum: 2, maxTotalReplicas: 2, adaptive: false } });
    const [a, b] = [await makeHost(t.db), await makeHost(t.db)];
    const [ra] = await claim(a);
    const [rb] = await claim(b);
    await expireReplica(t.db, ra!.replica_id);
    await expireReplica(t.db, rb!.replica_id);
    await transitionerPass(t.grid);
    // Both timed out in the first step; the second step of the same pass fails the WU.
    expect((await replicaRows(t.db)).map((r) => r.state)).toEqual(['timed_out', 'timed_out']);
    expect((await wuRows(t.db))[0]).toMatchObject({ state: 'failed', reason: 'no quorum within 2 replicas', replicas_needed: 0 });
  });

  it('marks hosts not heard from within hostOfflineMs offline', async () => {
    const quiet = await makeHost(t.db);
    const fresh = await makeHost(t.db);
    const never = await makeHost(t.db);
    await t.db.rows(sql`UPDATE hosts SET online = true, last_contact = now() - interval '1 hour' WHERE id = ${quiet.id}`);
    await t.db.rows(sql`UPDATE hosts SET online = true, last_contact = now() WHERE id = ${fresh.id}`);
    await t.db.rows(sql`UPDATE hosts SET online = true, last_contact = NULL WHERE id = ${never.id}`);
    await transitionerPass(t.grid);
    const rows = await q<{ id: string; online: boolean }>(t.db, sql`SELECT id, online FROM hosts`);
    const online = Object.fromEntries(rows.map((r) => [r.id, r.online]));
    expect(online).toEqual({ [quiet.id]: false, [fresh.id]: true, [never.id]: false });
  });
});
