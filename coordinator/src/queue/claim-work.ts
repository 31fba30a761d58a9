import { sql, type SQL } from 'drizzle-orm';
import { textArray } from '../db/arrays';
import type { Db } from '../db/index';
import { bootstrapRaiseSql, quorumMixCtes, quorumMixSql } from './quorum-mix';

export interface ClaimingHost {
  hostId: string;
  ownerId: string;
  kernels: string[];
  gpu: boolean;
  memoryMb: number;
}

export interface ClaimPolicy {
  trustStreak: number;
  trustMaxErrorRate: number;
  spotCheckRate: number;
  /** How long a WU waits for a trusted host before any host may take it (quorum-mix.ts). */
  trustedWaitSeconds?: number;
}

export interface ClaimedReplica {
  replica_id: number;
  wu_id: number;
  deadline: Date;
  kernel: string;
  kernel_version: number;
  params: Record<string, unknown>;
  seed: number;
  inputs: { name: string; sha256: string }[];
  cost_estimate: number;
  checkpoint_step: number | null;
  checkpoint_sha256: string | null;
}

/**
 * GPU first. A WU of a kernel that runs faster on a GPU (capabilities.gpu 'optional') is held
 * back from hosts without a GPU backend for its first GPU_FIRST_SECONDS, but only while some
 * active GPU host is online to take it; after that, or with no GPU host about, any host may. So
 * GPU hosts get the first pick of training work and CPU hosts are never starved of it. A host
 * counts as a GPU host by the backend it reported loading (handle-hello.ts), not by its hardware.
 */
export const GPU_FIRST_SECONDS = 120;

/** The GPU-first condition on `w` (a work_units row) for this host, shared with the bandit's arm list. */
export function gpuFirstSql(host: Pick<ClaimingHost, 'gpu'>): SQL {
  if (host.gpu) return sql``;
  return sql`AND (NOT w.prefers_gpu OR w.created_at < now() - make_interval(secs => ${GPU_FIRST_SECONDS})
                  OR NOT EXISTS (SELECT 1 FROM hosts g WHERE g.gpu AND g.online AND g.status = 'active'))`;
}

/** Narrows a claim: `kernel` (`name@version`) takes only that kernel's WUs (the bandit's arm). */
export interface ClaimFilter {
  kernel?: string;
}

/**
 * Claims up to `max` work units for one host in one statement and makes a replica of each.
 * SKIP LOCKED lets several coordinators claim side by side; the NOT EXISTS test and the unique
 * indexes keep two replicas of a WU off one host and one owner. A trusted host (long valid
 * streak, low error rate) takes a fresh adaptive WU alone unless the spot-check draw says
 * otherwise; its quorum then drops to one. Untrusted hosts pair only with a trusted one, or raise
 * the quorum where nobody trusted is about (quorum-mix.ts).
 */
export async function claimWork(db: Db, host: ClaimingHost, max: number, policy: ClaimPolicy, filter: ClaimFilter = {}): Promise<ClaimedReplica[]> {
  return db.rows<ClaimedReplica>(claimSql(host, max, policy, filter));
}

/** The claim statement itself (exported so its plan can be inspected). */
export function claimSql(host: ClaimingHost, max: number, policy: ClaimPolicy, filter: ClaimFilter = {}): SQL {
  // The plan must be: walk the partial claim index in order, test each row, stop at `max`.
  // So the host's trust is a one-time subquery (not a join), and the "no replica here yet"
  // tests are OFFSET 0 subqueries, which the planner keeps as per-row filters instead of turning
  // them into anti joins that would read and sort the whole queue.
  return sql`
    WITH trust AS MATERIALIZED (
      SELECT (consecutive_valid >= ${policy.trustStreak} AND error_rate <= ${policy.trustMaxErrorRate}) AS trusted
        FROM hosts WHERE id = ${host.hostId} AND status = 'active'
    ), ${quorumMixCtes(policy)} picked AS (
      SELECT w.id,
             ((SELECT trusted FROM trust) AND w.adaptive AND w.replicas_sent = 0 AND random() >= ${policy.spotCheckRate}) AS solo,
             ((SELECT trusted FROM trust) AND w.adaptive AND w.replicas_sent = 0) AS eligible,
             ${bootstrapRaiseSql(sql`(SELECT trusted FROM trust)`, policy)} AS raise
        FROM work_units w
       -- replicas_needed is zero in every final state, so this alone selects live WUs, straight
       -- from the partial index in claim order.
       WHERE w.replicas_needed > 0
         AND EXISTS (SELECT 1 FROM trust)
         AND w.kernel_ref = ANY(${textArray(host.kernels)})
         ${filter.kernel ? sql`AND w.kernel_ref = ${filter.kernel}` : sql``}
         AND (NOT w.needs_gpu OR ${host.gpu})
         ${gpuFirstSql(host)}
         AND w.min_memory_mb <= ${host.memoryMb}
         -- Two probes, each exactly one of the unique indexes (wu_id, host_id) and (wu_id, owner_id).
         AND NOT EXISTS (SELECT 1 FROM replicas r WHERE r.wu_id = w.id AND r.host_id = ${host.hostId} OFFSET 0)
         AND NOT EXISTS (SELECT 1 FROM replicas r WHERE r.wu_id = w.id AND r.owner_id = ${host.ownerId} OFFSET 0)
         ${quorumMixSql(sql`(SELECT trusted FROM trust)`, policy, policy.trustedWaitSeconds)}
       ORDER BY w.priority DESC NULLS LAST, w.id  -- exactly the claim index's order
       LIMIT ${max}
       FOR UPDATE OF w SKIP LOCKED
    ), upd AS (
      UPDATE work_units w
         SET min_quorum = CASE WHEN p.solo THEN 1 WHEN p.raise THEN w.min_quorum + 1 ELSE w.min_quorum END,
             replicas_needed = CASE WHEN p.solo THEN 0 WHEN p.raise THEN w.replicas_needed ELSE w.replicas_needed - 1 END,
             replicas_sent = w.replicas_sent + 1,
             needs_trusted = w.needs_trusted AND NOT coalesce((SELECT trusted FROM trust), false),
             state = CASE WHEN w.state = 'pending' THEN 'running'::wu_state ELSE w.state END,
             updated_at = now()
        FROM picked p
       WHERE w.id = p.id
      RETURNING w.id, w.kernel, w.kernel_version, w.params, w.seed, w.inputs, w.cost_estimate, w.delay_bound_seconds
    ), ins AS (
      -- The WU's uploaded checkpoint is handed on only to a replicated claim, only once, and only
      -- when its uploader has stopped (gave up, errored or timed out; see resumedFrom).
      INSERT INTO replicas (wu_id, host_id, owner_id, state, deadline, spot_check, resumed_from)
      SELECT u.id, ${host.hostId}, ${host.ownerId}, 'in_progress', now() + make_interval(secs => u.delay_bound_seconds), p.eligible AND NOT p.solo,
             (SELECT cp.replica_id FROM checkpoints cp JOIN replicas up ON up.id = cp.replica_id
               WHERE cp.wu_id = u.id AND NOT p.solo
                 AND up.state IN ('timed_out', 'abandoned', 'errored', 'cancelled')
                 AND NOT EXISTS (SELECT 1 FROM replicas x WHERE x.resumed_from = cp.replica_id))
        FROM upd u JOIN picked p ON p.id = u.id
      RETURNING id, wu_id, deadline, resumed_from
    )
    SELECT ins.id AS replica_id, ins.wu_id, ins.deadline, u.kernel, u.kernel_version, u.params, u.seed, u.inputs,
           u.cost_estimate, cp.step AS checkpoint_step, cp.sha256 AS checkpoint_sha256
      FROM ins JOIN upd u ON u.id = ins.wu_id
      LEFT JOIN checkpoints cp ON cp.wu_id = ins.wu_id AND cp.replica_id = ins.resumed_from
     ORDER BY ins.id`;
}
