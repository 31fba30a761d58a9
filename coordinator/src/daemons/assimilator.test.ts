import { sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makeHost, makeUser, openTestGrid, q, resetData, type TestGrid } from '../../../test/support/grid-fixtures';
import { dbKinds } from '../../../test/support/test-db';
import { BENCH, sessionFor, simulateHost, submitArmBatch, submitBenchBatch, volunteerRound } from '../../../test/support/volunteers';
import { assimilatorPass } from './assimilator';
import { createScheduler } from './scheduler';
import { validatorPass } from './validator';

/*
 * The assimilator in its own transaction: a pass that dies after the validator committed loses
 * nothing and a later pass takes everything in exactly once; a slow pass does not hold up
 * validation.
 */

describe.each(dbKinds())('assimilatorPass on %s', (kind) => {
  let t: TestGrid;
  let researcher: string;
  beforeAll(async () => { t = await openTestGrid(kind); });
  afterAll(async () => { await t?.close(); });
  beforeEach(async () => {
    await resetData(t.db);
    t.grid.bandit.invalidate();
    researcher = await makeUser(t.db, { role: 'researcher' });
  });
  afterEach(async () => {
    await t.grid.bandit.settled();
    expect(t.grid.log.errors()).toEqual([]);
  });

  const counts = async () => (await q<{ science: number; rewards: number; arm_n: number; pending: number; unassimilated: number; batch_done: number }>(t.db, sql`
    SELECT (SELECT count(*)::int FROM science_results) AS science,
           (SELECT count(*)::int FROM bandit_rewards) AS rewards,
           (SELECT coalesce(sum(n), 0)::int FROM bandit_arms) AS arm_n,
           (SELECT count(*)::int FROM bandit_pending) AS pending,
           (SELECT count(*)::int FROM work_units WHERE state IN ('done', 'failed') AND assimilated_at IS NULL) AS unassimilated,
           (SELECT count(*)::int FROM events WHERE kind = 'batch.done') AS batch_done`))[0]!;

  it('a pass that fails after the validator committed loses nothing; the next takes every WU in exactly once', async () => {
    const scheduler = createScheduler(t.grid);
    const { batchId } = await submitArmBatch(t.grid, researcher, 'bench', { n: 6 });
    const h = await makeHost(t.db, { kernels: [BENCH] });
    const s = await sessionFor(h);
    for (let i = 0; i < 3; i++) await volunteerRound(t.grid, (x, m) => scheduler.requestWork(x, m), s, h, { max: 2 });
    await t.grid.bandit.settled();
    expect(await validatorPass(t.grid)).toBe(6);
    expect(await counts()).toEqual({ science: 0, rewards: 0, arm_n: 0, pending: 6, unassimilated: 6, batch_done: 0 });

    // The assimilator dies inside its transaction, after doing all its work.
    await expect(assimilatorPass(t.grid, { inTransaction: async () => { throw new Error('coordinator died'); } })).rejects.toThrow('coordinator died');
    expect(await counts()).toEqual({ science: 0, rewards: 0, arm_n: 0, pending: 6, unassimilated: 6, batch_done: 0 });
    expect((await q(t.db, sql`SELECT state FROM batches WHERE id = ${batchId}`))[0]).toEqual({ state: 'open' });

    // A later pass (or another coordinator's) finds it all again, once.
    const finished: string[] = [];
    t.grid.events.on('batch.finished', (e) => finished.push(`${e.batchId}:${e.state}`));
    expect(await assimilatorPass(t.grid)).toBe(6);
    expect(await assimilatorPass(t.grid)).toBe(0);
    expect(await counts()).toEqual({ science: 6, rewards: 6, arm_n: 6, pending: 0, unassimilated: 0, batch_done: 1 });
    expect((await q(t.db, sql`SELECT count(DISTINCT wu_id)::int AS n FROM science_results`))[0]).toEqual({ n: 6 });
    expect((await q(t.db, sql`SELECT state FROM batches WHERE id = ${batchId}`))[0]).toEqual({ state: 'done' });
    expect(finished).toEqual([`${batchId}:done`]);
    // Recording the same rewards again finds nothing to record.
    expect(await t.grid.bandit.recordRewards(null)).toBe(0);
  });

  // PGlite has one connection: every transaction waits for the one before, by design.
  it.skipIf(kind === 'pglite')('a slow assimilation does not hold up validation', async () => {
    const { batchId } = await submitBenchBatch(t.grid, researcher, { n: 4, policy: { minQuorum: 1, adaptive: false } });
    const h = await makeHost(t.db);
    await simulateHost(t.grid, h, { max: 2 });
    expect(await validatorPass(t.grid)).toBe(2);

    let release!: () => void;
    const gate = new Promise<void>((r) => { release = r; });
    let entered!: () => void;
    const inside = new Promise<void>((r) => { entered = r; });
    const slow = assimilatorPass(t.grid, { inTransaction: async () => { entered(); await gate; } });
    await inside; // the assimilator holds its WUs (and their batch) in an open transaction

    await simulateHost(t.grid, h, { max: 2 });
    const validated = await Promise.race([
      validatorPass(t.grid),
      new Promise<'stalled'>((r) => setTimeout(() => r('stalled'), 10_000).unref()),
    ]);
    expect(validated).toBe(2);
    const [open] = await q<{ n: number }>(t.db, sql`SELECT count(*)::int AS n FROM work_units WHERE state = 'done' AND assimilated_at IS NULL`);
    expect(open!.n).toBe(4); // 2 held by the slow pass (not committed yet), 2 just validated

    release();
    expect(await slow).toBe(2);
    expect(await assimilatorPass(t.grid)).toBe(2);
    expect((await q(t.db, sql`SELECT count(*)::int AS n FROM science_results`))[0]).toEqual({ n: 4 });
    expect((await q(t.db, sql`SELECT state FROM batches WHERE id = ${batchId}`))[0]).toEqual({ state: 'done' });
  });
});
