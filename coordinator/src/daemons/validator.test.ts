import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { canonicalJson } from '@nfl-grid/shared/hashing/canonical-json';
import { sha256Hex } from '@nfl-grid/shared/hashing/sha256';
import {
  groupBy, hostRow, makeHost, makeUser, openTestGrid, q, replicaRows, resetData, type TestGrid, wuRows,
} from '../../../test/support/grid-fixtures';
import { benchOutput, computeResults, policyOf, simulateHost, submitBenchBatch } from '../../../test/support/volunteers';
import { dbKinds } from '../../../test/support/test-db';
import { claimedCredit, cobblestones, lowMedian, updateRac } from '../credit/credit-math';
import { claimWork } from '../queue/claim-work';
import { reportResults } from '../queue/report-results';
import { batchUsage } from '../routes/batches';
import { assimilatorPass } from './assimilator';
import { validatorPass } from './validator';

/*
 * The validator over a real database, driven by hosts that run the real bench.hash kernel:
 * quorum, cheaters, credit and the ledger, adaptive replication.
 */

const ROUNDS = 500;
const EST_FLOPS = ROUNDS * 10; // bench.hash's cost estimate

describe.each(dbKinds())('validatorPass on %s', (kind) => {
  let t: TestGrid;
  let researcher: string;
  beforeAll(async () => { t = await openTestGrid(kind); });
  afterAll(async () => { await t?.close(); });
  beforeEach(async () => {
    await resetData(t.db);
    researcher = await makeUser(t.db, { role: 'researcher' });
  });

  const ledger = () => q<{ host_id: string; user_id: string; replica_id: number; wu_id: number; claimed: number; granted: number }>(t.db, sql`SELECT * FROM credit_ledger ORDER BY id`);
  const science = () => q<{ wu_id: number; batch_id: string; seq: number; kernel: string; params: unknown; output: unknown; output_sha256: string; replica_id: number }>(t.db, sql`SELECT * FROM science_results ORDER BY wu_id`);

  it('a full quorum: 20 WUs, two honest hosts of different owners', async () => {
    const { batchId } = await submitBenchBatch(t.grid, researcher, { n: 20, rounds: ROUNDS, policy: { minQuorum: 2, adaptive: false } });
    const a = await makeHost(t.db, { benchmarkFlops: 2e9 });
    const b = await makeHost(t.db, { benchmarkFlops: 1e9 });
    const finished: string[] = [];
    const validated: number[] = [];
    t.grid.events.on('batch.finished', (e) => finished.push(`${e.batchId}:${e.state}`));
    t.grid.events.on('wu.validated', (e) => validated.push(...e.wuIds));

    // a claims within the bounds (1.3 x estimate); b claims far too much and is capped at 2 x.
    expect((await simulateHost(t.grid, a, { cpuFactor: 1.3 })).accepted).toHaveLength(20);
    expect((await validatorPass(t.grid))).toBe(20); // all 'wait': one result each
    expect((await wuRows(t.db)).every((w) => w.state === 'running' && !w.needs_validation)).toBe(true);
    expect((await simulateHost(t.grid, b, { cpuFactor: 10 })).accepted).toHaveLength(20);
    expect((await wuRows(t.db)).every((w) => w.state === 'validating' && w.needs_validation)).toBe(true);

    expect(await validatorPass(t.grid)).toBe(20);
    expect(await validatorPass(t.grid)).toBe(0);
    expect(await assimilatorPass(t.grid)).toBe(20);
    expect(await assimilatorPass(t.grid)).toBe(0);

    const wus = await wuRows(t.db, batchId);
    const reps = await replicaRows(t.db);
    const repsByWu = groupBy(reps, (r) => r.wu_id);
    expect(wus.every((w) => w.state === 'done' && w.replicas_needed === 0)).toBe(true);
    expect(reps.every((r) => r.state === 'reported' && r.validate_state === 'valid')).toBe(true);
    for (const w of wus) expect(w.canonical_replica_id).toBe(Math.min(...repsByWu.get(w.id)!.map((r) => r.id)));

    // Claimed credit as credit-math computes it, from each replica's CPU time and its host's benchmark.
    const [rowsA, rowsB] = [a, b].map((h) => reps.filter((r) => r.host_id === h.id));
    for (const [h, rows, factor] of [[a, rowsA!, 1.3], [b, rowsB!, 10]] as const) {
      for (const r of rows) {
        const [cpu] = await q<{ cpu_seconds: number }>(t.db, sql`SELECT cpu_seconds FROM replicas WHERE id = ${r.id}`);
        expect(cpu!.cpu_seconds).toBe((EST_FLOPS * factor) / h.benchmarkFlops);
        expect(r.claimed_credit).toBe(claimedCredit(cpu!.cpu_seconds, h.benchmarkFlops, EST_FLOPS));
      }
    }
    expect(rowsB!.every((r) => r.claimed_credit === 2 * cobblestones(EST_FLOPS))).toBe(true);

    // Science results: the right output of every WU, exactly once.
    const results = await science();
    expect(results).toHaveLength(20);
    for (const [i, w] of wus.entries()) {
      const s = results[i]!;
      const want = benchOutput(w.params, w.seed);
      expect(s).toMatchObject({ wu_id: w.id, batch_id: batchId, seq: i, kernel: 'bench.hash@1', replica_id: w.canonical_replica_id });
      expect(s.params).toEqual({ rounds: ROUNDS, steps: 2 });
      expect(s.output).toEqual(want);
      expect(s.output_sha256).toBe(await sha256Hex(canonicalJson(want)));
    }
    const [batch] = await q<{ state: string; finished_at: Date | null }>(t.db, sql`SELECT state, finished_at FROM batches WHERE id = ${batchId}`);
    expect(batch!.state).toBe('done');
    expect(batch!.finished_at).not.toBeNull();
    expect(finished).toEqual([`${batchId}:done`]);
    expect(validated.sort((x, y) => x - y)).toEqual(wus.map((w) => w.id));
    expect(await q(t.db, sql`SELECT kind, subject FROM events WHERE kind = 'batch.done'`)).toEqual([{ kind: 'batch.done', subject: batchId }]);

    // The ledger: one row per valid replica, each granted the low median of its WU's claims.
    const rows = await ledger();
    expect(rows).toHaveLength(40);
    for (const l of rows) {
      const claims = repsByWu.get(l.wu_id)!.map((r) => r.claimed_credit!);
      expect(l.granted).toBe(lowMedian(claims));
      expect(l.claimed).toBe(reps.find((r) => r.id === l.replica_id)!.claimed_credit);
    }
    expect(reps.every((r) => r.granted_credit === lowMedian(repsByWu.get(r.wu_id)!.map((x) => x.claimed_credit!)))).toBe(true);
    // Here the lower claim is a's, 1.3 x the estimate.
    expect(rows.every((l) => l.granted === claimedCredit((EST_FLOPS * 1.3) / 2e9, 2e9, EST_FLOPS))).toBe(true);

    // Host and volunteer totals are the ledger's sums; RAC starts from zero as updateRac says.
    for (const h of [a, b]) {
      const sum = rows.filter((l) => l.host_id === h.id).reduce((s, l) => s + l.granted, 0);
      const hr = await hostRow(t.db, h.id);
      expect(hr.total_credit).toBeCloseTo(sum, 12);
      expect(hr.valid_count).toBe(20);
      expect(hr.consecutive_valid).toBe(20);
      expect(hr.error_rate).toBeCloseTo(0.1 * 0.95 ** 20, 12);
      expect(hr.rac).toBeCloseTo(updateRac(0, sum, 0), 12);
      const [uc] = await q<{ total_credit: number; rac: number }>(t.db, sql`SELECT total_credit, rac FROM user_credit WHERE user_id = ${h.ownerId}`);
      expect(uc!.total_credit).toBeCloseTo(sum, 12);
      expect(uc!.rac).toBeCloseTo(updateRac(0, sum, 0), 12);
    }
    const [sums] = await q<{ ledger: number; hosts: number; users: number }>(t.db, sql`
      SELECT (SELECT sum(granted) FROM credit_ledger) AS ledger, (SELECT sum(total_credit) FROM hosts) AS hosts,
             (SELECT sum(total_credit) FROM user_credit) AS users`);
    expect(sums!.hosts).toBeCloseTo(sums!.ledger, 12);
    expect(sums!.users).toBeCloseTo(sums!.ledger, 12);
  });

  it('one cheating host among four: the disagreement raises the quorum to 3; its replicas invalid, no credit, its reliability down', async () => {
    const { batchId } = await submitBenchBatch(t.grid, researcher, { n: 10, rounds: ROUNDS, policy: { minQuorum: 2, adaptive: false } });
    const a = await makeHost(t.db);
    const cheat = await makeHost(t.db, { consecutiveValid: 7 });
    const b = await makeHost(t.db);
    const c = await makeHost(t.db);
    await simulateHost(t.grid, a);
    await simulateHost(t.grid, cheat, { behaviour: 'cheat' });
    expect(await validatorPass(t.grid)).toBe(10);
    let wus = await wuRows(t.db, batchId);
    // One against one: quorum 3, so two more results are wanted.
    expect(wus.every((w) => w.state === 'running' && w.min_quorum === 3 && w.replicas_needed === 2 && w.canonical_replica_id === null)).toBe(true);
    expect((await replicaRows(t.db)).every((r) => r.validate_state === 'inconclusive')).toBe(true);
    expect(await ledger()).toEqual([]);

    // Two honest against the cheat is not yet three.
    expect((await simulateHost(t.grid, b)).claimed).toHaveLength(10);
    expect(await validatorPass(t.grid)).toBe(10);
    expect((await wuRows(t.db, batchId)).every((w) => w.state === 'running' && w.min_quorum === 3 && w.replicas_needed === 1)).toBe(true);
    expect((await simulateHost(t.grid, c)).claimed).toHaveLength(10);
    expect(await validatorPass(t.grid)).toBe(10);
    expect(await assimilatorPass(t.grid)).toBe(10);
    wus = await wuRows(t.db, batchId);
    const reps = await replicaRows(t.db);
    expect(wus.every((w) => w.state === 'done')).toBe(true);
    for (const r of reps) {
      expect(r.validate_state).toBe(r.host_id === cheat.id ? 'invalid' : 'valid');
      if (r.host_id === cheat.id) expect(r.granted_credit).toBe(0);
    }
    const rows = await ledger();
    expect(rows).toHaveLength(30);
    expect(rows.some((l) => l.host_id === cheat.id || l.user_id === cheat.ownerId)).toBe(false);
    const hc = await hostRow(t.db, cheat.id);
    expect(hc).toMatchObject({ consecutive_valid: 0, invalid_count: 10, valid_count: 0, total_credit: 0 });
    expect(hc.error_rate).toBeCloseTo(0.1 * 0.95 ** 10 + (1 - 0.95 ** 10), 12);
    expect(hc.error_rate).toBeGreaterThan(0.1);
    expect(await q(t.db, sql`SELECT * FROM user_credit WHERE user_id = ${cheat.ownerId}`)).toEqual([]);
    // Canonical outputs are the honest ones, from a's replicas (the lowest valid ids).
    const results = await science();
    const aReps = new Set(reps.filter((r) => r.host_id === a.id).map((r) => r.id));
    for (const [i, w] of wus.entries()) {
      expect(results[i]!.output).toEqual(benchOutput(w.params, w.seed));
      expect(aReps.has(w.canonical_replica_id!)).toBe(true);
    }
  });

  it('a cheater that disagrees until max_total_replicas is used up fails the WU with no credit', async () => {
    const { batchId } = await submitBenchBatch(t.grid, researcher, { n: 2, policy: { minQuorum: 2, maxTotalReplicas: 2, adaptive: false } });
    const failed: string[] = [];
    t.grid.events.on('wu.failed', (e) => failed.push(e.reason));
    await simulateHost(t.grid, await makeHost(t.db));
    await simulateHost(t.grid, await makeHost(t.db), { behaviour: 'cheat' });
    expect(await validatorPass(t.grid)).toBe(2);
    expect(await assimilatorPass(t.grid)).toBe(2);
    const wus = await wuRows(t.db, batchId);
    const reason = 'no 2 of 2 results agree and the limit of 2 replicas is reached';
    expect(wus.map((w) => [w.state, w.reason])).toEqual([['failed', reason], ['failed', reason]]);
    expect(failed).toEqual([reason, reason]);
    expect(await ledger()).toEqual([]);
    expect(await science()).toEqual([]);
    expect((await q(t.db, sql`SELECT state FROM batches WHERE id = ${batchId}`))[0]).toEqual({ state: 'done' });
  });

  describe('adaptive replication', () => {
    it('a trusted host validates alone; spot checks are replicated', async () => {
      const trusted = await makeHost(t.db, { consecutiveValid: 20, errorRate: 0.01 });
      const other = await makeHost(t.db);
      const solo = await submitBenchBatch(t.grid, researcher, { n: 5, rounds: ROUNDS, policy: { minQuorum: 2, adaptive: true } });
      // Claims 3 x the estimate; alone it is granted no more than the estimate.
      expect((await simulateHost(t.grid, trusted, { policy: { spotCheckRate: 0, maxSoloPerCore: 5 }, cpuFactor: 3 })).accepted).toHaveLength(5);
      expect((await simulateHost(t.grid, other)).claimed).toEqual([]);
      expect(await validatorPass(t.grid)).toBe(5);
      expect(await assimilatorPass(t.grid)).toBe(5);
      const wus = await wuRows(t.db, solo.batchId);
      expect(wus.every((w) => w.state === 'done' && w.min_quorum === 1 && w.replicas_sent === 1)).toBe(true);
      // The batch says so: it asked for quorum 2 and got 5 WUs on one host's word.
      expect((await batchUsage(t.db, solo.batchId)).validatedAlone).toBe(5);
      const rows = await ledger();
      expect(rows).toHaveLength(5);
      expect(rows.every((l) => l.claimed === 2 * cobblestones(EST_FLOPS) && l.granted === cobblestones(EST_FLOPS))).toBe(true);
      expect((await science()).map((s) => s.output)).toEqual(wus.map((w) => benchOutput(w.params, w.seed)));
      expect((await hostRow(t.db, trusted.id)).consecutive_valid).toBe(25);

      const checked = await submitBenchBatch(t.grid, researcher, { n: 5, rounds: ROUNDS, policy: { minQuorum: 2, adaptive: true } });
      expect((await simulateHost(t.grid, trusted, { policy: { spotCheckRate: 1 } })).accepted).toHaveLength(5);
      expect(await validatorPass(t.grid)).toBe(5); // wait for the second result
      expect((await simulateHost(t.grid, other)).accepted).toHaveLength(5);
      expect(await validatorPass(t.grid)).toBe(5);
      const wus2 = await wuRows(t.db, checked.batchId);
      expect(wus2.every((w) => w.state === 'done' && w.min_quorum === 2 && w.replicas_sent === 2)).toBe(true);
      expect((await batchUsage(t.db, checked.batchId)).validatedAlone).toBe(0);
      const reps = (await replicaRows(t.db)).filter((r) => wus2.some((w) => w.id === r.wu_id));
      expect(reps.filter((r) => r.host_id === trusted.id).every((r) => r.spot_check && r.validate_state === 'valid')).toBe(true);
      expect(await ledger()).toHaveLength(15);
    });

    it('a trusted host caught with one invalid result stops getting solo work at once', async () => {
      const trusted = await makeHost(t.db, { consecutiveValid: 30, errorRate: 0.001 });
      const [a, b, c] = [await makeHost(t.db), await makeHost(t.db), await makeHost(t.db)];
      const { batchId } = await submitBenchBatch(t.grid, researcher, { n: 6, rounds: ROUNDS, policy: { minQuorum: 2, adaptive: true } });
      const [x, s, next] = (await wuRows(t.db, batchId)).map((w) => w.id);
      // x goes out as a spot check, s alone; then the spot check catches the host cheating.
      const spot = await simulateHost(t.grid, trusted, { max: 1, policy: { spotCheckRate: 1 }, behaviour: 'cheat' });
      expect(spot.claimed.map((c) => c.wu_id)).toEqual([x]);
      // s goes out alone and is run, but its result comes in only after the catch.
      const soloClaim = await claimWork(t.db, trusted.claiming, 1, policyOf(t.grid, { spotCheckRate: 0 }));
      expect(soloClaim.map((c) => c.wu_id)).toEqual([s]);
      expect((await wuRows(t.db, batchId)).find((w) => w.id === s)).toMatchObject({ min_quorum: 1, replicas_needed: 0 });
      const soloResults = await computeResults(trusted, soloClaim);
      expect((await simulateHost(t.grid, a, { max: 1 })).claimed.map((c) => c.wu_id)).toEqual([x]);
      expect(await validatorPass(t.grid)).toBe(1); // x: inconclusive
      expect((await simulateHost(t.grid, b, { max: 1 })).claimed.map((c) => c.wu_id)).toEqual([x]);
      expect(await validatorPass(t.grid)).toBe(1); // x: a and b agree, but the dissent raised the quorum to 3
      expect((await simulateHost(t.grid, c, { max: 1 })).claimed.map((r) => r.wu_id)).toEqual([x]);
      expect(await validatorPass(t.grid)).toBe(1); // x: a, b and c agree, the trusted host is invalid
      const ht = await hostRow(t.db, trusted.id);
      expect(ht.consecutive_valid).toBe(0);
      expect(ht.error_rate).toBeCloseTo(0.001 * 0.95 + 0.05, 12);

      // Next claim with no spot check drawn: replicated all the same.
      const after = await simulateHost(t.grid, trusted, { max: 1, policy: { spotCheckRate: 0 } });
      expect(after.claimed.map((c) => c.wu_id)).toEqual([next]);
      expect((await wuRows(t.db, batchId)).find((w) => w.id === next)).toMatchObject({ min_quorum: 2, replicas_needed: 1 });

      // The solo WU s is no longer accepted on its word alone: the quorum goes back to 2.
      expect(await reportResults(t.db, trusted.id, trusted.benchmarkFlops, soloResults)).toHaveLength(1);
      expect(await validatorPass(t.grid)).toBe(2); // s, and next (one result of two: wait)
      expect((await wuRows(t.db, batchId)).find((w) => w.id === s)).toMatchObject({ state: 'running', min_quorum: 2, replicas_needed: 1, canonical_replica_id: null });
      expect((await simulateHost(t.grid, a, { max: 1 })).claimed.map((c) => c.wu_id)).toEqual([s]);
      await validatorPass(t.grid);
      expect((await wuRows(t.db, batchId)).find((w) => w.id === s)).toMatchObject({ state: 'done', min_quorum: 2 });
      expect((await replicaRows(t.db, s)).map((r) => r.validate_state)).toEqual(['valid', 'valid']);
    });
  });
});
