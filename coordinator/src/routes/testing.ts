import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { getKernel } from '@nfl-grid/shared/kernels/registry';
import { runKernelSync } from '@nfl-grid/shared/kernels/runner';
import type { KernelData } from '@nfl-grid/shared/kernels/types';
import { canonicalJson } from '@nfl-grid/shared/util/canonical-json';
import type { Logger } from '@nfl-grid/shared/util/log';
import { sha256Hex } from '@nfl-grid/shared/util/sha256';
import type { Role } from '@nfl-grid/shared/api/users';
import { openTestDb, type DbKind } from '../../../test/support/test-db';
import { createApp } from '../app';
import { createUserWithKey } from '../auth/users';
import { resolveCoordinatorConfig } from '../config';
import { hosts } from '../db/schema/index';
import { openGrid, type OpenedGrid } from '../coordinator';

/*
 * Test support for the HTTP routes: a real migrated database, a real grid and the app called
 * in-process. The logger records instead of printing, so tests can check what was logged.
 */

export interface LogEntry { level: string; msg: string; fields?: Record<string, unknown> }

export function recordingLogger(entries: LogEntry[] = []): Logger & { entries: LogEntry[] } {
  const at = (level: string) => (msg: string, fields?: Record<string, unknown>) => void entries.push({ level, msg, fields });
  const log = { entries, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), child: () => log };
  return log;
}

export interface CallResult { status: number; body: any; text: string; headers: Headers }

export interface TestApp {
  grid: OpenedGrid;
  app: ReturnType<typeof createApp>;
  log: ReturnType<typeof recordingLogger>;
  adminKey: string;
  /** Calls the app with an API key (or none); objects are sent as JSON, strings as they are. */
  call(method: string, path: string, opts?: { key?: string | null; body?: unknown; headers?: Record<string, string> }): Promise<CallResult>;
  user(name: string, role: Role): Promise<{ id: string; key: string }>;
  host(ownerId: string, opts?: Partial<typeof hosts.$inferInsert>): Promise<string>;
  close(): Promise<void>;
}

export async function openTestApp(kind: DbKind): Promise<TestApp> {
  const tdb = await openTestDb(kind);
  const dataDir = mkdtempSync(join(tmpdir(), 'nfl-grid-app-'));
  const log = recordingLogger();
  const grid = await openGrid(resolveCoordinatorConfig({ dataDir }, {}), { db: tdb.db, log });
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
    grid, app, log, adminKey: admin.key, call,
    async user(name, role) {
      const u = await createUserWithKey(grid.db, { name, role });
      return { id: u.user.id, key: u.key };
    },
    async host(ownerId, opts = {}) {
      const [h] = await grid.db.orm.insert(hosts).values({
        ownerId, name: `host-${Math.random().toString(36).slice(2, 8)}`, publicKey: { kty: 'OKP', crv: 'Ed25519', x: 'A'.repeat(43) }, ...opts,
      }).returning({ id: hosts.id });
      return h!.id;
    },
    async close() {
      await grid.close();
      await tdb.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A small bench.hash@1 batch (reads no data sets). */
export function benchSpec(over: Record<string, unknown> = {}) {
  return { name: 'bench', kernel: 'bench.hash@1', params: { rounds: 100, steps: 2 }, grid: { rounds: [100, 200, 300] }, ...over };
}

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
