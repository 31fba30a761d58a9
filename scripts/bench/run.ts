/*
 * npm run bench: end-to-end throughput and dispatch latency through the real websocket path.
 *   1. latency: with 100 idle simulated agents connected, submit single-WU batches one at a time
 *      and time submit -> first agent holding the signed work (median, p99);
 *   2. throughput: one batch of trivial WUs, quorum 2, and time until every WU is validated.
 * Uses the PostgreSQL server at DATABASE_URL (a fresh database, dropped afterwards) or, without
 * it, the embedded database. Agents run in a separate process (sim-agents.ts).
 */
import { fork } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { startCoordinator } from '../../coordinator/src/coordinator';
import { openPostgres } from '../../coordinator/src/db/index';
import { migrateServer } from '../../coordinator/src/db/migrate';

const AGENTS = Number(process.env.BENCH_AGENTS ?? 100);
const WUS = Number(process.env.BENCH_WUS ?? 20_000);
const SUBMITS = Number(process.env.BENCH_SUBMITS ?? 200);
const PACKET = Number(process.env.BENCH_PACKET ?? 50);

const now = () => performance.timeOrigin + performance.now();
const quantile = (xs: number[], q: number) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(q * s.length))]!; };

async function main() {
  process.env.NFL_GRID_LOG_LEVEL ??= 'warn';
  let dropDb: (() => Promise<void>) | null = null;
  let db;
  const base = process.env.DATABASE_URL;
  if (base) {
    const name = `nflgrid_bench_${process.pid}`;
    const admin = postgres(base, { max: 1, onnotice: () => {} });
    await admin.unsafe(`CREATE DATABASE ${name}`);
    const u = new URL(base); u.pathname = `/${name}`;
    await migrateServer(u.toString());
    db = await openPostgres(u.toString(), { max: 20 });
    dropDb = async () => { await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`); await admin.end(); };
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'nfl-grid-bench-'));
  const c = await startCoordinator({ port: 0, dataDir, databaseUrl: base ? undefined : null }, { db });
  const api = async (path: string, body: unknown, key = c.adminKey!) => {
    const res = await fetch(c.url + path, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (res.status >= 300) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    return res.json() as Promise<any>;
  };
  const researcher = await api('/api/v1/users', { name: 'bench-researcher', role: 'researcher' });
  const tokens: string[] = [];
  for (let i = 0; i < AGENTS; i++) {
    const v = await api('/api/v1/users', { name: `bench-vol-${i}`, role: 'volunteer' });
    tokens.push((await api('/api/v1/enrollment-tokens', {}, v.apiKey)).token);
  }

  const child = fork(fileURLToPath(new URL('./sim-agents.ts', import.meta.url)), { execArgv: ['--import', 'tsx'] });
  // The harness shares the coordinator's process: it waits on events, never by spinning or
  // polling, so that it takes no CPU from what it measures.
  const started = new Map<number, number>();
  const startWaiters = new Map<number, () => void>();
  const finished = new Set<string>();
  const finishWaiters = new Map<string, () => void>();
  const whenStarted = (wuId: number) => new Promise<void>((r) => (started.has(wuId) ? r() : startWaiters.set(wuId, r)));
  const whenFinished = (batchId: string) => new Promise<void>((r) => (finished.has(batchId) ? r() : finishWaiters.set(batchId, r)));
  c.grid.events.on('batch.finished', ({ batchId }) => {
    finished.add(batchId);
    finishWaiters.get(batchId)?.();
  });
  let ready = 0;
  const errors: string[] = [];
  child.on('message', (m: any) => {
    switch (m.type) {
      case 'ready': ready++; break;
      case 'started':
        for (const id of m.wuIds) {
          if (started.has(id)) continue;
          started.set(id, m.at);
          startWaiters.get(id)?.();
        }
        break;
      case 'protocol_error': errors.push(`${m.code}: ${m.message}`); break;
    }
  });
  child.send({ url: c.url, tokens, packet: PACKET });
  while (ready < AGENTS) await new Promise((r) => setTimeout(r, 50));
  await new Promise((r) => setTimeout(r, 500));

  // 1. Dispatch latency, one submit at a time.
  const latencies: number[] = [];
  const answered: number[] = [];
  for (let i = 0; i < SUBMITS; i++) {
    const t0 = now();
    const b = await api('/api/v1/batches', { name: `latency-${i}`, kernel: 'bench.hash', seed: i + 1, params: { rounds: 10, steps: 1 }, policy: { minQuorum: 2, adaptive: false } }, researcher.apiKey);
    answered.push(now() - t0);
    const [wu] = await c.grid.db.rows<{ id: number }>(sql`SELECT id FROM work_units WHERE batch_id = ${b.batchId}`);
    await whenStarted(wu!.id);
    latencies.push(started.get(wu!.id)! - t0);
    // Let the pair finish so every agent is idle again.
    await whenFinished(b.batchId);
  }

  // 2. Throughput: one batch of trivial WUs, quorum 2.
  const t0 = now();
  const big = await api('/api/v1/batches', { name: 'throughput', kernel: 'bench.hash', seed: 99, params: { rounds: 10, steps: 1 }, replicates: WUS, policy: { minQuorum: 2, adaptive: false } }, researcher.apiKey);
  const tSubmitted = now();
  for (;;) {
    const [s] = await c.grid.db.rows<{ state: string }>(sql`SELECT state FROM batches WHERE id = ${big.batchId}`);
    if (s!.state === 'done') break;
    await new Promise((r) => setTimeout(r, 20));
  }
  const tDone = now();
  const [check] = await c.grid.db.rows<{ done: number; valid: number }>(sql`
    SELECT (SELECT count(*)::int FROM work_units WHERE batch_id = ${big.batchId} AND state = 'done') AS done,
           (SELECT count(*)::int FROM replicas r JOIN work_units w ON w.id = r.wu_id WHERE w.batch_id = ${big.batchId} AND r.validate_state = 'valid') AS valid`);

  const rate = WUS / ((tDone - tSubmitted) / 1000);
  const rateWithSubmit = WUS / ((tDone - t0) / 1000);
  console.log(`\nnfl-grid benchmark — ${c.grid.db.kind}, ${AGENTS} simulated agents (separate process), quorum 2\n`);
  console.log(`| measure | value |`);
  console.log(`|---|---|`);
  console.log(`| WUs validated | ${check!.done} of ${WUS} (${check!.valid} valid replicas) |`);
  console.log(`| throughput, submit accepted -> all validated | ${rate.toFixed(0)} WUs/s |`);
  console.log(`| throughput, including the submit itself | ${rateWithSubmit.toFixed(0)} WUs/s |`);
  console.log(`| submit -> first agent holds signed work, median | ${quantile(latencies, 0.5).toFixed(1)} ms |`);
  console.log(`| submit -> first agent holds signed work, p99 | ${quantile(latencies, 0.99).toFixed(1)} ms |`);
  console.log(`| of which the submit request itself (answered), median / p99 | ${quantile(answered, 0.5).toFixed(1)} / ${quantile(answered, 0.99).toFixed(1)} ms |`);
  console.log(`| protocol errors | ${errors.length} |`);
  if (errors.length) console.log(errors.slice(0, 5).join('\n'));

  child.disconnect();
  await c.stop();
  await db?.close();
  await dropDb?.();
  process.exit(check!.done === WUS && errors.length === 0 ? 0 : 1);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
