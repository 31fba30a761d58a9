import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql, type SQL } from 'drizzle-orm';
import { BatchSpec, type BatchSpecInput } from '@nfl-grid/shared/api/batch';
import { createKernelData } from '@nfl-grid/shared/data/kernel-data';
import { getKernel } from '@nfl-grid/shared/kernels/registry';
import { runKernelSync } from '@nfl-grid/shared/kernels/runner';
import { newEd25519KeyPair } from '@nfl-grid/shared/signing/keys';
import { canonicalJson } from '@nfl-grid/shared/util/canonical-json';
import type { Logger } from '@nfl-grid/shared/util/log';
import { sha256Hex } from '@nfl-grid/shared/util/sha256';
import { resolveCoordinatorConfig, type CoordinatorConfig } from '../../coordinator/src/config';
import type { Db } from '../../coordinator/src/db/index';
import { hosts, users } from '../../coordinator/src/db/schema/index';
import { openGrid, type OpenedGrid } from '../../coordinator/src/coordinator';
import { claimWork, type ClaimedReplica, type ClaimingHost, type ClaimPolicy } from '../../coordinator/src/queue/claim-work';
import { reportResults, type ReportedResult } from '../../coordinator/src/queue/report-results';
import { submitBatch } from '../../coordinator/src/queue/submit-batch';
import { openTestDb, type DbKind } from './test-db';

/*
 * Grid fixtures for queue, validation and daemon tests: real databases (test-db.ts), real
 * coordinator functions, and hosts that run the real bench.hash kernel. Nothing of ours is mocked.
 */

export const BENCH = 'bench.hash@1';
const noData = createKernelData(new Map());

/** A logger that keeps what it is told, so tests can check that nothing went wrong. */
export interface CollectingLog extends Logger {
  readonly records: { level: string; msg: string; fields?: Record<string, unknown> }[];
  errors(): { msg: string; fields?: Record<string, unknown> }[];
}

export function collectingLog(): CollectingLog {
  const records: CollectingLog['records'] = [];
  const log: CollectingLog = {
    records,
    debug: (msg, fields) => void records.push({ level: 'debug', msg, fields }),
    info: (msg, fields) => void records.push({ level: 'info', msg, fields }),
    warn: (msg, fields) => void records.push({ level: 'warn', msg, fields }),
    error: (msg, fields) => void records.push({ level: 'error', msg, fields }),
    child: () => log,
    errors: () => records.filter((r) => r.level === 'error'),
  };
  return log;
}

export interface GridOptions {
  reliability?: Partial<CoordinatorConfig['reliability']>;
}

/** A coordinator (real openGrid) over a given database, with its own data folder. */
export async function openGridOn(db: Db, opts: GridOptions = {}): Promise<OpenedGrid & { log: CollectingLog; dispose(): Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'nfl-grid-test-'));
  // An empty environment: NFL_GRID_* variables of the shell must not change what tests see.
  const base = resolveCoordinatorConfig({ dataDir, databaseUrl: null }, {});
  const config: CoordinatorConfig = { ...base, reliability: { ...base.reliability, ...opts.reliability } };
  const log = collectingLog();
  const grid = await openGrid(config, { db, log });
  return Object.assign(grid, {
    log,
    async dispose() {
      await grid.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  });
}

export interface TestGrid {
  grid: OpenedGrid & { log: CollectingLog };
  db: Db;
  /** postgres:// URL of the test database (Postgres only), for second connections. */
  url: string | null;
  close(): Promise<void>;
}

/** A fresh migrated database of `kind` and a coordinator over it. */
export async function openTestGrid(kind: DbKind, opts: GridOptions = {}): Promise<TestGrid> {
  const t = await openTestDb(kind);
  const grid = await openGridOn(t.db, opts);
  return {
    grid,
    db: t.db,
    url: t.url,
    async close() {
      await grid.dispose();
      await t.drop();
    },
  };
}

const uniq = () => randomBytes(4).toString('hex');

export async function makeUser(db: Db, opts: { name?: string; role?: 'admin' | 'researcher' | 'volunteer' } = {}): Promise<string> {
  const [u] = await db.orm.insert(users).values({ name: opts.name ?? `user-${uniq()}`, role: opts.role ?? 'volunteer' }).returning({ id: users.id });
  return u!.id;
}

export interface TestHost {
  id: string;
  ownerId: string;
  benchmarkFlops: number;
  /** What claimWork needs to know about the host. */
  claiming: ClaimingHost;
}

export interface HostOptions {
  ownerId?: string;
  kernels?: string[];
  gpu?: boolean;
  memoryMb?: number;
  benchmarkFlops?: number;
  consecutiveValid?: number;
  errorRate?: number;
  status?: 'active' | 'paused' | 'banned';
}

/** A host with a real Ed25519 public key; a new volunteer owns it unless `ownerId` is given. */
export async function makeHost(db: Db, opts: HostOptions = {}): Promise<TestHost> {
  const ownerId = opts.ownerId ?? (await makeUser(db));
  const { publicJwk } = await newEd25519KeyPair();
  const kernels = opts.kernels ?? [BENCH];
  const gpu = opts.gpu ?? false;
  const memoryMb = opts.memoryMb ?? 4096;
  const benchmarkFlops = opts.benchmarkFlops ?? 1e9;
  const [h] = await db.orm.insert(hosts).values({
    ownerId, name: `host-${uniq()}`, publicKey: publicJwk, kernels, gpu, memoryMb, benchmarkFlops,
    consecutiveValid: opts.consecutiveValid ?? 0, errorRate: opts.errorRate ?? 0.1, status: opts.status ?? 'active',
  }).returning({ id: hosts.id });
  return { id: h!.id, ownerId, benchmarkFlops, claiming: { hostId: h!.id, ownerId, kernels, gpu, memoryMb } };
}

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

/** The right output of a bench.hash WU, as every honest host computes it. */
export function benchOutput(params: unknown, seed: number): { value: number; rounds: number } {
  return runKernelSync(getKernel(BENCH), params, seed, noData);
}

/** A wrong output of the same shape: right `rounds`, flipped low bit of `value`. */
export function wrongOutput(params: unknown, seed: number): { value: number; rounds: number } {
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
  return { trustStreak: r.trustStreak, trustMaxErrorRate: r.trustMaxErrorRate, spotCheckRate: r.spotCheckRate, ...override };
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

/** Hand-written SQL for assertions. */
export function q<T = Record<string, any>>(db: Db, query: SQL): Promise<T[]> {
  return db.rows<T>(query);
}

export async function wuRows(db: Db, batchId?: string) {
  return q<{
    id: number; state: string; min_quorum: number; base_quorum: number; replicas_needed: number; replicas_sent: number;
    replicas_reported: number; error_replicas: number; canonical_replica_id: number | null; reason: string | null;
    needs_validation: boolean; params: unknown; seed: number; cost_estimate: number;
  }>(db, batchId
    ? sql`SELECT * FROM work_units WHERE batch_id = ${batchId} ORDER BY id`
    : sql`SELECT * FROM work_units ORDER BY id`);
}

export async function replicaRows(db: Db, wuId?: number) {
  return q<{
    id: number; wu_id: number; host_id: string; owner_id: string; state: string; validate_state: string;
    claimed_credit: number | null; granted_credit: number | null; spot_check: boolean; output: unknown;
  }>(db, wuId === undefined
    ? sql`SELECT * FROM replicas ORDER BY id`
    : sql`SELECT * FROM replicas WHERE wu_id = ${wuId} ORDER BY id`);
}

export async function hostRow(db: Db, hostId: string) {
  const [h] = await q<{
    consecutive_valid: number; error_rate: number; valid_count: number; invalid_count: number; error_count: number;
    timeout_count: number; total_credit: number; rac: number; cpu_seconds: number;
  }>(db, sql`SELECT * FROM hosts WHERE id = ${hostId}`);
  return h!;
}

/** Sets a replica's deadline in the past so the next transitioner pass times it out. */
export async function expireReplica(db: Db, replicaId: number): Promise<void> {
  await db.rows(sql`UPDATE replicas SET deadline = now() - interval '1 minute' WHERE id = ${replicaId}`);
}

/**
 * Empties every table a test writes (users, hosts, batches, WUs, replicas, credit, results,
 * events), keeping the coordinator's signing keys, kernels and inputs, and restarts identities so
 * ids start at 1 again. Far cheaper than a new database per test (a PGlite clone takes seconds).
 */
export async function resetData(db: Db): Promise<void> {
  const keep = ['signing_keys', 'kernels', 'inputs'];
  const tables = await db.rows<{ tablename: string }>(sql`SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`);
  const names = tables.map((t) => t.tablename).filter((n) => !keep.includes(n)).map((n) => `"${n}"`);
  if (names.length) await db.rows(sql.raw(`TRUNCATE ${names.join(', ')} RESTART IDENTITY CASCADE`));
}

/** Groups by key, keeping first-seen order (Map.groupBy is not in Node 20). */
export function groupBy<T, K>(items: T[], key: (t: T) => K): Map<K, T[]> {
  const m = new Map<K, T[]>();
  for (const it of items) {
    const k = key(it);
    const list = m.get(k);
    if (list) list.push(it);
    else m.set(k, [it]);
  }
  return m;
}

/** WU ids of claimed replicas, ascending. */
export const wuIdsOf = (claimed: { wu_id: number }[]) => claimed.map((c) => c.wu_id).sort((a, b) => a - b);
