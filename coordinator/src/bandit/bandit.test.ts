import { sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { metricSpec } from '@nfl-grid/shared/performance/metric-specs';
import { normalisedReward } from '@nfl-grid/shared/performance/reward';
import { StrategySpec } from '@nfl-grid/shared/bandit/strategies';
import { makeHost, makeUser, openGridOn, openTestGrid, q, resetData, type TestGrid } from '../../../test/support/grid-fixtures';
import { BENCH, SEASON, sessionFor, submitArmBatch, volunteerRound } from '../../../test/support/volunteers';
import { dbKinds } from '../../../test/support/test-db';
import { createScheduler, type Scheduler } from '../daemons/scheduler';
import { assimilatorPass } from '../daemons/assimilator';
import { validatorPass } from '../daemons/validator';
import { openPostgres } from '../db/index';
import { cancelBatch } from '../queue/cancel-batch';
import { capArmByAdmin, uncapArm } from './caps';
import { decideAndClaim } from './dispatch';
import { setLimits, setStrategy } from './state';

/*
 * The bandit with a real grid and database: decisions and their propensities, fallback, rewards
 * by SQL increments (once each, also with two coordinators), caps, hot swaps and guardrails.
 */

describe.each(dbKinds())('bandit scheduler on %s', (kind) => {
  let t: TestGrid;
  let scheduler: Scheduler;
  let researcher: string;
  beforeAll(async () => {
    t = await openTestGrid(kind);
    // Hosts here fail on purpose; the daily quota, halved on each error, would starve them before
    // a guardrail sees enough (claim-quota.test.ts tests the quota): no daily quota.
    t.grid.config.work.quota.dailyPerCore = 0;
  });
  afterAll(async () => { await t?.close(); });
  beforeEach(async () => {
    await resetData(t.db);
    t.grid.bandit.invalidate();
    researcher = await makeUser(t.db, { role: 'researcher' });
    scheduler = createScheduler(t.grid);
  });
  afterEach(async () => {
    t.grid.bandit.setRewardFunction(null);
    await t.grid.bandit.settled();
    expect(t.grid.log.errors()).toEqual([]);
  });

  const both = () => makeHost(t.db, { kernels: [BENCH, SEASON] });
  // Decision rows are written after the work is sent: wait for the bandit's queue before reading.
  const settledRows = async <T,>(read: () => Promise<T>) => { await t.grid.bandit.settled(); return read(); };
  const decisions = () => settledRows(() => q<{
    id: number; arm: string; propensity: number; probabilities: number[]; candidates: string[]; fallback: string[]; explore: boolean;
    wu_ids: number[]; replicas: number; strategy: string; strategy_version: number; seed: number;
  }>(t.db, sql`SELECT * FROM bandit_decisions ORDER BY id`));
  const arms = async () => new Map((await settledRows(() => q<{
    arm: string; decisions: number; explorations: number; pulls: number; replicas: number; n: number; reward_sum: number; iw_loss_sum: number;
    validated: number; failed: number; dropped: number; cap_share: number | null; cap_reason: string | null;
  }>(t.db, sql`SELECT * FROM bandit_arms ORDER BY arm`))).map((a) => [a.arm, a]));

  /** Runs rounds of every volunteer, then validates and waits for the rewards. */
  async function rounds(n: number, vols: { s: Awaited<ReturnType<typeof sessionFor>>; h: Awaited<ReturnType<typeof both>> }[], opts: Parameters<typeof volunteerRound>[4] = {}) {
    for (let i = 0; i < n; i++) {
      for (const v of vols) await volunteerRound(t.grid, (s, m) => scheduler.requestWork(s, m), v.s, v.h, opts);
      while (await validatorPass(t.grid) > 0);
      while (await assimilatorPass(t.grid) > 0);
      await t.grid.bandit.settled();
    }
  }

  it('records each decision with its propensity, candidates and WU ids, and counts the arm', async () => {
    await submitArmBatch(t.grid, researcher, 'bench', { n: 6 });
    await submitArmBatch(t.grid, researcher, 'season', { n: 5 });
    const h = await both();
    const s = await sessionFor(h);
    const items = await volunteerRound(t.grid, (x, m) => scheduler.requestWork(x, m), s, h, { max: 3 });
    expect(items).toHaveLength(3);
    const [d] = await decisions();
    expect(new Set(items.map((i) => i.kernel))).toEqual(new Set([d!.arm]));
    // No rewards yet: ε-greedy is uniform over the two candidates, and every choice explores.
    expect(d).toMatchObject({
      candidates: [BENCH, SEASON], fallback: [], propensity: 0.5, probabilities: [0.5, 0.5], explore: true,
      wu_ids: items.map((i) => i.wuId).sort((a, b) => a - b), replicas: 3, strategy: 'epsilon-greedy', strategy_version: 1,
    });
    expect((await arms()).get(d!.arm)).toMatchObject({ decisions: 1, explorations: 1, pulls: 3, replicas: 3, n: 0 });
    const pending = await q<{ wu_id: number; decision_id: number; propensity: number }>(t.db, sql`SELECT * FROM bandit_pending ORDER BY wu_id`);
    expect(pending.map((p) => [p.wu_id, p.decision_id, p.propensity])).toEqual(d!.wu_ids.map((w) => [w, d!.id, 0.5]));

    // A host that runs one kernel is offered that arm only (propensity 1).
    const one = await makeHost(t.db, { kernels: [BENCH] });
    await volunteerRound(t.grid, (x, m) => scheduler.requestWork(x, m), await sessionFor(one), one, { max: 2 });
    expect((await decisions())[1]).toMatchObject({ arm: BENCH, candidates: [BENCH], propensity: 1, probabilities: [1] });
  });

  it('falls back to the next arm when the picked one has nothing left, and says so', async () => {
    await submitArmBatch(t.grid, researcher, 'bench', { n: 2 });
    await submitArmBatch(t.grid, researcher, 'season', { n: 5 });
    const h = await both();
    let first: string | null = null;
    const { claimWork } = await import('../queue/claim-work');
    const d = await decideAndClaim(t.db, h.claiming, 2, { trustStreak: 10, trustMaxErrorRate: 0.05, spotCheckRate: 0.1, maxSoloPerCore: 1 }, {
      strategy: StrategySpec.parse({ strategy: 'epsilon-greedy' }), version: 1, capWindow: 100, nextSeed: () => 7,
      // Another host took the first pick's last WU a moment ago.
      claim: async (db, host, max, policy, filter) => {
        if (first === null) { first = filter!.kernel!; return []; }
        return claimWork(db, host, max, policy, filter);
      },
    });
    expect(d!.fallback).toEqual([first]);
    expect(d!.candidates).toEqual([first === BENCH ? SEASON : BENCH]);
    expect(d!.choice.propensity).toBe(1);
    expect(d!.claimed.length).toBe(2);
  });

  it('records rewards when WUs are assimilated (validated or failed), once each, by SQL increments', async () => {
    t.grid.bandit.setRewardFunction((wu) => (wu.arm === BENCH ? 0.25 : 0.75));
    await submitArmBatch(t.grid, researcher, 'bench', { n: 12 });
    await submitArmBatch(t.grid, researcher, 'season', { n: 10 });
    const vols = await Promise.all([0, 1].map(async () => { const h = await both(); return { h, s: await sessionFor(h) }; }));
    await rounds(3, vols);
    const rewards = await q<{ wu_id: number; arm: string; reward: number; propensity: number; outcome: string }>(t.db, sql`SELECT * FROM bandit_rewards ORDER BY wu_id`);
    const done = await q<{ id: number }>(t.db, sql`SELECT id FROM work_units WHERE state = 'done' ORDER BY id`);
    expect(rewards.map((r) => r.wu_id)).toEqual(done.map((w) => w.id));
    const a = await arms();
    for (const arm of [BENCH, SEASON]) {
      const mine = rewards.filter((r) => r.arm === arm);
      expect(a.get(arm)).toMatchObject({ n: mine.length, validated: mine.length, failed: 0 });
      expect(a.get(arm)!.reward_sum).toBeCloseTo(mine.length * (arm === BENCH ? 0.25 : 0.75), 9);
      expect(a.get(arm)!.iw_loss_sum).toBeCloseTo(mine.reduce((s, r) => s + (1 - r.reward) / r.propensity, 0), 9);
    }
    // Again: nothing new (the pending rows are gone).
    expect(await t.grid.bandit.recordRewards(done.map((w) => w.id))).toBe(0);
    expect((await arms()).get(BENCH)!.n).toBe(a.get(BENCH)!.n);

    // A failed WU earns 0.
    const [out] = await q<{ wu_id: number; arm: string }>(t.db, sql`SELECT wu_id, arm FROM bandit_pending LIMIT 1`);
    if (out) {
      await t.db.rows(sql`UPDATE work_units SET state = 'failed', replicas_needed = 0 WHERE id = ${out.wu_id}`);
      while (await assimilatorPass(t.grid) > 0);
      expect((await arms()).get(out.arm)).toMatchObject({ failed: 1, n: a.get(out.arm)!.n + 1 });
      expect((await q<{ reward: number; outcome: string }>(t.db, sql`SELECT reward, outcome FROM bandit_rewards WHERE wu_id = ${out.wu_id}`))[0]).toEqual({ reward: 0, outcome: 'failed' });
    }
  });

  it('rewards half for a clean success and half for the performance tracker\'s ROI (none without a point)', async () => {
    await submitArmBatch(t.grid, researcher, 'bench', { n: 2 });
    const h = await makeHost(t.db, { kernels: [BENCH] });
    await volunteerRound(t.grid, (x, m) => scheduler.requestWork(x, m), await sessionFor(h), h, { max: 2 });
    const [w1, w2] = (await q<{ id: number; batch_id: string }>(t.db, sql`SELECT id, batch_id FROM work_units ORDER BY id`));
    const spec = metricSpec('mc.bankroll@1')!;
    await t.db.rows(sql`INSERT INTO performance_models (key, kernel, family, metric, lower_is_better) VALUES ('m1', 'mc.bankroll@1', '{}'::jsonb, 'x', false)`);
    await t.db.rows(sql`INSERT INTO performance_points (wu_id, model_key, batch_id, ordinal, params, seed, value, compute_hours, gain)
      VALUES (${w1!.id}, 'm1', ${w1!.batch_id}, 1, '{}'::jsonb, 1, 1, 0.01, ${spec.unit * 3})`);
    while (await validatorPass(t.grid) > 0);
    while (await assimilatorPass(t.grid) > 0);
    const rewards = new Map((await q<{ wu_id: number; reward: number }>(t.db, sql`SELECT wu_id, reward FROM bandit_rewards`)).map((r) => [r.wu_id, r.reward]));
    // Half for success: a clean result costing cost/benchmark CPU seconds scores h0/(h0 + hours), h0 = 0.05 h.
    const hours = 200 * 10 / 1e9 / 3600;
    const success = 0.05 / (0.05 + hours);
    // Half for improvement: the tracker's 3 units in 0.01 h = 300 units/h → 300/310; none without a point.
    expect(normalisedReward(spec.unit * 3, spec.unit, 0.01)).toBeCloseTo(300 / 310, 12);
    expect(rewards.get(w1!.id)).toBeCloseTo(0.5 * success + 0.5 * (300 / 310), 12);
    expect(rewards.get(w2!.id)).toBeCloseTo(0.5 * success, 12);
  });

  it('swaps strategy at run time keeping every arm\'s history; decisions carry the new strategy', async () => {
    t.grid.bandit.setRewardFunction(() => 0.5);
    await submitArmBatch(t.grid, researcher, 'bench', { n: 12 });
    await submitArmBatch(t.grid, researcher, 'season', { n: 10 });
    const h = await both();
    const vol = { h, s: await sessionFor(h) };
    await rounds(2, [vol]);
    const before = await arms();
    const admin = await makeUser(t.db, { role: 'admin' });
    const s = await setStrategy(t.db, StrategySpec.parse({ strategy: 'ucb1', params: { c: 1 } }), admin);
    expect(s).toMatchObject({ strategy: { strategy: 'ucb1', params: { c: 1 } }, version: 2, previous: { strategy: 'epsilon-greedy' }, changedBy: admin });
    expect(await arms()).toEqual(before);
    t.grid.bandit.invalidate();
    await rounds(1, [vol]);
    expect((await decisions()).at(-1)).toMatchObject({ strategy: 'ucb1', strategy_version: 2 });
    const [ev] = await q<{ actor: string; subject: string; data: any }>(t.db, sql`SELECT actor, subject, data FROM events WHERE kind = 'bandit.strategy'`);
    expect(ev).toMatchObject({ actor: admin, subject: 'ucb1', data: { from: { strategy: 'epsilon-greedy' }, to: { strategy: 'ucb1', params: { c: 1 } } } });
  });

  it('caps: a 0 cap stops an arm, a positive cap still serves a host nothing else can; uncap restarts its windows', async () => {
    await submitArmBatch(t.grid, researcher, 'bench', { n: 4 });
    await submitArmBatch(t.grid, researcher, 'season', { n: 5 });
    const admin = await makeUser(t.db, { role: 'admin' });
    await capArmByAdmin(t.db, SEASON, 0, 'suspect outputs', admin);
    t.grid.bandit.invalidate();
    const h = await both();
    const s = await sessionFor(h);
    const got: string[] = [];
    for (let i = 0; i < 3; i++) got.push(...(await volunteerRound(t.grid, (x, m) => scheduler.requestWork(x, m), s, h, { max: 2 })).map((w) => w.kernel));
    expect(got).toEqual([BENCH, BENCH, BENCH, BENCH]);
    expect((await decisions()).every((d) => d.candidates.join() === BENCH)).toBe(true);
    // Only the capped arm has work left: a 0 cap keeps it stopped, a positive one lets it serve.
    expect(await scheduler.requestWork(s, 2)).toBe(false);
    await capArmByAdmin(t.db, SEASON, 0.1, 'trickle', admin);
    t.grid.bandit.invalidate();
    expect((await volunteerRound(t.grid, (x, m) => scheduler.requestWork(x, m), s, h, { max: 2 })).map((w) => w.kernel)).toEqual([SEASON, SEASON]);
    expect(await uncapArm(t.db, SEASON, admin)).toBe(true);
    t.grid.bandit.invalidate();
    expect(await uncapArm(t.db, SEASON, admin)).toBe(false);
    const evs = await q<{ kind: string; subject: string; actor: string }>(t.db, sql`SELECT kind, subject, actor FROM events WHERE kind LIKE 'bandit.arm.%' ORDER BY id`);
    expect(evs).toEqual([
      { kind: 'bandit.arm.capped', subject: SEASON, actor: admin },
      { kind: 'bandit.arm.capped', subject: SEASON, actor: admin },
      { kind: 'bandit.arm.uncapped', subject: SEASON, actor: admin },
    ]);
    expect((await arms()).get(SEASON)).toMatchObject({ cap_share: null });
  });

  it('guardrails: a failing arm is capped (no rollback outside probation); one that hogs dispatch is capped at the share limit', async () => {
    t.grid.bandit.setRewardFunction((wu) => (wu.arm === BENCH ? 0.2 : 0.8));
    await submitArmBatch(t.grid, researcher, 'bench', { n: 80 });
    await submitArmBatch(t.grid, researcher, 'season', { n: 40, priority: 1, params: { nSims: 10, simsPerStep: 10, sigma: 29.5 } });
    await setLimits(t.db, { minSamples: 6, windowReplicas: 50, maxShare: 1, checkIntervalMs: 3_600_000 }, null);
    const vols = await Promise.all([[BENCH, SEASON], [BENCH, SEASON], [SEASON]].map(async (kernels) => {
      const h = await makeHost(t.db, { kernels });
      return { h, s: await sessionFor(h) };
    }));
    // Every season WU (sigma 29.5) makes the kernel throw on the host.
    await rounds(3, vols, { fails: (i) => i.kernel === SEASON });
    const [trip] = await t.grid.bandit.checkGuardrails();
    expect(trip).toMatchObject({ arm: SEASON, kind: 'error_rate', value: 1, limit: 0.5, actions: ['cap'], rolledBackFrom: null });
    expect((await arms()).get(SEASON)).toMatchObject({ cap_share: 0.05 });
    expect((await arms()).get(SEASON)!.cap_reason).toMatch(/^guardrail: error rate 1\.000 above the limit 0\.5/);
    const state = await t.grid.bandit.state(true);
    expect(state.strategy.strategy).toBe('epsilon-greedy');
    expect(state.lastGuardrail).toMatchObject({ arm: SEASON, kind: 'error_rate' });
    expect(await t.grid.bandit.checkGuardrails()).toEqual([]); // already capped: acts once

    // A pure greedy strategy sends everything to bench: over maxShare 0.9 → capped at 0.9.
    await setLimits(t.db, { maxShare: 0.9 }, null);
    await uncapArm(t.db, SEASON, 'admin');
    t.grid.bandit.invalidate();
    await capArmByAdmin(t.db, SEASON, 0.5, undefined, 'admin'); // keep it a candidate, but below bench
    await t.db.rows(sql`DELETE FROM bandit_decisions`);
    await setStrategy(t.db, StrategySpec.parse({ strategy: 'epsilon-greedy', params: { epsilon: 0 } }), 'admin');
    await t.db.rows(sql`UPDATE bandit_state SET changed_at = now() - interval '2 hours'`); // past probation
    t.grid.bandit.invalidate();
    await rounds(3, vols, { fails: (i) => i.kernel === SEASON });
    const trips = await t.grid.bandit.checkGuardrails();
    expect(trips.map((x) => [x.arm, x.kind, x.actions])).toEqual([[BENCH, 'share', ['cap']]]);
    expect((await arms()).get(BENCH)!.cap_share).toBe(0.9);
    const kinds = (await q<{ kind: string }>(t.db, sql`SELECT kind FROM events WHERE kind LIKE 'bandit.%' ORDER BY id`)).map((e) => e.kind);
    expect(kinds.filter((k) => k === 'bandit.guardrail')).toHaveLength(2);
    expect(kinds).not.toContain('bandit.rollback');
  });

  it('drops the pending pulls of a cancelled batch', async () => {
    const b = await submitArmBatch(t.grid, researcher, 'bench', { n: 4 });
    const h = await makeHost(t.db, { kernels: [BENCH] });
    expect(await scheduler.requestWork(await sessionFor(h), 3)).toBe(true);
    await cancelBatch(t.grid, b.batchId, researcher);
    await t.grid.bandit.settled();
    expect((await arms()).get(BENCH)).toMatchObject({ pulls: 3, dropped: 3 });
    expect(await q(t.db, sql`SELECT * FROM bandit_pending`)).toEqual([]);
  });

  it('two coordinators on one database: counters add up and each reward counts once', async () => {
    t.grid.bandit.setRewardFunction((wu) => (wu.id % 3) / 2);
    const otherDb = t.url ? await openPostgres(t.url) : t.db;
    const other = await openGridOn(otherDb);
    other.bandit.setRewardFunction((wu) => (wu.id % 3) / 2);
    try {
      const sched2 = createScheduler(other);
      await submitArmBatch(t.grid, researcher, 'bench', { n: 30 });
      await submitArmBatch(t.grid, researcher, 'season', { n: 30 });
      const vols = await Promise.all([0, 1, 2, 3].map(async () => { const h = await both(); return { h, s: await sessionFor(h) }; }));
      for (let r = 0; r < 3; r++) {
        await Promise.all(vols.map((v, i) => volunteerRound(i % 2 ? other : t.grid, (s, m) => (i % 2 ? sched2 : scheduler).requestWork(s, m), v.s, v.h, { max: 3 })));
      }
      await Promise.all([t.grid.bandit.settled(), other.bandit.settled()]); // every decision row written
      // Validate without events, then both coordinators record every reward at once.
      const events = t.grid.events.emit;
      (t.grid.events as { emit: unknown }).emit = () => {};
      try { while (await validatorPass(t.grid) > 0); } finally { (t.grid.events as { emit: unknown }).emit = events; }
      const done = (await q<{ id: number }>(t.db, sql`SELECT id FROM work_units WHERE state = 'done'`)).map((w) => w.id);
      const [n1, n2] = await Promise.all([t.grid.bandit.recordRewards(done), other.bandit.recordRewards(done)]);
      expect(n1 + n2).toBe(done.length);
      const [tot] = await q<{ d: number; r: number; dec: number; pend: number; rew: number; pulls: number; n: number; reps: number; s: number; rs: number }>(t.db, sql`
        SELECT (SELECT count(*)::int FROM bandit_decisions) AS d, (SELECT sum(replicas)::int FROM bandit_decisions) AS r,
               (SELECT sum(decisions)::int FROM bandit_arms) AS dec, (SELECT count(*)::int FROM bandit_pending) AS pend,
               (SELECT count(*)::int FROM bandit_rewards) AS rew, (SELECT sum(pulls)::int FROM bandit_arms) AS pulls,
               (SELECT sum(n)::int FROM bandit_arms) AS n, (SELECT sum(replicas)::int FROM bandit_arms) AS reps,
               (SELECT sum(reward)::float8 FROM bandit_rewards) AS s, (SELECT sum(reward_sum)::float8 FROM bandit_arms) AS rs`);
      expect(tot!.d).toBe(12);
      expect(tot!.dec).toBe(tot!.d);
      expect(tot!.reps).toBe(tot!.r);
      expect(tot!.pulls).toBe(tot!.pend + tot!.rew);
      expect(tot!.n).toBe(tot!.rew);
      expect(tot!.rew).toBe(done.length);
      expect(tot!.rs).toBeCloseTo(tot!.s, 9);
      await other.bandit.settled();
      expect(other.log.errors()).toEqual([]);
    } finally {
      await other.dispose();
      if (otherDb !== t.db) await otherDb.close();
    }
  });
});
