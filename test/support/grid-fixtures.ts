import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql, type SQL } from 'drizzle-orm';
import type { Role } from '@nfl-grid/shared/api/users';
import { newEd25519KeyPair } from '@nfl-grid/shared/signing/keys';
import type { Logger } from '@nfl-grid/shared/logging/logger';
import { createApp } from '../../coordinator/src/app';
import { createUserWithKey } from '../../coordinator/src/auth/api-keys';
import { type CoordinatorConfig, resolveCoordinatorConfig } from '../../coordinator/src/config';
import type { Db } from '../../coordinator/src/db/index';
import { hostReliability, hosts, users } from '../../coordinator/src/db/schema/index';
import { type OpenedGrid, openGrid } from '../../coordinator/src/coordinator';
import type { ClaimingHost } from '../../coordinator/src/queue/claim-work';
import { type DbKind, openTestDb } from './test-db';

/*
 * The one set-up of the coordinator's tests: a fresh migrated database (test-db.ts), a real grid
 * over it whose logger keeps what it is told, and, for route tests, its HTTP app called
 * in-process. Users and hosts are real rows; rows are read back with plain SQL. Nothing of ours is
 * mocked. What simulated volunteers do (run kernels, claim, report) is in volunteers.ts.
 */

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
    component: () => log,
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

export interface CallResult { status: number; body: any; text: string; headers: Headers }

/** A grid with its HTTP app, called in-process, and an admin user whose key `call` sends by default. */
export interface TestApp {
  grid: OpenedGrid;
  app: ReturnType<typeof createApp>;
  log: CollectingLog;
  adminKey: string;
  /** Calls the app with an API key (or none); objects are sent as JSON, strings as they are. */
  call(method: string, path: string, opts?: { key?: string | null; body?: unknown; headers?: Record<string, string> }): Promise<CallResult>;
  user(name: string, role: Role): Promise<{ id: string; key: string }>;
  /** A host row with the table's defaults, `opts` over them, and a placeholder public key. */
  host(ownerId: string, opts?: Partial<typeof hosts.$inferInsert>): Promise<string>;
  close(): Promise<void>;
}

export async function openTestApp(kind: DbKind): Promise<TestApp> {
  const t = await openTestGrid(kind);
  const { grid } = t;
  const app = createApp(grid);
  const admin = await createUserWithKey(grid.db, { name: 'root', role: 'admin' });
  const call: TestApp['call'] = async (method, path, opts = {}) => {
    const headers: Record<string, string> = { ...opts.headers };
    const key = opts.key === undefined ? admin.key : opts.key;
    if (key) headers.authorization = `Bearer ${key}`;
    let body: string | undefined;
    if (typeof opts.body === 'string') body = opts.body;
    else if (opts.body !== undefined) {
      body = JSON.stringify(opts.body);
      headers['content-type'] ??= 'application/json';
    }
    const res = await app.request(path, { method, headers, body });
    const text = await res.text();
    let parsed: unknown = undefined;
    try { parsed = JSON.parse(text); } catch { /* not JSON */ }
    return { status: res.status, body: parsed, text, headers: res.headers };
  };
  return {
    grid, app, log: grid.log, adminKey: admin.key, call,
    async user(name, role) {
      const u = await createUserWithKey(grid.db, { name, role });
      return { id: u.user.id, key: u.key };
    },
    async host(ownerId, opts = {}) {
      const [h] = await grid.db.orm.insert(hosts).values({
        ownerId, name: `host-${uniq()}`, publicKey: { kty: 'OKP', crv: 'Ed25519', x: 'A'.repeat(43) }, ...opts,
      }).returning({ id: hosts.id });
      return h!.id;
    },
    close: () => t.close(),
  };
}

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

/** The trivial kernel every test host runs unless told otherwise. */
export const BENCH = 'bench.hash@1';

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
  // The same record in each kernel family it runs, where trust is judged (credit/trust.ts).
  if (opts.consecutiveValid !== undefined || opts.errorRate !== undefined) {
    const families = [...new Set(kernels.map((k) => k.split('.')[0]!))];
    await db.orm.insert(hostReliability).values(families.map((family) => ({
      hostId: h!.id, family, consecutiveValid: opts.consecutiveValid ?? 0, errorRate: opts.errorRate ?? 0.1,
    })));
  }
  return { id: h!.id, ownerId, benchmarkFlops, claiming: { hostId: h!.id, ownerId, kernels, gpu, memoryMb } };
}

/**
 * Sets a host's record (host row and its reliability in `family`, where trust is judged): a long
 * valid streak makes it trusted, a broken one takes the trust away.
 */
export async function setHostRecord(db: Db, hostId: string, rec: { consecutiveValid: number; errorRate: number }, family = 'bench'): Promise<void> {
  await db.rows(sql`UPDATE hosts SET consecutive_valid = ${rec.consecutiveValid}, error_rate = ${rec.errorRate} WHERE id = ${hostId}`);
  await db.rows(sql`
    INSERT INTO host_reliability (host_id, family, consecutive_valid, error_rate) VALUES (${hostId}, ${family}, ${rec.consecutiveValid}, ${rec.errorRate})
    ON CONFLICT (host_id, family) DO UPDATE SET consecutive_valid = excluded.consecutive_valid, error_rate = excluded.error_rate`);
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
