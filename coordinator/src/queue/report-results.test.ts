import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { canonicalJson } from '@nfl-grid/shared/hashing/canonical-json';
import { sha256Hex } from '@nfl-grid/shared/hashing/sha256';
import {
  expireReplica, hostRow, makeHost, makeUser, openTestGrid, q, replicaRows, resetData, type TestGrid, type TestHost, wuRows,
} from '../../../test/support/grid-fixtures';
import { benchOutput, computeResults, policyOf, submitBenchBatch } from '../../../test/support/volunteers';
import { dbKinds } from '../../../test/support/test-db';
import { claimedCredit } from '../credit/credit-math';
import { transitionerPass } from '../daemons/transitioner';
import { validatorPass } from '../daemons/validator';
import { Conflict } from '../errors';
import { cancelBatch } from './cancel-batch';
import { claimWork, type ClaimedReplica } from './claim-work';
import { reportResults } from './report-results';

/*
 * reportResults on a real database: what it records, what it refuses (another host's replicas,
 * cancelled ones, repeats), and how batch cancellation shuts the door on results.
 */

describe.each(dbKinds())('reportResults on %s', (kind) => {
  let t: TestGrid;
  let researcher: string;
  beforeAll(async () => { t = await openTestGrid(kind); });
  afterAll(async () => { await t?.close(); });
  beforeEach(async () => {
    await resetData(t.db);
    researcher = await makeUser(t.db, { role: 'researcher' });
  });

  const claim = (h: TestHost, max = 100) => claimWork(t.db, h.claiming, max, policyOf(t.grid));
  const report = async (h: TestHost, claimed: ClaimedReplica[], cpuFactor = 1, as: TestHost = h) =>
    reportResults(t.db, as.id, as.benchmarkFlops, await computeResults(h, claimed, { cpuFactor }));

  it('records outputs, CPU time and claimed credit, and marks WUs for validation', async () => {
    await submitBenchBatch(t.grid, researcher, { n: 4, rounds: 800, policy: { minQuorum: 2, adaptive: false } });
    const a = await makeHost(t.db, { benchmarkFlops: 3e9 });
    const claimed = await claim(a);
    claimed.sort((x, y) => x.wu_id - y.wu_id);
    // One WU per claim regime: below the floor, on the estimate, inside, above the cap.
    const factors = [0.1, 1, 1.7, 10];
    const accepted = [];
    for (const [i, c] of claimed.entries()) accepted.push(...(await report(a, [c], factors[i])));
    expect(accepted).toEqual(claimed.map((c) => ({ replicaId: c.replica_id, wuId: c.wu_id })));

    const reps = await q<Record<string, any>>(t.db, sql`SELECT * FROM replicas ORDER BY wu_id`);
    let cpu = 0;
    for (const [i, r] of reps.entries()) {
      const c = claimed[i]!;
      const out = benchOutput(c.params, c.seed);
      expect(r).toMatchObject({ state: 'reported', validate_state: 'pending', output: out, output_sha256: await sha256Hex(canonicalJson(out)), steps: 2, progress: 100 });
      expect(r.reported_at).not.toBeNull();
      expect(r.cpu_seconds).toBe((8000 * factors[i]!) / 3e9);
      expect(r.claimed_credit).toBe(claimedCredit(r.cpu_seconds, 3e9, 8000));
      cpu += r.cpu_seconds;
    }
    expect(reps.map((r) => r.claimed_credit / claimedCredit(8000 / 3e9, 3e9, 8000))).toEqual([0.5, 1, 1.7, 2].map((x) => expect.closeTo(x, 12)));
    // The host's CPU total takes in valid work only, when the validator judges it.
    expect(cpu).toBeGreaterThan(0);
    expect((await hostRow(t.db, a.id)).cpu_seconds).toBe(0);
    // One result of a quorum of two: flagged for the validator, not yet validating.
    expect((await wuRows(t.db)).map((w) => [w.state, w.replicas_reported, w.needs_validation])).toEqual(Array(4).fill(['running', 1, true]));
    const b = await makeHost(t.db);
    await report(b, await claim(b, 1));
    expect((await wuRows(t.db))[0]).toMatchObject({ state: 'validating', replicas_reported: 2 });
  });

  it('bounds a CPU-time claim by wall time since dispatch x cores and by the estimate, keeping the raw claim', async () => {
    await submitBenchBatch(t.grid, researcher, { n: 3, rounds: 800, policy: { minQuorum: 2, adaptive: false } });
    const a = await makeHost(t.db, { benchmarkFlops: 3e9 });
    await t.db.rows(sql`UPDATE hosts SET hardware = ${JSON.stringify({ cores: 4 })}::jsonb WHERE id = ${a.id}`);
    const [byWall, byEstimate, honest] = (await claim(a)).sort((x, y) => x.wu_id - y.wu_id);
    // Sent 100 s ago: four cores can have done at most (100 + 1 s grace) x 4 CPU seconds since.
    await t.db.rows(sql`UPDATE replicas SET sent_at = now() - interval '100 seconds' WHERE id = ${byWall!.replica_id}`);
    const inflate = async (c: ClaimedReplica) => (await computeResults(a, [c])).map((r) => ({ ...r, cpuSeconds: 1e9 }));
    // A huge estimate multiple leaves the wall-time bound alone in force.
    expect(await reportResults(t.db, a.id, a.benchmarkFlops, await inflate(byWall!), 1e12)).toHaveLength(1);
    expect(await reportResults(t.db, a.id, a.benchmarkFlops, [...(await inflate(byEstimate!)), ...(await computeResults(a, [honest!]))])).toHaveLength(2);

    const rows = await q<{ id: number; cpu_seconds: number; cpu_seconds_claimed: number; claimed_credit: number }>(t.db, sql`
      SELECT id, cpu_seconds, cpu_seconds_claimed, claimed_credit FROM replicas ORDER BY wu_id`);
    expect(rows.map((r) => r.cpu_seconds_claimed)).toEqual([1e9, 1e9, 8000 / 3e9]);
    expect(rows[0]!.cpu_seconds).toBeGreaterThanOrEqual(404);
    expect(rows[0]!.cpu_seconds).toBeLessThan(404 + 4 * 30);
    // The default bound: ten times the estimate on the host's benchmark, plus the grace second.
    expect(rows[1]!.cpu_seconds).toBeCloseTo((10 * 8000) / 3e9 + 1, 12);
    expect(rows[2]!.cpu_seconds).toBe(8000 / 3e9);
    expect(rows[1]!.claimed_credit).toBe(claimedCredit(rows[1]!.cpu_seconds, 3e9, 8000));
    // One event per packet with cut claims, naming the replicas; the honest packet part is not in it.
    const events = await q<{ subject: string; data: { replicas: number[]; claimedSeconds: number; countedSeconds: number } }>(t.db, sql`
      SELECT subject, data FROM events WHERE kind = 'host.cpu_claim_cut' ORDER BY id`);
    expect(events.map((e) => [e.subject, e.data.replicas, e.data.claimedSeconds])).toEqual([
      [a.id, [rows[0]!.id], 1e9], [a.id, [rows[1]!.id], 1e9],
    ]);
    expect(events[1]!.data.countedSeconds).toBeCloseTo(rows[1]!.cpu_seconds, 9);

    // A host reporting a tiny benchmark is held to the estimate on a 1e8 FLOPS core, not on its own.
    const slow = await makeHost(t.db, { benchmarkFlops: 1 });
    await t.db.rows(sql`UPDATE hosts SET hardware = ${JSON.stringify({ cores: 8 })}::jsonb WHERE id = ${slow.id}`);
    const [mine] = await claim(slow, 1);
    expect(await reportResults(t.db, slow.id, slow.benchmarkFlops, (await computeResults(slow, [mine!])).map((r) => ({ ...r, cpuSeconds: 1e9 })))).toHaveLength(1);
    const [held] = await q<{ cpu_seconds: number }>(t.db, sql`SELECT cpu_seconds FROM replicas WHERE id = ${mine!.replica_id}`);
    expect(held!.cpu_seconds).toBeCloseTo((10 * 8000) / 1e8 + 1, 12);
  });

  it("refuses another host's replicas, unknown replicas and repeats", async () => {
    await submitBenchBatch(t.grid, researcher, { n: 3 });
    const [a, b] = [await makeHost(t.db), await makeHost(t.db)];
    const ca = await claim(a);
    const cb = await claim(b, 1);
    // b reports a's replicas (with a's real outputs): refused, nothing changes.
    expect(await report(a, ca, 1, b)).toEqual([]);
    expect((await replicaRows(t.db)).every((r) => r.state === 'in_progress')).toBe(true);
    expect((await hostRow(t.db, b.id)).cpu_seconds).toBe(0);
    expect((await wuRows(t.db)).every((w) => w.replicas_reported === 0 && !w.needs_validation)).toBe(true);
    // A packet mixing its own and a's replicas: only its own is taken.
    const mixed = await reportResults(t.db, b.id, b.benchmarkFlops, [...(await computeResults(b, cb)), ...(await computeResults(a, ca))]);
    expect(mixed).toEqual([{ replicaId: cb[0]!.replica_id, wuId: cb[0]!.wu_id }]);
    // An id that does not exist, and the same result twice.
    const ghost = { ...(await computeResults(a, ca.slice(0, 1)))[0]!, replicaId: 999_999 };
    expect(await reportResults(t.db, a.id, a.benchmarkFlops, [ghost])).toEqual([]);
    expect(await report(a, ca)).toHaveLength(3);
    expect(await report(a, ca)).toEqual([]);
    expect((await wuRows(t.db)).map((w) => w.replicas_reported)).toEqual([2, 1, 1]);
  });

  describe('batch cancellation', () => {
    it('cancels unfinished WUs and their replicas; results for them are refused', async () => {
      const { batchId } = await submitBenchBatch(t.grid, researcher, { n: 3, policy: { minQuorum: 2, adaptive: false } });
      const [a, b, c] = [await makeHost(t.db), await makeHost(t.db), await makeHost(t.db)];
      const ca = await claim(a);
      const cb = await claim(b, 2);
      // WU 1 finishes before the cancel and stays done.
      await report(a, ca.filter((x) => x.wu_id === 1));
      await report(b, cb.filter((x) => x.wu_id === 1));
      await validatorPass(t.grid);
      const finished: string[] = [];
      t.grid.events.on('batch.finished', (e) => finished.push(`${e.batchId}:${e.state}`));

      expect(await cancelBatch(t.grid, batchId, researcher)).toEqual({ wusCancelled: 2, replicasCancelled: 3 });
      expect((await wuRows(t.db, batchId)).map((w) => [w.state, w.replicas_needed, w.reason])).toEqual([
        ['done', 0, null], ['cancelled', 0, 'batch cancelled'], ['cancelled', 0, 'batch cancelled'],
      ]);
      expect((await replicaRows(t.db)).filter((r) => r.wu_id !== 1).every((r) => r.state === 'cancelled')).toBe(true);
      expect((await q(t.db, sql`SELECT state FROM batches WHERE id = ${batchId}`))[0]).toEqual({ state: 'cancelled' });
      expect(finished).toEqual([`${batchId}:cancelled`]);

      expect(await report(a, ca.filter((x) => x.wu_id !== 1))).toEqual([]);
      expect(await report(b, cb.filter((x) => x.wu_id !== 1))).toEqual([]);
      expect(await claim(c)).toEqual([]);
      await expect(cancelBatch(t.grid, batchId, researcher)).rejects.toBeInstanceOf(Conflict);
      expect(await validatorPass(t.grid)).toBe(0);
    });

    it('a late result for a timed-out replica of a cancelled WU is refused and does not revive it', async () => {
      // A trusted host takes the WU alone; it times out; the researcher cancels the batch; then the
      // host's result turns up.
      const { batchId } = await submitBenchBatch(t.grid, researcher, { n: 1, policy: { minQuorum: 2, adaptive: true } });
      const trusted = await makeHost(t.db, { consecutiveValid: 50, errorRate: 0 });
      const claimed = await claimWork(t.db, trusted.claiming, 1, policyOf(t.grid, { spotCheckRate: 0 }));
      expect((await wuRows(t.db))[0]!.min_quorum).toBe(1);
      await expireReplica(t.db, claimed[0]!.replica_id);
      await transitionerPass(t.grid);
      expect((await replicaRows(t.db))[0]!.state).toBe('timed_out');
      await cancelBatch(t.grid, batchId, researcher);

      expect(await report(trusted, claimed)).toEqual([]);
      await validatorPass(t.grid);
      expect((await wuRows(t.db))[0]).toMatchObject({ state: 'cancelled', canonical_replica_id: null });
      expect(await q(t.db, sql`SELECT * FROM science_results`)).toEqual([]);
      expect(await q(t.db, sql`SELECT * FROM credit_ledger`)).toEqual([]);
    });
  });
});
