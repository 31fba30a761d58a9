import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import type { WorkItem } from '@nfl-grid/shared/protocol/work-packet';
import { assimilatorPass } from '../coordinator/src/daemons/assimilator';
import { makeHost, makeUser, openTestApp, type TestApp, type TestHost } from './support/grid-fixtures';
import { BENCH, SEASON, sessionFor, submitArmBatch, type TestSession, volunteerRound } from './support/volunteers';
import { createScheduler } from '../coordinator/src/daemons/scheduler';
import { transitionerPass } from '../coordinator/src/daemons/transitioner';
import { validatorPass } from '../coordinator/src/daemons/validator';
import { dbKinds } from './support/test-db';

/*
 * The bandit scheduler end to end: real WUs of two kernels (bench.hash@1 and mc.season@1), the
 * real scheduler signing packets, volunteers that verify them, run the real kernels on the real
 * data and report, the real validator and transitioner, and the admin API. The reward function
 * stands in for the performance tracker: bench.hash results are worth a steady 0.5, while each
 * mc.season result is worth more than the last (the model is improving fast).
 *
 * Phase 1: dispatch shifts toward mc.season. Phase 2: an admin swaps in Thompson sampling, then
 * a batch of mc.season WUs whose params make the kernel throw on the hosts arrives; the error
 * rate guardrail caps mc.season and rolls the new strategy back.
 */

let t: TestApp | null = null;
afterEach(async () => {
  await t?.close();
  t = null;
});

describe.each(dbKinds())('bandit scheduler end to end on %s', (kind) => {
  it('shifts dispatch toward the arm improving fastest; a failing arm trips a guardrail that rolls back the new strategy', async () => {
    t = await openTestApp(kind);
    const grid = t.grid;
    const bandit = grid.bandit;
    bandit.reseed(20240917);
    // Hosts here fail on purpose; the daily quota, halved on each error, would starve them before
    // the guardrail sees enough failures (claim-quota.test.ts tests the quota): no daily quota.
    grid.config.work.quota.dailyPerCore = 0;
    const scheduler = createScheduler(grid);
    let seasonResults = 0;
    bandit.setRewardFunction((wu) => {
      if (wu.outcome !== 'validated') return 0;
      if (wu.arm === BENCH) return 0.45 + ((wu.id * 7919) % 11) / 100;
      seasonResults++;
      return Math.min(0.95, 0.2 + 0.04 * seasonResults);
    });

    const researcher = await makeUser(grid.db, { role: 'researcher' });
    await submitArmBatch(grid, researcher, 'bench', { n: 200 });
    await submitArmBatch(grid, researcher, 'season', { n: 300 });
    const vols: { h: TestHost; s: TestSession }[] = await Promise.all([0, 1, 2].map(async () => {
      const h = await makeHost(grid.db, { kernels: [BENCH, SEASON] });
      return { h, s: await sessionFor(h) };
    }));
    // The kernel throws for sigma 29.5 (phase 2's batch): the host reports a kernel error.
    const fails = (i: WorkItem) => i.kernel === SEASON && (i.params as { sigma?: number }).sigma === 29.5;
    const round = async (transitions = false) => {
      for (const v of vols) await volunteerRound(grid, (s, m) => scheduler.requestWork(s, m), v.s, v.h, { max: 4, fails });
      while (await validatorPass(grid) > 0);
      if (transitions) await transitionerPass(grid); // fails WUs that errored on too many hosts
      while (await assimilatorPass(grid) > 0);
      await bandit.settled();
    };
    /** mc.season's share of the replicas dispatched by decisions after `fromId` (up to `toId`, of one strategy). */
    const seasonShare = async (fromId: number, toId = Number.MAX_SAFE_INTEGER, strategy: string | null = null) => {
      const [r] = await grid.db.rows<{ s: number; n: number }>(sql`
        SELECT coalesce(sum(replicas) FILTER (WHERE arm = ${SEASON}), 0)::int AS s, coalesce(sum(replicas), 0)::int AS n
          FROM bandit_decisions WHERE id > ${fromId} AND id <= ${toId} AND (${strategy}::text IS NULL OR strategy = ${strategy})`);
      return r!.n > 0 ? r!.s / r!.n : NaN;
    };
    const lastDecision = async () => (await grid.db.rows<{ id: number }>(sql`SELECT coalesce(max(id), 0)::int AS id FROM bandit_decisions`))[0]!.id;

    // Phase 1: 14 rounds of 3 hosts under the default ε-greedy (ε = 0.2).
    for (let r = 0; r < 14; r++) await round();
    const early = await seasonShare(0, 9); // rounds 1–3
    const late = await seasonShare(9 * 3); // rounds 10–14
    expect(late).toBeGreaterThan(0.65);
    expect(late - early).toBeGreaterThan(0.3);
    const view = (await t.call('GET', '/api/v1/bandit?bucketSeconds=60&buckets=10')).body;
    expect(view.bestArm).toBe(SEASON);
    const arm = (name: string) => view.arms.find((a: { arm: string }) => a.arm === name);
    expect(arm(SEASON).mean).toBeGreaterThan(arm(BENCH).mean);
    for (const a of view.arms) {
      expect(a.ci.lower).toBeLessThanOrEqual(a.mean);
      expect(a.ci.upper).toBeGreaterThanOrEqual(a.mean);
    }
    expect(view.exploration.share).toBeGreaterThan(0.1);
    expect(view.exploration.share).toBeLessThan(0.35);
    expect(view.regret.cumulative).toBeGreaterThan(0);
    const dispatched = view.dispatch.buckets.reduce((s: number, b: { total: number }) => s + b.total, 0);
    expect(dispatched).toBe(view.arms.reduce((s: number, a: { replicas: number }) => s + a.replicas, 0));

    // Phase 2: tighter guardrail windows, Thompson sampling swapped in by an admin, then the failing batch.
    expect((await t.call('PUT', '/api/v1/bandit/guardrails', { body: { minSamples: 8, windowReplicas: 60, checkIntervalMs: 100 } })).status).toBe(200);
    const swap = await t.call('PUT', '/api/v1/bandit/strategy', { body: { strategy: 'thompson-beta' } });
    expect(swap.status).toBe(200);
    expect(swap.body).toMatchObject({ strategy: 'thompson-beta', previous: { strategy: 'epsilon-greedy' } });
    const swappedAt = await lastDecision();
    await submitArmBatch(grid, researcher, 'season', { n: 60, priority: 5, params: { nSims: 10, simsPerStep: 10, sigma: 29.5 } });
    let tripped = false;
    for (let r = 0; r < 8 && !tripped; r++) {
      await round(true);
      await new Promise((res) => setTimeout(res, 120)); // past checkIntervalMs: the next request runs the upkeep
      tripped = (await bandit.state(true)).lastGuardrail !== null;
    }
    expect(tripped).toBe(true);
    // Thompson sampling went for the arm with the best record (the trip may come in the middle of a round).
    expect(await seasonShare(swappedAt, Number.MAX_SAFE_INTEGER, 'thompson-beta')).toBeGreaterThan(0.8);

    const after = (await t.call('GET', '/api/v1/bandit')).body;
    expect(after.strategy).toMatchObject({ name: 'epsilon-greedy', changedBy: 'guardrail', reason: 'rollback', previous: { name: 'thompson-beta' } });
    expect(after.guardrails.lastTrip).toMatchObject({ arm: SEASON, kind: 'error_rate', actions: ['cap', 'rollback'], rolledBackFrom: { strategy: 'thompson-beta' } });
    expect(after.guardrails.lastTrip.value).toBeGreaterThan(0.5);
    expect(after.arms.find((a: { arm: string }) => a.arm === SEASON).cap).toMatchObject({ maxShare: 0.05, by: 'guardrail' });
    const events = await grid.db.rows<{ kind: string; actor: string | null; subject: string | null }>(sql`
      SELECT kind, actor, subject FROM events WHERE kind LIKE 'bandit.%' ORDER BY id`);
    const admin = (await grid.db.rows<{ id: string }>(sql`SELECT id FROM users WHERE role = 'admin'`))[0]!.id;
    expect(events).toEqual([
      { kind: 'bandit.guardrails', actor: admin, subject: null },
      { kind: 'bandit.strategy', actor: admin, subject: 'thompson-beta' },
      { kind: 'bandit.rollback', actor: 'guardrail', subject: 'epsilon-greedy' },
      { kind: 'bandit.guardrail', actor: 'guardrail', subject: SEASON },
    ]);

    // After the trip (rolled back to ε-greedy) the capped arm gets no more work while it is over its 5% share; bench does.
    await round(true);
    expect(await seasonShare(swappedAt, Number.MAX_SAFE_INTEGER, 'epsilon-greedy')).toBe(0);
    const [d] = await grid.db.rows<{ strategy: string }>(sql`SELECT strategy FROM bandit_decisions ORDER BY id DESC LIMIT 1`);
    expect(d!.strategy).toBe('epsilon-greedy');
    expect(t.log.records.filter((e) => e.level === 'error')).toEqual([]);
  }, 120_000);
});
