import { mkdirSync } from 'node:fs';
import { PGlite, types as pgliteTypes } from '@electric-sql/pglite';
import { type SQL } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import * as schema from './schema/index';

export type Schema = typeof schema;
export type Drizzle = PgDatabase<PgQueryResultHKT, Schema>;

/**
 * The one database interface the coordinator uses, over either driver: drizzle for ordinary
 * queries, `rows` for hand-written SQL (the queue), and `transaction` for one state transition.
 * int8 columns come back as JS numbers on both drivers (ids stay below 2^53).
 */
export interface Db {
  readonly kind: 'pglite' | 'postgres';
  readonly orm: Drizzle;
  rows<T = Record<string, unknown>>(query: SQL): Promise<T[]>;
  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  /** Subscribes to a NOTIFY channel (Postgres only; PGlite has one process). */
  listen(channel: string, onMessage: (payload: string) => void): Promise<() => Promise<void>>;
  notify(channel: string, payload: string): Promise<void>;
  close(): Promise<void>;
  /**
   * Connections the driver may open, and statements and transactions under way through rows
   * and transaction (drizzle calls on orm are not counted): what /metrics shows of the pool.
   */
  readonly pool: { size: number; busy(): number };
}

export interface Tx {
  readonly orm: Drizzle;
  rows<T = Record<string, unknown>>(query: SQL): Promise<T[]>;
}

function rowsOf<T>(result: unknown): T[] {
  // postgres.js returns an array-like RowList; PGlite returns { rows }.
  if (Array.isArray(result)) return result as T[];
  return ((result as { rows?: T[] }).rows ?? []) as T[];
}

/** The SQLSTATE of a driver error (drizzle wraps it as the cause). */
export function sqlState(e: unknown): string | undefined {
  const err = e as { code?: unknown; cause?: { code?: unknown } };
  const code = typeof err?.code === 'string' ? err.code : err?.cause?.code;
  return typeof code === 'string' ? code : undefined;
}

// Deadlocks and serialization failures are retried: the transaction is rolled back whole, so
// running it again is safe. Lock ordering (work units, replicas, hosts, batches) makes them rare.
const RETRYABLE = new Set(['40P01', '40001']);
const MAX_ATTEMPTS = 5;

async function retrying<T>(fn: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (e) {
      if (attempt >= MAX_ATTEMPTS || !RETRYABLE.has(sqlState(e) ?? '')) throw e;
      await new Promise((r) => setTimeout(r, 5 * 2 ** attempt * (0.5 + Math.random())));
    }
  }
}

/*
 * NFL_GRID_TRACE_SQL=1 adds up the time of each hand-written statement (keyed by its first
 * words) and prints the table at exit: a profiler for the queue's SQL.
 */
const trace = process.env.NFL_GRID_TRACE_SQL === '1' ? new Map<string, { n: number; ms: number }>() : null;
if (trace) {
  process.on('exit', () => {
    const rows = [...trace].sort((a, b) => b[1].ms - a[1].ms);
    for (const [k, v] of rows) process.stderr.write(`${v.ms.toFixed(0).padStart(8)} ms ${String(v.n).padStart(7)}x  ${k}\n`);
  });
}
async function timed<T>(q: SQL, run: () => Promise<T>): Promise<T> {
  if (!trace) return run();
  const key = q.queryChunks.map((c) => ((c as { value?: unknown }).value ?? '')).flat().join('').replace(/\s+/g, ' ').trim().slice(0, 90);
  const t0 = performance.now();
  try {
    return await run();
  } finally {
    const e = trace.get(key) ?? { n: 0, ms: 0 };
    e.n++;
    e.ms += performance.now() - t0;
    trace.set(key, e);
  }
}

function wrap(kind: Db['kind'], orm: Drizzle, size: number, extras: Pick<Db, 'listen' | 'notify' | 'close'>): Db {
  let busy = 0;
  const counted = async <T>(run: () => Promise<T>): Promise<T> => {
    busy++;
    try {
      return await run();
    } finally {
      busy--;
    }
  };
  return {
    kind,
    orm,
    rows: <T>(q: SQL) => counted(() => retrying(() => timed(q, async () => rowsOf<T>(await orm.execute(q))))),
    transaction: <T>(fn: (tx: Tx) => Promise<T>) =>
      counted(() => retrying(() => orm.transaction(async (txOrm) => {
        const t = txOrm as unknown as Drizzle;
        return fn({ orm: t, rows: <R>(q: SQL) => timed(q, async () => rowsOf<R>(await t.execute(q))) });
      }))),
    pool: { size, busy: () => busy },
    ...extras,
  };
}

const int8AsNumber = (v: string) => Number(v);

export async function openPostgres(url: string, opts: { max?: number } = {}): Promise<Db> {
  const max = opts.max ?? 10;
  const client = postgres(url, {
    max,
    onnotice: () => {},
    types: { bigint: { to: 20, from: [20], serialize: (x: number) => String(x), parse: int8AsNumber } },
  });
  const orm = drizzlePostgres(client, { schema }) as unknown as Drizzle;
  return wrap('postgres', orm, max, {
    listen: async (channel, onMessage) => {
      const sub = await client.listen(channel, onMessage);
      return () => sub.unlisten();
    },
    notify: async (channel, payload) => {
      await client.notify(channel, payload);
    },
    close: () => client.end({ timeout: 5 }),
  });
}

/**
 * Embedded database in `dir` (in memory when dir is undefined), optionally starting from a
 * dumped data folder (tests clone a migrated template this way).
 */
export async function openPglite(dir?: string, opts: { loadDataDir?: Blob } = {}): Promise<Db> {
  if (dir) mkdirSync(dir, { recursive: true });
  const client = new PGlite(dir ?? 'memory://', { parsers: { [pgliteTypes.INT8]: int8AsNumber }, loadDataDir: opts.loadDataDir });
  await client.waitReady;
  const orm = drizzlePglite(client, { schema }) as unknown as Drizzle;
  return wrap('pglite', orm, 1, {
    listen: async () => async () => {},
    notify: async () => {},
    close: () => client.close(),
  });
}

export { schema };
