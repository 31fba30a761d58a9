import { sql } from 'drizzle-orm';
import type { ArmView, BanditView } from '@nfl-grid/shared/bandit/api';
import { estimatedRegret, meanInterval } from '@nfl-grid/shared/bandit/arm-summary';
import { strategyCatalogue } from '@nfl-grid/shared/bandit/strategies';
import type { Db } from '../db/index';
import { armHealth } from './guardrails';
import type { BanditState } from './state';

/*
 * GET /api/v1/bandit: the strategy in force, each arm with its mean reward and confidence
 * interval, dispatch per time bucket, estimated regret and exploration share, and the guardrails.
 * Regret and shares count replicas dispatched (the compute the grid spent), weighed with the
 * arms' current mean rewards.
 */

interface ArmRow {
  arm: string; decisions: number; explorations: number; pulls: number; replicas: number; n: number; reward_sum: number; reward_sq_sum: number;
  validated: number; failed: number; dropped: number; cap_share: number | null; cap_reason: string | null; capped_by: string | null; capped_at: Date | string | null;
}

const iso = (d: Date | string) => new Date(d).toISOString();

export async function banditView(db: Db, state: BanditState, q: { bucketSeconds: number; buckets: number }): Promise<BanditView> {
  const rows = await db.rows<ArmRow>(sql`SELECT * FROM bandit_arms ORDER BY arm`);
  const totalReplicas = rows.reduce((s, r) => s + Number(r.replicas), 0);
  const arms: ArmView[] = rows.map((r) => {
    const n = Number(r.n);
    return {
      arm: r.arm, decisions: Number(r.decisions), pulls: Number(r.pulls), replicas: Number(r.replicas),
      pending: Math.max(0, Number(r.pulls) - n - Number(r.dropped)),
      rewards: n, mean: n > 0 ? r.reward_sum / n : null,
      ci: meanInterval({ n, sum: r.reward_sum, sumSq: r.reward_sq_sum }),
      validated: Number(r.validated), failed: Number(r.failed),
      share: totalReplicas > 0 ? Number(r.replicas) / totalReplicas : 0,
      cap: r.cap_share === null ? null : { maxShare: r.cap_share, reason: r.cap_reason, by: r.capped_by, at: r.capped_at ? iso(r.capped_at) : null },
    };
  });
  const est = estimatedRegret(rows.map((r) => ({ pulls: Number(r.replicas), n: Number(r.n), sum: r.reward_sum })));
  const means = new Map(arms.map((a) => [a.arm, a.mean]));
  const gap = (arm: string) => (est.bestMean === null || means.get(arm) == null ? 0 : est.bestMean - means.get(arm)!);

  const b = q.bucketSeconds;
  const bucketRows = await db.rows<{ start: number; arm: string; n: number; explore: number }>(sql`
    SELECT (floor(extract(epoch FROM created_at) / ${b}) * ${b})::float8 AS start, arm,
           sum(replicas)::int AS n, sum(CASE WHEN explore THEN replicas ELSE 0 END)::int AS explore
      FROM bandit_decisions
     WHERE created_at >= now() - make_interval(secs => ${b * q.buckets})
     GROUP BY 1, 2 ORDER BY 1, 2`);
  const byStart = new Map<number, BanditView['dispatch']['buckets'][number]>();
  for (const r of bucketRows) {
    let bucket = byStart.get(r.start);
    if (!bucket) byStart.set(r.start, (bucket = { start: new Date(r.start * 1000).toISOString(), total: 0, explore: 0, arms: {} }));
    bucket.total += r.n;
    bucket.explore += r.explore;
    bucket.arms[r.arm] = r.n;
  }
  const buckets = [...byStart.values()];
  const increments = buckets.map((bk) => Object.entries(bk.arms).reduce((s, [arm, n]) => s + n * gap(arm), 0));
  let running = Math.max(0, est.regret - increments.reduce((s, x) => s + x, 0));
  const regretBuckets = buckets.map((bk, i) => ({ start: bk.start, cumulative: (running += increments[i]!) }));

  const decisions = rows.reduce((s, r) => s + Number(r.decisions), 0);
  const explorations = rows.reduce((s, r) => s + Number(r.explorations), 0);
  const [recent] = await db.rows<{ n: number; e: number }>(sql`
    SELECT count(*)::int AS n, (count(*) FILTER (WHERE explore))::int AS e FROM bandit_decisions
     WHERE id > (SELECT coalesce(max(id), 0) - ${state.limits.windowDecisions} FROM bandit_decisions)`);

  const health = await armHealth(db, state.limits);
  return {
    strategy: {
      name: state.strategy.strategy, params: state.strategy.params, version: state.version, changedAt: state.changedAt.toISOString(),
      changedBy: state.changedBy, reason: state.changeReason,
      previous: state.previous ? { name: state.previous.strategy, params: state.previous.params } : null,
    },
    strategies: strategyCatalogue(),
    arms,
    bestArm: est.best === null ? null : rows[est.best]!.arm,
    regret: { cumulative: est.regret, perPull: totalReplicas > 0 ? est.regret / totalReplicas : 0, buckets: regretBuckets },
    exploration: { share: decisions > 0 ? explorations / decisions : 0, recentShare: recent && recent.n > 0 ? recent.e / recent.n : 0, decisions },
    dispatch: { bucketSeconds: b, buckets },
    guardrails: {
      limits: state.limits,
      lastTrip: state.lastGuardrail,
      arms: health.map((h) => ({ arm: h.arm, errorRate: h.errorRate, invalidRate: h.invalidRate, recentReward: h.recentReward, share: h.share })),
    },
  };
}

/** Recorded rewards per arm (the newest `perArm` of each), for simulations on real data. */
export async function recordedRewards(db: Db, perArm: number): Promise<Record<string, number[]>> {
  const rows = await db.rows<{ arm: string; reward: number }>(sql`
    SELECT arm, reward FROM (
      SELECT arm, reward, row_number() OVER (PARTITION BY arm ORDER BY id DESC) AS k FROM bandit_rewards
    ) x WHERE k <= ${perArm} ORDER BY arm`);
  const out: Record<string, number[]> = {};
  for (const r of rows) (out[r.arm] ??= []).push(r.reward);
  return out;
}
