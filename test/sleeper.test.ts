import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { canonicalJson } from '@nfl-grid/shared/hashing/canonical-json';
import { sha256Hex } from '@nfl-grid/shared/hashing/sha256';
import { getKernel } from '@nfl-grid/shared/kernels/registry';
import type { WorkItem } from '@nfl-grid/shared/protocol/work-packet';
import { signResultPacket } from '@nfl-grid/shared/signing/result-packet';
import { eventually } from './support/api-client';
import { startTestGrid, type TestGrid } from './support/grid-harness';
import { connectRaw, enrollRaw, helloFor, type RawAgent } from './support/raw-agent';
import { dbKinds } from './support/test-db';
import { benchOutput } from './support/volunteers';

/*
 * The sleeper on a real grid: a coordinator serving websockets on 127.0.0.1, two honest nfl-agent
 * processes, and a hand-driven agent that returns right bench.hash outputs until the grid trusts
 * it in the bench family, then wrong outputs for everything it can take. Watched all along: its
 * solo WUs in flight, wrong canonical outputs, wrong science results; at the end: none wrong, and
 * its credit reversed in the ledger.
 */

const TRUST = { NFL_GRID_TRUST_STREAK: '5', NFL_GRID_TRUST_MAX_ERROR_RATE: '0.08' };
const SLEEPER_CORES = 2; // raw-agent's hardware

let grid: TestGrid | null = null;
afterEach(async () => { await grid?.stop(); grid = null; });

/** The next `work` or `no_work` frame (ignoring acks and verdicts). */
async function nextWork(a: RawAgent, timeoutMs = 10_000): Promise<WorkItem[]> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    const i = a.received.findIndex((m) => m.type === 'work' || m.type === 'no_work');
    if (i >= 0) {
      const m = a.received.splice(i, 1)[0]!;
      if (m.type === 'no_work') return [];
      const claims = JSON.parse(Buffer.from((m as { jws: string }).jws.split('.')[1]!, 'base64url').toString());
      return claims.items as WorkItem[];
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('no work or no_work frame');
}

/** One request of the sleeper: take what it is given and report it, right or wrong. */
async function sleeperRound(a: RawAgent, max: number, wrong: boolean): Promise<WorkItem[]> {
  a.send({ type: 'request_work', max });
  const items = await nextWork(a);
  if (items.length === 0) return items;
  const results = await Promise.all(items.map(async (i) => {
    const right = benchOutput(i.params, i.seed);
    const output = wrong ? { value: (right.value ^ 1) >>> 0, rounds: right.rounds } : right;
    return {
      replicaId: i.replicaId, output, outputSha256: await sha256Hex(canonicalJson(output)),
      cpuSeconds: 0.01, elapsedSeconds: 0.01, steps: getKernel(i.kernel).totalSteps(i.params),
    };
  }));
  a.send({ type: 'result', jws: await signResultPacket(a.privateKey, a.hostId, results) });
  return items;
}

describe.each(dbKinds())('the sleeper on %s', (kind) => {
  it('earns trust on bench.hash, then cheats on all it takes: few solo WUs, no wrong result kept, its credit reversed', async () => {
    grid = await startTestGrid(kind, TRUST);
    const g = grid;
    const db = g.testDb.db;
    const researcher = await g.createUser('rita', 'researcher');
    const submit = async (n: number) => {
      const r = await researcher.api.post('/api/v1/batches', {
        name: `bench-${n}`, kernel: 'bench.hash', params: { rounds: 200, steps: 1 }, replicates: n, seed: Math.floor(Math.random() * 1e6),
        policy: { minQuorum: 2, adaptive: true },
      });
      expect(r.status).toBe(201);
      return r.body.batchId as string;
    };
    const u = await g.createUser('sam', 'volunteer');
    const tok = await u.api.post('/api/v1/enrollment-tokens', {});
    const sleeper = await connectRaw(g.url, await enrollRaw(g.url, tok.body.token, 'sleeper'));
    sleeper.send(helloFor(sleeper.credential));
    await sleeper.next('welcome');
    await Promise.all([g.volunteerAgent('honest-1'), g.volunteerAgent('honest-2')]);

    // Watch from the start: wrong canonical outputs, wrong science results, solo WUs in flight.
    const worst = { wrongCanonical: 0, wrongResults: 0, soloInFlight: 0 };
    const wrongOf = (rows: { params: unknown; seed: number; output: unknown }[]) =>
      rows.filter((r) => JSON.stringify(r.output) !== JSON.stringify(benchOutput(r.params, Number(r.seed)))).length;
    const look = async () => {
      const canon = await db.rows<{ params: unknown; seed: number; output: unknown }>(sql`
        SELECT w.params, w.seed, r.output FROM work_units w JOIN replicas r ON r.id = w.canonical_replica_id WHERE w.state = 'done'`);
      const science = await db.rows<{ params: unknown; seed: number; output: unknown }>(sql`
        SELECT s.params, w.seed, s.output FROM science_results s JOIN work_units w ON w.id = s.wu_id WHERE s.withdrawn_at IS NULL`);
      const [solo] = await db.rows<{ n: number }>(sql`SELECT count(*)::int AS n FROM replicas WHERE host_id = ${sleeper.hostId} AND solo AND state = 'in_progress'`);
      const now = { wrongCanonical: wrongOf(canon), wrongResults: wrongOf(science), soloInFlight: Number(solo!.n) };
      for (const k of Object.keys(worst) as (keyof typeof worst)[]) worst[k] = Math.max(worst[k], now[k]);
      return now;
    };
    let watching = true;
    const watcher = (async () => { while (watching) { await look(); await new Promise((r) => setTimeout(r, 100)); } })();

    // 1. Honest until trusted in the bench family.
    await submit(20);
    const trustedAt = await eventually(async () => {
      const items = await sleeperRound(sleeper, 4, false);
      if (items.length === 0) await submit(10);
      const [f] = await db.rows<{ consecutive_valid: number; error_rate: number }>(sql`
        SELECT consecutive_valid, error_rate FROM host_reliability WHERE host_id = ${sleeper.hostId} AND family = 'bench'`);
      return f && f.consecutive_valid >= 5 && f.error_rate <= 0.08 ? Date.now() : null;
    }, 60_000, 'the sleeper trusted in the bench family');
    const [{ n: earned }] = await db.rows<{ n: number }>(sql`SELECT count(*)::int AS n FROM credit_ledger WHERE host_id = ${sleeper.hostId}`) as [{ n: number }];
    expect(earned).toBeGreaterThanOrEqual(5);

    // 2. Then wrong, for everything it can take, until the grid has decided every WU.
    await submit(60);
    const taken: WorkItem[] = [];
    taken.push(...await sleeperRound(sleeper, 200, true));
    const afterFirst = await look();
    expect(afterFirst.soloInFlight).toBeLessThanOrEqual(SLEEPER_CORES);
    let caughtAt: number | null = null;
    await eventually(async () => {
      taken.push(...await sleeperRound(sleeper, 200, true));
      const [h] = await db.rows<{ caught: boolean; reexamined: boolean }>(sql`
        SELECT caught_at IS NOT NULL AS caught, reexamined_at IS NOT NULL AND reexamined_at >= caught_at AS reexamined FROM hosts WHERE id = ${sleeper.hostId}`);
      if (h!.caught && caughtAt === null) caughtAt = Date.now();
      const [open] = await db.rows<{ n: number }>(sql`
        SELECT count(*)::int AS n FROM work_units WHERE state <> 'done' OR assimilated_at IS NULL`);
      return h!.reexamined && Number(open!.n) === 0;
    }, 90_000, 'every WU decided and taken in, the sleeper re-examined');
    watching = false;
    await watcher;
    const end = await look();

    const [solo] = await db.rows<{ n: number }>(sql`SELECT count(*)::int AS n FROM replicas WHERE host_id = ${sleeper.hostId} AND solo`);
    const [credit] = await db.rows<{ granted: number; reversed: number; reversals: number; total: number }>(sql`
      SELECT coalesce(sum(granted) FILTER (WHERE reverses_id IS NULL), 0)::float8 AS granted,
             coalesce(sum(granted) FILTER (WHERE reverses_id IS NOT NULL), 0)::float8 AS reversed,
             count(*) FILTER (WHERE reverses_id IS NOT NULL)::int AS reversals,
             (SELECT total_credit FROM hosts WHERE id = ${sleeper.hostId}) AS total
        FROM credit_ledger WHERE host_id = ${sleeper.hostId}`);
    const [reopened] = await db.rows<{ solo: number; quorum: number }>(sql`
      SELECT count(*) FILTER (WHERE kind = 'solo')::int AS solo, count(*) FILTER (WHERE kind = 'quorum')::int AS quorum
        FROM wu_reopenings WHERE host_id = ${sleeper.hostId}`);
    const figures = {
      kind, wrongTaken: taken.length, soloWus: Number(solo!.n), soloInFlightAtWorst: worst.soloInFlight,
      wrongCanonicalAtWorst: worst.wrongCanonical, wrongCanonicalAtEnd: end.wrongCanonical,
      wrongResultsAtWorst: worst.wrongResults, wrongResultsAtEnd: end.wrongResults,
      reopenedSolo: reopened!.solo, reopenedQuorum: reopened!.quorum,
      creditGranted: Number(credit!.granted), creditReversed: Number(credit!.reversed), reversalRows: credit!.reversals,
      detectionSeconds: caughtAt === null ? null : (caughtAt - trustedAt) / 1000,
    };
    console.log(`sleeper figures ${JSON.stringify(figures)}`);

    expect(taken.length).toBeGreaterThan(10);
    expect(worst.soloInFlight).toBeLessThanOrEqual(SLEEPER_CORES);
    expect(end.wrongCanonical).toBe(0);
    expect(end.wrongResults).toBe(0);
    expect(worst.wrongResults).toBe(0); // a solo result waits for the host's spot checks
    expect(credit!.reversals).toBeGreaterThan(0);
    expect(figures.creditReversed).toBeCloseTo(-figures.creditGranted, 6);
    expect(Number(credit!.total)).toBeCloseTo(0, 6);
    // Honest hosts are paid once per replica and their totals match the ledger.
    const honest = await db.rows<{ ledger: number; total: number }>(sql`
      SELECT coalesce((SELECT sum(granted) FROM credit_ledger l WHERE l.host_id = h.id), 0)::float8 AS ledger, h.total_credit AS total
        FROM hosts h WHERE h.id <> ${sleeper.hostId}`);
    for (const h of honest) expect(h.total).toBeCloseTo(h.ledger, 6);
    expect(await db.rows(sql`SELECT replica_id FROM credit_ledger WHERE reverses_id IS NULL GROUP BY replica_id HAVING count(*) > 1`)).toEqual([]);
    sleeper.close();
  }, 180_000);
});
