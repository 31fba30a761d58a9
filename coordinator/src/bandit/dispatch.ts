import { sql } from 'drizzle-orm';
import { selectArm, type StrategySpec } from '@nfl-grid/shared/bandit/strategies';
import type { ArmStats } from '@nfl-grid/shared/bandit/arm-stats';
import type { Choice } from '@nfl-grid/shared/bandit/strategy';
import { Rng } from '@nfl-grid/shared/math/rng';
import { textArray } from '../db/arrays';
import type { Db } from '../db/index';
import { claimWork, gpuFirstSql, type ClaimedReplica, type ClaimingHost, type ClaimPolicy } from '../queue/claim-work';

/*
 * One bandit decision per work packet:
 *   candidates  the arms (kernel@version) this host runs that have live work (cached briefly)
 *   caps        capped arms over their share of recent dispatch are left out (unless nothing else is left and their cap is above 0)
 *   select      the strategy in force picks an arm, with its propensity
 *   claim       claimWork filtered to that arm; if it comes back empty (another host was
 *               quicker), the arm is dropped and the strategy picks again among the rest
 *   record      the decision (propensity, candidates, WU ids, seed) and the arm's counters
 */

export interface Candidate { arm: string; stats: ArmStats; capShare: number | null }

/**
 * Arms with live work for hosts of this kind (kernels, GPU, memory), with their statistics and
 * caps. Read at most every CANDIDATE_TTL_MS per kind of host: it runs on every work request, and
 * a host that already holds an arm's remaining WUs simply falls back to the next arm. Each bandit
 * keeps its own cache; rewards, caps and strategy changes made through it drop the cache
 * (forget), so decisions learn at once.
 */
const CANDIDATE_TTL_MS = 250;

export interface CandidateCache {
  arms(db: Db, host: ClaimingHost): Promise<Candidate[]>;
  /** Drops every cached list (after a cap, a strategy change or new rewards). */
  forget(): void;
}

export function createCandidateCache(): CandidateCache {
  const lists = new Map<string, { at: number; generation: number; rows: Promise<Candidate[]> }>();
  let generation = 0;
  return {
    arms(db, host) {
      const key = JSON.stringify([[...host.kernels].sort(), host.gpu, host.memoryMb]);
      const hit = lists.get(key);
      if (hit && hit.generation === generation && Date.now() - hit.at < CANDIDATE_TTL_MS) return hit.rows;
      const rows = readCandidateArms(db, host);
      lists.set(key, { at: Date.now(), generation, rows });
      // "Nothing to do" is never reused: new work must reach idle agents at once.
      rows.then((r) => { if (r.length === 0) lists.delete(key); }, () => lists.delete(key));
      return rows;
    },
    forget() {
      generation++;
      lists.clear();
    },
  };
}

async function readCandidateArms(db: Db, host: ClaimingHost): Promise<Candidate[]> {
  const rows = await db.rows<{
    arm: string; pulls: number; n: number; reward_sum: number; reward_sq_sum: number; successes: number; iw_loss_sum: number; cap_share: number | null;
  }>(sql`
    SELECT k.arm, coalesce(a.pulls, 0) AS pulls, coalesce(a.n, 0) AS n, coalesce(a.reward_sum, 0) AS reward_sum,
           coalesce(a.reward_sq_sum, 0) AS reward_sq_sum, coalesce(a.successes, 0) AS successes,
           coalesce(a.iw_loss_sum, 0) AS iw_loss_sum, a.cap_share
      FROM (SELECT DISTINCT unnest(${textArray(host.kernels)}) AS arm) k
      LEFT JOIN bandit_arms a ON a.arm = k.arm
     WHERE EXISTS (
       -- As in claimWork: replicas_needed > 0 only in live states (the per-kernel claim index).
       SELECT 1 FROM work_units w
        WHERE w.replicas_needed > 0
          AND w.kernel_ref = k.arm
          AND (NOT w.needs_gpu OR ${host.gpu})
          ${gpuFirstSql(host)}
          AND w.min_memory_mb <= ${host.memoryMb})
     ORDER BY k.arm`);
  return rows.map((r) => ({
    arm: r.arm,
    capShare: r.cap_share,
    stats: { pulls: Number(r.pulls), n: Number(r.n), sum: r.reward_sum, sumSq: r.reward_sq_sum, successes: Number(r.successes), iwLoss: r.iw_loss_sum },
  }));
}

/** Each arm's share of the replicas dispatched in the last `window` decisions. */
export async function recentShares(db: Db, window: number): Promise<Map<string, number>> {
  const rows = await db.rows<{ arm: string; n: number }>(sql`
    SELECT arm, sum(replicas)::int AS n FROM bandit_decisions
     WHERE id > (SELECT coalesce(max(id), 0) - ${window} FROM bandit_decisions)
     GROUP BY arm`);
  const total = rows.reduce((s, r) => s + r.n, 0);
  return new Map(rows.map((r) => [r.arm, total > 0 ? r.n / total : 0]));
}

/** Leaves out capped arms at or over their share; keeps those with a positive cap if nothing else remains. */
export async function applyCaps(db: Db, candidates: Candidate[], window: number): Promise<Candidate[]> {
  if (!candidates.some((c) => c.capShare !== null)) return candidates;
  const shares = await recentShares(db, window);
  const open = candidates.filter((c) => c.capShare === null || (shares.get(c.arm) ?? 0) < c.capShare);
  if (open.length > 0) return open;
  return candidates.filter((c) => c.capShare !== null && c.capShare > 0);
}

export interface Decision {
  arm: string;
  choice: Choice;
  candidates: string[];
  fallback: string[];
  seed: number;
  claimed: ClaimedReplica[];
}

export interface DispatchContext {
  strategy: StrategySpec;
  version: number;
  capWindow: number;
  /** A fresh 32-bit seed per decision (crypto random in production, fixed in tests). */
  nextSeed(): number;
  /** The claim (claimWork; tests pass their own to stage a lost race). */
  claim?: typeof claimWork;
  /** The bandit's cache of candidate arms (none: read them now). */
  candidates?: CandidateCache;
}

/** Picks an arm and claims up to `max` of its WUs for the host; falls back to the next pick when an arm has nothing. */
export async function decideAndClaim(db: Db, host: ClaimingHost, max: number, policy: ClaimPolicy, ctx: DispatchContext): Promise<Decision | null> {
  let candidates = await applyCaps(db, await (ctx.candidates ? ctx.candidates.arms(db, host) : readCandidateArms(db, host)), ctx.capWindow);
  const fallback: string[] = [];
  while (candidates.length > 0) {
    const seed = ctx.nextSeed();
    const choice = selectArm(ctx.strategy, candidates.map((c) => c.stats), Rng.create(seed));
    const arm = candidates[choice.arm]!.arm;
    const claimed = await (ctx.claim ?? claimWork)(db, host, max, policy, { kernel: arm });
    if (claimed.length > 0) return { arm, choice, candidates: candidates.map((c) => c.arm), fallback, seed, claimed };
    fallback.push(arm);
    candidates = candidates.filter((c) => c.arm !== arm);
  }
  return null;
}

/**
 * Records a decision in one statement: the decision row, a pending row per WU it first
 * dispatched (a WU already pending keeps its first decision), and the arm's counters.
 */
export async function recordDecision(db: Db, hostId: string, ctx: Pick<DispatchContext, 'strategy' | 'version'>, d: Decision): Promise<number> {
  const wuIds = [...new Set(d.claimed.map((c) => c.wu_id))];
  const propensity = Number.isFinite(d.choice.propensity) ? d.choice.propensity : 1;
  const [row] = await db.rows<{ id: number }>(sql`
    WITH dec AS (
      INSERT INTO bandit_decisions (host_id, strategy, strategy_version, params, arm, propensity, probabilities, candidates, fallback, explore, seed, wu_ids, replicas)
      VALUES (${hostId}, ${ctx.strategy.strategy}, ${ctx.version}, ${JSON.stringify(ctx.strategy.params)}::jsonb, ${d.arm}, ${propensity},
              ${JSON.stringify(d.choice.probabilities)}::jsonb, ${JSON.stringify(d.candidates)}::jsonb, ${JSON.stringify(d.fallback)}::jsonb,
              ${d.choice.explore}, ${d.seed}, ${JSON.stringify(wuIds)}::jsonb, ${d.claimed.length})
      RETURNING id
    ), pend AS (
      INSERT INTO bandit_pending (wu_id, decision_id, arm, propensity)
      SELECT x::int8, dec.id, ${d.arm}, ${propensity} FROM dec, jsonb_array_elements_text(${JSON.stringify(wuIds)}::jsonb) AS x
      ON CONFLICT (wu_id) DO NOTHING
      RETURNING wu_id
    ), arm AS (
      INSERT INTO bandit_arms (arm, decisions, explorations, pulls, replicas)
      VALUES (${d.arm}, 1, ${d.choice.explore ? 1 : 0}, (SELECT count(*) FROM pend), ${d.claimed.length})
      ON CONFLICT (arm) DO UPDATE SET decisions = bandit_arms.decisions + 1, explorations = bandit_arms.explorations + excluded.explorations,
             pulls = bandit_arms.pulls + excluded.pulls, replicas = bandit_arms.replicas + excluded.replicas, updated_at = now()
      RETURNING arm
    )
    SELECT dec.id FROM dec, arm`);
  return row!.id;
}
