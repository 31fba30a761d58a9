import { sql } from 'drizzle-orm';
import type { Rng } from '@nfl-grid/shared/math/rng';
import { int8Array } from '../db/arrays';
import type { Db, Tx } from '../db/index';
import { rewardFor, type RewardFunction, type RewardWu } from './reward';
import { trackerRewards } from './tracker-reward';

/*
 * Rewards of finished WUs into the arms' statistics. A WU dispatched through the bandit has a
 * bandit_pending row; the statement that records its reward deletes that row, so each reward is
 * counted once however many coordinators try (the losers find the row gone), and the arm's
 * counters move by SQL increments only.
 */

const BATCH = 500;

/** Finished (done or failed) WUs still pending a reward: the given ones, or any already assimilated (the sweep). */
async function loadFinished(db: Pick<Tx, 'rows'>, wuIds: number[] | null): Promise<RewardWu[]> {
  const rows = await db.rows<{
    id: number; arm: string; batch_id: string; params: unknown; state: string; cost_estimate: number;
    cpu_seconds: number; valid: number; invalid: number; errored: number;
  }>(sql`
    SELECT p.wu_id AS id, p.arm, w.batch_id, w.params, w.state::text AS state, w.cost_estimate,
           coalesce(sum(r.cpu_seconds) FILTER (WHERE r.state = 'reported'), 0)::float8 AS cpu_seconds,
           (count(r.id) FILTER (WHERE r.validate_state = 'valid'))::int AS valid,
           (count(r.id) FILTER (WHERE r.validate_state = 'invalid'))::int AS invalid,
           (count(r.id) FILTER (WHERE r.state = 'errored'))::int AS errored
      FROM bandit_pending p
      JOIN work_units w ON w.id = p.wu_id
      LEFT JOIN replicas r ON r.wu_id = w.id
     WHERE w.state IN ('done', 'failed')
       -- The sweep takes only WUs the assimilator has been through, so the tracker's point is in.
       ${wuIds ? sql`AND p.wu_id = ANY(${int8Array(wuIds)})` : sql`AND w.assimilated_at IS NOT NULL`}
     GROUP BY p.wu_id, p.arm, w.id
     ORDER BY p.wu_id
     LIMIT ${BATCH}`);
  return rows.map((r) => ({
    id: r.id, arm: r.arm, batchId: r.batch_id, params: r.params, outcome: r.state === 'done' ? 'validated' : 'failed',
    costEstimate: r.cost_estimate, cpuHours: r.cpu_seconds / 3600,
    validReplicas: r.valid, invalidReplicas: r.invalid, erroredReplicas: r.errored, trackerReward: null,
  }));
}

async function applyRewards(db: Pick<Tx, 'rows'>, rewards: { wu: number; reward: number; outcome: string; succ: number }[]): Promise<number> {
  const rows = await db.rows<{ n: number }>(sql`
    WITH d AS (
      SELECT * FROM jsonb_to_recordset(${JSON.stringify(rewards)}::jsonb) AS d(wu int8, reward float8, outcome text, succ int)
    ), del AS (
      DELETE FROM bandit_pending p USING d WHERE p.wu_id = d.wu
      RETURNING p.wu_id, p.arm, p.decision_id, p.propensity
    ), ins AS (
      INSERT INTO bandit_rewards (wu_id, arm, decision_id, propensity, reward, outcome)
      SELECT del.wu_id, del.arm, del.decision_id, del.propensity, d.reward, d.outcome FROM del JOIN d ON d.wu = del.wu_id
      ON CONFLICT (wu_id) DO NOTHING
      RETURNING wu_id, arm, propensity, reward, outcome
    ), s AS (
      SELECT ins.arm, count(*) AS n, sum(ins.reward) AS total, sum(ins.reward * ins.reward) AS sq,
             sum(d.succ) AS succ, sum((1 - ins.reward) / greatest(ins.propensity, 1e-9)) AS iwl,
             count(*) FILTER (WHERE ins.outcome = 'validated') AS validated,
             count(*) FILTER (WHERE ins.outcome = 'failed') AS failed
        FROM ins JOIN d ON d.wu = ins.wu_id GROUP BY ins.arm
    ), upd AS (
      UPDATE bandit_arms a SET n = a.n + s.n, reward_sum = a.reward_sum + s.total, reward_sq_sum = a.reward_sq_sum + s.sq,
             successes = a.successes + s.succ, iw_loss_sum = a.iw_loss_sum + s.iwl,
             validated = a.validated + s.validated, failed = a.failed + s.failed, updated_at = now()
        FROM s WHERE a.arm = s.arm
      RETURNING s.n
    )
    SELECT coalesce(sum(n), 0)::int AS n FROM upd`);
  return rows[0]?.n ?? 0;
}

export interface RewardOptions {
  /** Replaces the default reward (bandit.setRewardFunction). */
  rewardFn?: RewardFunction | null;
  /**
   * Without it, a failing tracker read fails the call (inside a transaction it must: the
   * transaction is aborted). With it, the error is reported and rewards use the fallback.
   */
  onTrackerError?: (e: unknown) => void;
}

/**
 * Records the rewards of the given finished WUs (or, with null, of any finished WU still
 * pending: the sweep that catches rewards an event missed). `db` may be a transaction (the
 * assimilator's). Returns how many were recorded.
 */
export async function recordRewards(db: Pick<Tx, 'rows'>, rng: Rng, wuIds: number[] | null, opts: RewardOptions = {}): Promise<number> {
  let total = 0;
  for (let offset = 0; ; offset += BATCH) {
    const slice = wuIds ? wuIds.slice(offset, offset + BATCH) : null;
    if (slice && slice.length === 0) break;
    const wus = await loadFinished(db, slice);
    if (wus.length === 0) {
      if (slice) continue;
      break;
    }
    const validated = wus.filter((w) => w.outcome === 'validated').map((w) => w.id);
    let tracker = new Map<number, number>();
    if (opts.onTrackerError) {
      try {
        tracker = await trackerRewards(db, validated);
      } catch (e) {
        opts.onTrackerError(e);
      }
    } else {
      tracker = await trackerRewards(db, validated);
    }
    for (const w of wus) w.trackerReward = tracker.get(w.id) ?? null;
    const rewards = wus.map((w) => {
      const reward = rewardFor(w, opts.rewardFn);
      return { wu: w.id, reward, outcome: w.outcome, succ: rng.next() < reward ? 1 : 0 };
    });
    const n = await applyRewards(db, rewards);
    total += n;
    // The sweep stops when a pass records nothing new (another coordinator got there first).
    if (!slice && (n === 0 || wus.length < BATCH)) break;
  }
  return total;
}

/** Pending pulls whose WU was cancelled will never earn a reward: drop them (counted per arm). */
export async function dropCancelled(db: Db): Promise<number> {
  const rows = await db.rows<{ n: number }>(sql`
    WITH del AS (
      DELETE FROM bandit_pending p USING work_units w
       WHERE w.id = p.wu_id AND w.state = 'cancelled'
      RETURNING p.arm
    ), s AS (SELECT arm, count(*) AS n FROM del GROUP BY arm), upd AS (
      UPDATE bandit_arms a SET dropped = a.dropped + s.n, updated_at = now() FROM s WHERE a.arm = s.arm RETURNING s.n
    )
    SELECT coalesce(sum(n), 0)::int AS n FROM upd`);
  return rows[0]?.n ?? 0;
}
