import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeHost, makeUser, openGridOn, q, type TestHost, wuRows } from '../../../test/support/grid-fixtures';
import { benchOutput, simulateHost, submitBenchBatch } from '../../../test/support/volunteers';
import { dbKinds, openTestDb, type TestDb } from '../../../test/support/test-db';
import { openPostgres, type Db } from '../db/index';
import { assimilatorPass } from './assimilator';
import { validatorPass } from './validator';

/*
 * Two coordinators on one Postgres database (DESIGN.md: every daemon is safe to run in several
 * coordinator processes at once). Each has its own connection pool and signing key; four hosts
 * claim and report through both while both validators run. Postgres only: PGlite is one process.
 */

const WUS = 200;
const TIME_LIMIT_MS = 30_000;

describe.skipIf(!dbKinds().includes('postgres'))('two coordinators on one Postgres', () => {
  let t: TestDb;
  let pools: Db[] = [];
  let grids: Awaited<ReturnType<typeof openGridOn>>[];
  beforeAll(async () => {
    t = await openTestDb('postgres');
    // Each coordinator has a pool of its own; t.db is kept for setup and for checking.
    pools = [await openPostgres(t.url!), await openPostgres(t.url!)];
    grids = [await openGridOn(pools[0]!), await openGridOn(pools[1]!)];
  });
  afterAll(async () => {
    for (const g of grids ?? []) await g.dispose();
    for (const p of pools) await p.close().catch(() => {});
    await t?.drop();
  });

  /**
   * Deadlocks Postgres detected in this database. Db retries a transaction that lost a deadlock,
   * so they do not surface as errors; the server's count shows them. A backend reports its
   * counts when it exits, so the coordinators' pools are closed first.
   */
  async function deadlocksSeen(): Promise<number> {
    for (const p of pools) await p.close();
    let n = 0;
    for (let i = 0; i < 10; i++) {
      await t.db.rows(sql`SELECT pg_stat_clear_snapshot()`);
      const [row] = await q<{ n: number }>(t.db, sql`SELECT deadlocks::int AS n FROM pg_stat_database WHERE datname = current_database()`);
      n = Math.max(n, row!.n);
      await new Promise((r) => setTimeout(r, 100));
    }
    return n;
  }

  it(`${WUS} WUs, 4 hosts and 2 validators working side by side: every WU done exactly once`, async () => {
    const [g1, g2] = grids as [typeof grids[0], typeof grids[0]];
    const researcher = await makeUser(t.db, { role: 'researcher' });
    const { batchId } = await submitBenchBatch(g1, researcher, { n: WUS, rounds: 200, policy: { minQuorum: 2, adaptive: false } });
    const hosts: TestHost[] = [];
    for (let i = 0; i < 4; i++) hosts.push(await makeHost(t.db, { benchmarkFlops: (i + 1) * 1e9 }));

    const errors: unknown[] = [];
    const started = Date.now();
    let done = false;
    const remaining = async () => (await q<{ n: number }>(t.db, sql`SELECT count(*)::int AS n FROM work_units WHERE state <> 'done'`))[0]!.n;
    const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
    const loop = async (body: (i: number) => Promise<number>) => {
      for (let i = 0; !done && Date.now() - started < TIME_LIMIT_MS; i++) {
        try {
          if ((await body(i)) === 0) await pause(3);
        } catch (e) {
          errors.push(e);
          await pause(10);
        }
      }
    };
    // Each host asks for small packets, alternating between the coordinators, with varied claims.
    const hostLoops = hosts.map((h, k) => loop(async (i) => {
      const grid = (i + k) % 2 === 0 ? g1 : g2;
      const { claimed } = await simulateHost(grid, h, { max: 5 + k, cpuFactor: 0.8 + 0.2 * k });
      return claimed.length;
    }));
    // Two validator loops per coordinator, as if each ran a validator beside a busy API.
    const validatorLoops = [g1, g2, g1, g2].map((g) => loop(async () => {
      const n = await validatorPass(g);
      if (n === 0 && (await remaining()) === 0) done = true;
      return n;
    }));
    // And an assimilator on each, in transactions of their own.
    const assimilatorLoops = [g1, g2].map((g) => loop(() => assimilatorPass(g)));
    await Promise.all([...hostLoops, ...validatorLoops, ...assimilatorLoops]);
    // What the validators finished last may still be waiting: take it in.
    while ((await assimilatorPass(g1)) > 0);

    expect(errors.map(describeError)).toEqual([]);
    expect(done).toBe(true);
    for (const g of grids) expect(g.log.errors()).toEqual([]);
    expect(await deadlocksSeen()).toBe(0);

    const wus = await wuRows(t.db, batchId);
    expect(wus).toHaveLength(WUS);
    expect(wus.filter((w) => w.state !== 'done')).toEqual([]);
    const [counts] = await q<Record<string, number>>(t.db, sql`
      SELECT (SELECT count(*)::int FROM science_results) AS science,
             (SELECT count(DISTINCT wu_id)::int FROM science_results) AS science_wus,
             (SELECT count(*)::int FROM credit_ledger) AS ledger,
             (SELECT count(*)::int FROM replicas WHERE validate_state = 'valid') AS valid,
             (SELECT count(*)::int FROM replicas WHERE validate_state = 'invalid') AS invalid,
             (SELECT count(*)::int FROM replicas) AS replicas,
             (SELECT count(*)::int FROM events WHERE kind = 'batch.done') AS batch_done,
             (SELECT count(*)::int FROM (SELECT 1 FROM replicas GROUP BY wu_id, owner_id HAVING count(*) > 1) x) AS doubled`);
    expect(counts).toEqual({ science: WUS, science_wus: WUS, ledger: 2 * WUS, valid: 2 * WUS, invalid: 0, replicas: 2 * WUS, batch_done: 1, doubled: 0 });
    expect((await q(t.db, sql`SELECT state FROM batches WHERE id = ${batchId}`))[0]).toEqual({ state: 'done' });

    // Every canonical output is right, and the credit totals are the ledger's sums.
    const science = await q<{ wu_id: number; output: unknown }>(t.db, sql`SELECT wu_id, output FROM science_results ORDER BY wu_id`);
    for (const [i, w] of wus.entries()) expect(science[i]).toEqual({ wu_id: w.id, output: benchOutput(w.params, w.seed) });
    const perHost = await q<{ id: string; total_credit: number; sum: number; valid_count: number; n: number }>(t.db, sql`
      SELECT h.id, h.total_credit, h.valid_count, coalesce(sum(l.granted), 0) AS sum, count(l.id)::int AS n
        FROM hosts h LEFT JOIN credit_ledger l ON l.host_id = h.id GROUP BY h.id`);
    expect(perHost).toHaveLength(4);
    for (const h of perHost) {
      expect(h.total_credit).toBeCloseTo(h.sum, 9);
      expect(h.valid_count).toBe(h.n);
    }
    expect(perHost.reduce((s, h) => s + h.n, 0)).toBe(2 * WUS);
  });
});

/** The driver's error under drizzle's "Failed query" wrapper: SQLSTATE and message. */
function describeError(e: unknown): string {
  const cause = (e as { cause?: { code?: string; message?: string; detail?: string } }).cause;
  const first = String((e as Error).message ?? e).split('\n')[0]!.slice(0, 120);
  return cause ? `${cause.code ?? '?'} ${cause.message} (${cause.detail ?? ''}) in: ${first}` : first;
}
