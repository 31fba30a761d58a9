import { randomBytes } from 'node:crypto';
import { createLocalJWKSet } from 'jose';
import { sql } from 'drizzle-orm';
import { BatchSpec, type BatchSpecInput } from '@nfl-grid/shared/api/batch';
import { datasetClosure } from '@nfl-grid/shared/data/datasets';
import { createKernelData } from '@nfl-grid/shared/data/kernel-data';
import { DEFAULT_DATA_DIR, loadLocalKernelData } from '@nfl-grid/shared/data/local';
import { getKernel } from '@nfl-grid/shared/kernels/registry';
import { runKernelSync } from '@nfl-grid/shared/kernels/runner';
import type { KernelData } from '@nfl-grid/shared/kernels/types';
import type { CoordinatorMessage } from '@nfl-grid/shared/protocol/messages';
import type { WorkItem } from '@nfl-grid/shared/protocol/work-packet';
import { importPublic, newEd25519KeyPair } from '@nfl-grid/shared/signing/keys';
import { verifyWorkPacket } from '@nfl-grid/shared/signing/work-packet';
import { canonicalJson } from '@nfl-grid/shared/hashing/canonical-json';
import { sha256Hex } from '@nfl-grid/shared/hashing/sha256';
import type { Db } from '../../coordinator/src/db/index';
import type { AgentSession } from '../../coordinator/src/gateway/agent-session';
import type { Grid } from '../../coordinator/src/grid';
import type { OpenedGrid } from '../../coordinator/src/coordinator';
import { type ClaimedReplica, type ClaimPolicy, claimWork } from '../../coordinator/src/queue/claim-work';
import { recordReplicaFailures } from '../../coordinator/src/queue/record-replica-errors';
import { type ReportedResult, reportResults } from '../../coordinator/src/queue/report-results';
import { submitBatch } from '../../coordinator/src/queue/submit-batch';
import { BENCH, type TestHost } from './grid-fixtures';

/*
 * Simulated volunteers for the tests: batches of the real kernels submitted through the real
 * submitBatch, hosts that claim and report straight through the queue (computing honest or wrong
 * outputs), agent sessions that keep what the scheduler sends them and verify each signed packet
 * as an agent does, and canonical outputs stored as the assimilator stores them.
 */

export { BENCH };
export const SEASON = 'mc.season@1';
const noData = createKernelData(new Map());
const uniq = () => randomBytes(4).toString('hex');

/* ---------- batches ---------- */

/** Submits a batch of `n` bench.hash WUs (one per seed) through the real submitBatch. */
export async function submitBenchBatch(grid: OpenedGrid, ownerId: string, opts: {
  n: number; rounds?: number; steps?: number; priority?: number; seed?: number; name?: string; policy?: BatchSpecInput['policy'];
}): Promise<{ batchId: string; wuCount: number }> {
  const spec = BatchSpec.parse({
    name: opts.name ?? `bench-${uniq()}`,
    kernel: BENCH,
    priority: opts.priority ?? 0,
    seed: opts.seed ?? 7,
    params: { rounds: opts.rounds ?? 500, steps: opts.steps ?? 2 },
    replicates: opts.n,
    policy: opts.policy ?? { minQuorum: 2, adaptive: false },
  });
  const { batchId, wuCount } = await submitBatch(grid, ownerId, spec);
  return { batchId, wuCount };
}

/** A small bench.hash@1 batch (reads no data sets). */
export function benchSpec(over: Record<string, unknown> = {}) {
  return { name: 'bench', kernel: BENCH, params: { rounds: 100, steps: 2 }, grid: { rounds: [100, 200, 300] }, ...over };
}

/** Submits a batch of either kernel with quorum 1 (one replica per WU), through the real submitBatch. */
export async function submitArmBatch(grid: Grid, ownerId: string, kernel: 'bench' | 'season', over: Partial<BatchSpecInput> & { n?: number } = {}) {
  const { n = 10, ...rest } = over;
  const base: BatchSpecInput = kernel === 'bench'
    ? { name: `bench-${n}`, kernel: 'bench.hash', params: { rounds: 200, steps: 1 }, replicates: n, seed: 3 }
    : { name: `season-${n}`, kernel: 'mc.season', params: { nSims: 10, simsPerStep: 10 }, grid: { season: [2019, 2020, 2021, 2022, 2023] }, replicates: Math.ceil(n / 5), seed: 5 };
  return submitBatch(grid, ownerId, BatchSpec.parse({ policy: { minQuorum: 1, adaptive: false, delayBoundSeconds: 600 }, ...base, ...rest }));
}

/* ---------- hosts that claim and report through the queue ---------- */

/** The right output of a bench.hash WU, as every honest host computes it. */
export function benchOutput(params: unknown, seed: number): { value: number; rounds: number } {
  return runKernelSync(getKernel(BENCH), params, seed, noData);
}

/** A wrong output of the same shape: right `rounds`, flipped low bit of `value`. */
function wrongOutput(params: unknown, seed: number): { value: number; rounds: number } {
  const right = benchOutput(params, seed);
  return { value: (right.value ^ 1) >>> 0, rounds: right.rounds };
}

export type Behaviour = 'honest' | 'cheat' | ((c: ClaimedReplica) => unknown);

export interface ResultOptions {
  behaviour?: Behaviour;
  /**
   * CPU seconds as a multiple of the WU's estimate on this host (cost / benchmark): 1 claims
   * exactly the estimate, 10 claims more than the 2x cap allows, 0.1 less than the 1/2 floor.
   */
  cpuFactor?: number;
}

/** Runs claimed replicas as a host would and returns the results it would report. */
export async function computeResults(host: TestHost, claimed: ClaimedReplica[], opts: ResultOptions = {}): Promise<ReportedResult[]> {
  const behaviour = opts.behaviour ?? 'honest';
  const factor = opts.cpuFactor ?? 1;
  return Promise.all(claimed.map(async (c) => {
    const output = behaviour === 'honest' ? benchOutput(c.params, c.seed)
      : behaviour === 'cheat' ? wrongOutput(c.params, c.seed)
        : behaviour(c);
    return {
      replicaId: c.replica_id,
      output,
      outputSha256: await sha256Hex(canonicalJson(output)),
      cpuSeconds: (c.cost_estimate * factor) / host.benchmarkFlops,
      elapsedSeconds: 0.01,
      steps: getKernel(`${c.kernel}@${c.kernel_version}`).totalSteps(c.params),
    };
  }));
}

export function policyOf(grid: OpenedGrid, override: Partial<ClaimPolicy> = {}): ClaimPolicy {
  const r = grid.config.reliability;
  return { trustStreak: r.trustStreak, trustMaxErrorRate: r.trustMaxErrorRate, spotCheckRate: r.spotCheckRate, maxSoloPerCore: r.maxSoloPerCore, ...override };
}

/**
 * One round of a volunteer host: claim up to `max` replicas, run them (honestly or not) and report
 * them. `db` defaults to the grid's; pass another connection to act through it.
 */
export async function simulateHost(grid: OpenedGrid, host: TestHost, opts: ResultOptions & {
  max?: number; policy?: Partial<ClaimPolicy>; db?: Db;
} = {}): Promise<{ claimed: ClaimedReplica[]; accepted: { replicaId: number; wuId: number }[] }> {
  const db = opts.db ?? grid.db;
  const claimed = await claimWork(db, host.claiming, opts.max ?? 100, policyOf(grid, opts.policy));
  if (claimed.length === 0) return { claimed, accepted: [] };
  const accepted = await reportResults(db, host.id, host.benchmarkFlops, await computeResults(host, claimed, opts));
  return { claimed, accepted };
}

/* ---------- agent sessions served by the scheduler ---------- */

export interface TestSession extends AgentSession { sent: CoordinatorMessage[] }

export async function sessionFor(h: TestHost): Promise<TestSession> {
  const { publicJwk } = await newEd25519KeyPair();
  const sent: CoordinatorMessage[] = [];
  return {
    hostId: h.id, ownerId: h.ownerId, kernels: h.claiming.kernels, gpu: h.claiming.gpu, memoryMb: h.claiming.memoryMb,
    benchmarkFlops: h.benchmarkFlops, publicKey: await importPublic(publicJwk), paused: false, lastProgressWrite: 0,
    sent, closed: false,
    send: (msg) => void sent.push(msg),
    close() {},
  };
}

const dataCache = new Map<string, KernelData>();

/** What an honest host computes for a work item. */
function computeOutput(item: Pick<WorkItem, 'kernel' | 'params' | 'seed'>): unknown {
  const kernel = getKernel(item.kernel);
  const p = kernel.paramsSchema.parse(item.params);
  const names = datasetClosure(kernel.datasets(p));
  const key = names.join(',');
  let data = dataCache.get(key);
  if (!data) dataCache.set(key, (data = loadLocalKernelData(DEFAULT_DATA_DIR, names)));
  return runKernelSync(kernel, p, item.seed, data);
}

/** The items of every work packet sent to the session since `from`, verified as an agent does. */
async function packetsOf(grid: Grid, s: TestSession, from = 0): Promise<WorkItem[][]> {
  const keys = createLocalJWKSet(await grid.keys.jwks());
  const packets = s.sent.slice(from).filter((m): m is Extract<CoordinatorMessage, { type: 'work' }> => m.type === 'work');
  return Promise.all(packets.map(async (m) => (await verifyWorkPacket(m.jws, keys, s.hostId)).items));
}

/**
 * One work request of a volunteer: ask the scheduler for up to `max` replicas, then run each one
 * and report it, or report a kernel error for items `fails` picks. Returns the items received.
 */
export async function volunteerRound(grid: Grid, requestWork: (s: TestSession, max: number) => Promise<boolean>, s: TestSession, h: TestHost, opts: {
  max?: number; fails?: (item: WorkItem) => boolean;
} = {}): Promise<WorkItem[]> {
  const from = s.sent.length;
  if (!(await requestWork(s, opts.max ?? 4))) return [];
  const items = (await packetsOf(grid, s, from)).flat();
  const failing = items.filter((i) => opts.fails?.(i));
  const good = items.filter((i) => !failing.includes(i));
  if (failing.length) {
    await recordReplicaFailures(grid.db, h.id, failing.map((i) => ({ replicaId: i.replicaId, state: 'errored', code: 'kernel_error', message: 'the kernel threw' })));
  }
  if (good.length) {
    const results = await Promise.all(good.map(async (i) => {
      const output = computeOutput(i);
      return {
        replicaId: i.replicaId, output, outputSha256: await sha256Hex(canonicalJson(output)),
        cpuSeconds: i.costEstimate / h.benchmarkFlops, elapsedSeconds: 0.01, steps: getKernel(i.kernel).totalSteps(i.params),
      };
    }));
    await reportResults(grid.db, h.id, h.benchmarkFlops, results);
  }
  return items;
}

/* ---------- results stored without a grid of agents ---------- */

export interface StoredWu { id: number; seq: number; seed: number; params: Record<string, unknown> }

/** A batch's work units in sequence order. */
export async function workUnitsOf(grid: OpenedGrid, batchId: string): Promise<StoredWu[]> {
  const rows = await grid.db.rows<StoredWu>(sql`SELECT id, seq, seed, params FROM work_units WHERE batch_id = ${batchId} ORDER BY seq`);
  return rows.map((w) => ({ ...w, id: Number(w.id), seed: Number(w.seed) }));
}

/**
 * Runs a WU's kernel here and stores the output as the assimilator stores a canonical output, for
 * tests of reads that need results without a grid of agents. Returns the output.
 */
export async function storeResult(grid: OpenedGrid, batchId: string, kernelRef: string, w: StoredWu, data: KernelData): Promise<unknown> {
  const kernel = getKernel(kernelRef);
  const output = runKernelSync(kernel, kernel.paramsSchema.parse(w.params), w.seed, data);
  const json = canonicalJson(output);
  await grid.db.rows(sql`INSERT INTO science_results (wu_id, batch_id, seq, kernel, params, output, output_sha256, replica_id)
    VALUES (${w.id}, ${batchId}, ${w.seq}, ${kernelRef}, ${JSON.stringify(w.params)}::jsonb, ${json}::jsonb, ${await sha256Hex(json)}, ${w.id})`);
  return output;
}
