import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  expireReplica, groupBy, makeHost, makeUser, openTestGrid, q, replicaRows, resetData, type TestGrid, type TestHost, wuIdsOf, wuRows,
} from '../../../test/support/grid-fixtures';
import { BENCH, benchOutput, computeResults, policyOf, submitBenchBatch } from '../../../test/support/volunteers';
import { openPostgres, type Db } from '../db/index';
import { dbKinds } from '../../../test/support/test-db';
import { makeSigningHost, uploadSignedCheckpoint, type SigningHost } from '../../../test/support/checkpoints';
import { BatchSpec } from '@nfl-grid/shared/api/batch';
import { claimWork, GPU_FIRST_SECONDS, type ClaimPolicy } from './claim-work';
import { submitBatch } from './submit-batch';
import { recordReplicaFailures } from './record-replica-errors';
import { reportResults } from './report-results';
import { timeOutReplicas } from './time-out-replicas';

/*
 * claimWork on a real database: who may take which WU, in what order, how concurrent claims share
 * the queue (FOR UPDATE SKIP LOCKED), and adaptive replication at claim time.
 */

describe.each(dbKinds())('claimWork on %s', (kind) => {
  let t: TestGrid;
  let researcher: string;
  let policy: ClaimPolicy;
  beforeAll(async () => { t = await openTestGrid(kind); });
  afterAll(async () => { await t?.close(); });
  beforeEach(async () => {
    await resetData(t.db);
    researcher = await makeUser(t.db, { role: 'researcher' });
    policy = policyOf(t.grid);
  });

  const claim = (h: TestHost, max = 100, p: Partial<ClaimPolicy> = {}, db: Db = t.db) => claimWork(db, h.claiming, max, { ...policy, ...p });

  it('hands out what a WU needs, with what the agent must run', async () => {
    const { batchId } = await submitBenchBatch(t.grid, researcher, { n: 3, rounds: 300, policy: { minQuorum: 2, adaptive: false, delayBoundSeconds: 600 } });
    const host = await makeHost(t.db);
    const before = Date.now();
    const got = await claim(host);
    expect(wuIdsOf(got)).toEqual([1, 2, 3]);
    got.sort((x, y) => x.wu_id - y.wu_id);
    const wus = await wuRows(t.db, batchId);
    for (const [i, c] of got.entries()) {
      expect(`${c.kernel}@${c.kernel_version}`).toBe(BENCH);
      expect(c.params).toEqual({ rounds: 300, steps: 2 });
      expect(c.seed).toBe(wus[i]!.seed);
      expect(c.cost_estimate).toBe(300 * 10);
      expect(c.inputs).toEqual([]);
      expect(c.checkpoint_step).toBeNull();
      const deadline = new Date(c.deadline).getTime();
      expect(deadline).toBeGreaterThanOrEqual(before + 600_000 - 5_000);
      expect(deadline).toBeLessThanOrEqual(Date.now() + 600_000 + 5_000);
      // The params and seed are enough to compute the output.
      expect(benchOutput(c.params, c.seed).rounds).toBe(300);
    }
    expect(wus.map((w) => [w.state, w.replicas_needed, w.replicas_sent])).toEqual([['running', 1, 1], ['running', 1, 1], ['running', 1, 1]]);
  });

  it('never gives two replicas of one WU to one host, or to two hosts of one owner', async () => {
    await submitBenchBatch(t.grid, researcher, { n: 10, policy: { minQuorum: 2, targetReplicas: 3, adaptive: false } });
    const owner = await makeUser(t.db);
    const h1 = await makeHost(t.db, { ownerId: owner });
    const h2 = await makeHost(t.db, { ownerId: owner });
    const other = await makeHost(t.db);
    expect(await claim(h1)).toHaveLength(10);
    for (let i = 0; i < 3; i++) {
      expect(await claim(h1)).toEqual([]);
      expect(await claim(h2)).toEqual([]);
    }
    expect(await claim(other)).toHaveLength(10);
    expect(await claim(other)).toEqual([]);
    expect(await claim(h2, 1)).toEqual([]);
    const third = await makeHost(t.db);
    expect(await claim(third)).toHaveLength(10);
    expect(await claim(await makeHost(t.db))).toEqual([]);
    const reps = await replicaRows(t.db);
    expect(reps).toHaveLength(30);
    const byWu = groupBy(reps, (r) => r.wu_id);
    for (const [, rs] of byWu) {
      expect(new Set(rs.map((r) => r.owner_id)).size).toBe(3);
      expect(new Set(rs.map((r) => r.host_id)).size).toBe(3);
    }
    expect((await wuRows(t.db)).every((w) => w.replicas_needed === 0 && w.replicas_sent === 3)).toBe(true);
  });

  it('respects the kernel list, the GPU need, memory and host status', async () => {
    await submitBenchBatch(t.grid, researcher, { n: 6, policy: { minQuorum: 1, adaptive: false } });
    await t.db.rows(sql`UPDATE work_units SET needs_gpu = true WHERE id IN (1, 2)`);
    await t.db.rows(sql`UPDATE work_units SET min_memory_mb = 8192 WHERE id IN (3, 4)`);
    expect(await claim(await makeHost(t.db, { kernels: ['mc.season@1', 'bench.hash@2'] }))).toEqual([]);
    expect(await claim(await makeHost(t.db, { memoryMb: 8 }))).toEqual([]); // bench.hash needs 16 MB
    expect(await claim(await makeHost(t.db, { status: 'paused' }))).toEqual([]);
    expect(await claim(await makeHost(t.db, { status: 'banned' }))).toEqual([]);
    const small = await makeHost(t.db, { gpu: false, memoryMb: 4096 });
    expect(wuIdsOf(await claim(small))).toEqual([5, 6]);
    const gpuSmall = await makeHost(t.db, { gpu: true, memoryMb: 4096 });
    expect(wuIdsOf(await claim(gpuSmall))).toEqual([1, 2]);
    const big = await makeHost(t.db, { gpu: false, memoryMb: 8192 });
    expect(wuIdsOf(await claim(big))).toEqual([3, 4]);
    expect(await claim(await makeHost(t.db, { gpu: true, memoryMb: 65536 }))).toEqual([]);
  });

  it('GPU first: work that prefers a GPU waits a while for an online GPU host, never longer, and not at all with none about', async () => {
    const { batchId } = await submitBatch(t.grid, researcher, BatchSpec.parse({
      name: 'nets', kernel: 'train.mlp@1', params: { fold: { testSeason: 2019 }, maxRows: 1000, epochs: 1 }, replicates: 2, policy: { minQuorum: 1, adaptive: false },
    }));
    expect(await q(t.db, sql`SELECT prefers_gpu, needs_gpu FROM work_units WHERE batch_id = ${batchId}`)).toEqual([
      { prefers_gpu: true, needs_gpu: false }, { prefers_gpu: true, needs_gpu: false }]);
    const cpuHost = () => makeHost(t.db, { kernels: ['train.mlp@1'], gpu: false });
    // no GPU host online: a CPU host takes it at once
    expect(await claim(await cpuHost(), 1)).toHaveLength(1);
    // a GPU host online: CPU hosts wait GPU_FIRST_SECONDS, the GPU host does not
    const gpu = await makeHost(t.db, { kernels: ['train.mlp@1'], gpu: true });
    await t.db.rows(sql`UPDATE hosts SET online = true WHERE id = ${gpu.id}`);
    const slow = await cpuHost();
    expect(await claim(slow)).toEqual([]);
    await t.db.rows(sql`UPDATE work_units SET created_at = now() - make_interval(secs => ${GPU_FIRST_SECONDS + 1})`);
    expect(await claim(slow)).toHaveLength(1);
    await t.db.rows(sql`UPDATE work_units SET created_at = now(), replicas_needed = 1`);
    expect(await claim(await cpuHost())).toEqual([]);
    expect(await claim(gpu)).toHaveLength(2);
    // bench.hash says gpu: 'none': nobody waits for it
    await submitBenchBatch(t.grid, researcher, { n: 1, policy: { minQuorum: 1, adaptive: false } });
    expect(await claim(await makeHost(t.db, { gpu: false }))).toHaveLength(1);
  });

  it('takes higher priority first, then older WUs', async () => {
    const low = await submitBenchBatch(t.grid, researcher, { n: 3, priority: 0, policy: { minQuorum: 2, adaptive: false } });
    const high = await submitBenchBatch(t.grid, researcher, { n: 3, priority: 5, policy: { minQuorum: 2, adaptive: false } });
    const mid = await submitBenchBatch(t.grid, researcher, { n: 2, priority: 1, policy: { minQuorum: 2, adaptive: false } });
    const ids = async (b: string) => (await wuRows(t.db, b)).map((w) => w.id);
    const [L, H, M] = [await ids(low.batchId), await ids(high.batchId), await ids(mid.batchId)];
    const a = await makeHost(t.db);
    const sorted = (ids: number[]) => [...ids].sort((x, y) => x - y);
    expect(wuIdsOf(await claim(a, 4))).toEqual(sorted([...H, M[0]!]));
    expect(wuIdsOf(await claim(a, 2))).toEqual(sorted([M[1]!, L[0]!]));
    const b = await makeHost(t.db);
    expect(wuIdsOf(await claim(b, 1))).toEqual([H[0]]);
    expect(wuIdsOf(await claim(b, 3))).toEqual(sorted([H[1]!, H[2]!, M[0]!]));
  });

  it('concurrent claims on separate connections never share a slot and together take every slot', async () => {
    // Postgres: separate connections really run side by side. PGlite has one connection, so
    // there the same calls are serialised; the outcome must be the same.
    const extra: Db[] = [];
    const conn = async () => {
      if (kind === 'pglite' || !t.url) return t.db;
      const db = await openPostgres(t.url, { max: 2 });
      extra.push(db);
      return db;
    };
    try {
      const [c1, c2, c3] = [await conn(), await conn(), await conn()];
      // Quorum 1: 30 single slots, two hosts each asking for all of them at once.
      await submitBenchBatch(t.grid, researcher, { n: 30, policy: { minQuorum: 1, adaptive: false } });
      const [a, b] = [await makeHost(t.db), await makeHost(t.db)];
      const [ga, gb] = await Promise.all([claim(a, 30, {}, c1), claim(b, 30, {}, c2)]);
      expect(ga.length + gb.length).toBe(30);
      expect(new Set([...ga, ...gb].map((c) => c.wu_id)).size).toBe(30);
      expect(new Set([...ga, ...gb].map((c) => c.replica_id)).size).toBe(30);

      // Quorum 2: 40 WUs x 2 slots, three hosts claiming in small bites until the queue is dry.
      // An empty claim only means "nothing unlocked for me just now" (SKIP LOCKED), so each
      // host keeps asking while any slot is left.
      await resetData(t.db);
      const owner = await makeUser(t.db, { role: 'researcher' });
      await submitBenchBatch(t.grid, owner, { n: 40, policy: { minQuorum: 2, adaptive: false } });
      const hostsAndConns: [TestHost, Db][] = [[await makeHost(t.db), c1], [await makeHost(t.db), c2], [await makeHost(t.db), c3]];
      const slotsLeft = async () => (await q<{ n: number }>(t.db, sql`SELECT coalesce(sum(replicas_needed), 0)::int AS n FROM work_units`))[0]!.n;
      const started = Date.now();
      const counts = await Promise.all(hostsAndConns.map(async ([h, db]) => {
        let n = 0;
        while (Date.now() - started < 20_000) {
          const got = await claim(h, 7, {}, db);
          n += got.length;
          if (got.length === 0 && (await slotsLeft()) === 0) break;
        }
        return n;
      }));
      expect(counts.reduce((s, n) => s + n, 0)).toBe(80);
      const reps = await replicaRows(t.db);
      expect(reps).toHaveLength(80);
      for (const [, rs] of groupBy(reps, (r) => r.wu_id)) {
        expect(rs).toHaveLength(2);
        expect(new Set(rs.map((r) => r.owner_id)).size).toBe(2);
      }
      expect((await wuRows(t.db)).every((w) => w.replicas_needed === 0 && w.replicas_sent === 2)).toBe(true);
    } finally {
      for (const db of extra) await db.close();
    }
  });

  describe('resuming from an uploaded checkpoint', () => {
    const upload = async (h: SigningHost, replicaId: number, step: number) => {
      expect(await uploadSignedCheckpoint(t.grid, h, replicaId, step, Buffer.from(JSON.stringify({ step })))).toBeNull();
    };
    const resumedFrom = async (replicaId: number) => (await q<{ resumed_from: number | null }>(t.db, sql`SELECT resumed_from FROM replicas WHERE id = ${replicaId}`))[0]!.resumed_from;

    it('hands a stopped replica\'s checkpoint to one new replica, never while its uploader runs; the uploader cannot report after', async () => {
      await submitBenchBatch(t.grid, researcher, { n: 1, policy: { minQuorum: 2, maxTotalReplicas: 6, adaptive: false } });
      // A trusted maker: only a trusted host's checkpoint is handed on.
      const a = await makeSigningHost(t.db, { consecutiveValid: 20, errorRate: 0.01 });
      const [b, c, d] = await Promise.all([1, 2, 3].map(() => makeHost(t.db)));
      const [ra] = await claim(a);
      await upload(a, ra!.replica_id, 7);
      // A still runs: the quorum's second replica starts from scratch, or the two would share A's state.
      const [rb] = await claim(b!);
      expect(rb!.checkpoint_step).toBeNull();
      expect(await resumedFrom(rb!.replica_id)).toBeNull();

      await expireReplica(t.db, ra!.replica_id);
      expect(await t.db.transaction((tx) => timeOutReplicas(tx, 10))).toHaveLength(1);
      const [rc] = await claim(c!);
      expect([rc!.checkpoint_step, rc!.checkpoint_sha256 !== null, await resumedFrom(rc!.replica_id)]).toEqual([7, true, ra!.replica_id]);
      expect([rc!.checkpoint_replica_id, rc!.checkpoint_host_id, rc!.checkpoint_public_key?.x]).toEqual([ra!.replica_id, a.id, a.publicJwk.x]);
      // A's late result is refused: its work went on in C.
      expect(await reportResults(t.db, a.id, a.benchmarkFlops, await computeResults(a, [ra!]))).toEqual([]);

      // C gives up without uploading: the next replica starts from scratch (A's checkpoint was handed on once).
      await recordReplicaFailures(t.db, c!.id, [{ replicaId: rc!.replica_id, state: 'abandoned', code: 'abandoned', message: 'test' }]);
      const [rd] = await claim(d!);
      expect([rd!.checkpoint_step, await resumedFrom(rd!.replica_id)]).toEqual([null, null]);
    });

    it('never hands a checkpoint to unreplicated work', async () => {
      await submitBenchBatch(t.grid, researcher, { n: 1, policy: { minQuorum: 2, adaptive: true } });
      const a = await makeSigningHost(t.db, { consecutiveValid: 20, errorRate: 0.01 });
      const [ra] = await claim(a, 100, { spotCheckRate: 1 });
      await upload(a, ra!.replica_id, 3);
      await recordReplicaFailures(t.db, a.id, [{ replicaId: ra!.replica_id, state: 'abandoned', code: 'abandoned', message: 'test' }]);
      // A WU that has been out before is never solo; make it fresh again to reach the solo path.
      await t.db.rows(sql`UPDATE work_units SET replicas_sent = 0`);
      const [solo] = await claim(await makeHost(t.db, { consecutiveValid: 20, errorRate: 0.01 }), 100, { spotCheckRate: 0 });
      expect((await wuRows(t.db))[0]!.min_quorum).toBe(1);
      expect([solo!.checkpoint_step, await resumedFrom(solo!.replica_id)]).toEqual([null, null]);
    });
  });

  describe('adaptive replication', () => {
    const trusted = () => makeHost(t.db, { consecutiveValid: 20, errorRate: 0.01 });

    it('a trusted host takes fresh adaptive WUs alone when no spot check is drawn (rate 0)', async () => {
      const { batchId } = await submitBenchBatch(t.grid, researcher, { n: 8, policy: { minQuorum: 2, adaptive: true } });
      const h = await trusted();
      expect(await claim(h, 100, { spotCheckRate: 0, maxSoloPerCore: 8 })).toHaveLength(8);
      const wus = await wuRows(t.db, batchId);
      expect(wus.every((w) => w.min_quorum === 1 && w.base_quorum === 2 && w.replicas_needed === 0 && w.replicas_sent === 1)).toBe(true);
      expect((await replicaRows(t.db)).every((r) => !r.spot_check)).toBe(true);
      expect(await claim(await makeHost(t.db))).toEqual([]);
    });

    it('every WU is replicated when every claim is a spot check (rate 1)', async () => {
      const { batchId } = await submitBenchBatch(t.grid, researcher, { n: 8, policy: { minQuorum: 2, adaptive: true } });
      const h = await trusted();
      expect(await claim(h, 100, { spotCheckRate: 1 })).toHaveLength(8);
      const wus = await wuRows(t.db, batchId);
      expect(wus.every((w) => w.min_quorum === 2 && w.replicas_needed === 1)).toBe(true);
      expect((await replicaRows(t.db)).every((r) => r.spot_check)).toBe(true);
      expect(await claim(await makeHost(t.db))).toHaveLength(8);
    });

    it('no solo work for a host short of the streak or above the error rate, on a non-adaptive batch, or for a WU already out', async () => {
      const cases: { name: string; host: () => Promise<TestHost>; adaptive: boolean; sentBefore: boolean }[] = [
        { name: 'streak 9 of 10', host: () => makeHost(t.db, { consecutiveValid: 9, errorRate: 0.01 }), adaptive: true, sentBefore: false },
        { name: 'error rate 0.06', host: () => makeHost(t.db, { consecutiveValid: 50, errorRate: 0.06 }), adaptive: true, sentBefore: false },
        { name: 'non-adaptive batch', host: trusted, adaptive: false, sentBefore: false },
        { name: 'WU already out', host: trusted, adaptive: true, sentBefore: true },
      ];
      for (const c of cases) {
        await resetData(t.db);
        const owner = await makeUser(t.db, { role: 'researcher' });
        await submitBenchBatch(t.grid, owner, { n: 3, policy: { minQuorum: 2, adaptive: c.adaptive } });
        if (c.sentBefore) expect(await claim(await makeHost(t.db))).toHaveLength(3);
        expect(await claim(await c.host(), 100, { spotCheckRate: 0 }), c.name).toHaveLength(3);
        const wus = await wuRows(t.db);
        expect(wus.map((w) => [w.min_quorum, w.replicas_needed]), c.name).toEqual(c.sentBefore ? [[2, 0], [2, 0], [2, 0]] : [[2, 1], [2, 1], [2, 1]]);
        expect((await replicaRows(t.db)).every((r) => !r.spot_check), c.name).toBe(true);
      }
    });

    it('a spot-check rate of 0.5 replicates some and not others (the draw is per WU)', async () => {
      await submitBenchBatch(t.grid, researcher, { n: 200, policy: { minQuorum: 2, adaptive: true } });
      await claim(await trusted(), 200, { spotCheckRate: 0.5, maxSoloPerCore: 200 });
      const [row] = await q<{ solo: number; checked: number }>(t.db, sql`
        SELECT count(*) FILTER (WHERE min_quorum = 1)::int AS solo, count(*) FILTER (WHERE min_quorum = 2)::int AS checked FROM work_units`);
      expect(row!.solo + row!.checked).toBe(200);
      // Binomial(200, 0.5): outside [60, 140] has probability below 1e-8.
      expect(row!.solo).toBeGreaterThan(60);
      expect(row!.checked).toBeGreaterThan(60);
      const [spot] = await q<{ n: number }>(t.db, sql`SELECT count(*)::int AS n FROM replicas WHERE spot_check`);
      expect(spot!.n).toBe(row!.checked);
    });
  });
});
