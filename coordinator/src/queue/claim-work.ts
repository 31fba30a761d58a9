import { sql } from 'drizzle-orm';
import type { Db } from '../db/index';

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
 * Claims up to `max` work units for one host in one statement and makes a replica of each.
 * SKIP LOCKED lets several coordinators claim side by side; the NOT EXISTS test and the unique
 * indexes keep two replicas of a WU off one host and one owner. A trusted host (long valid
 * streak, low error rate) takes a fresh adaptive WU alone unless the spot-check draw says
 * otherwise; its quorum then drops to one.
 */
export async function claimWork(db: Db, host: ClaimingHost, max: number, policy: ClaimPolicy): Promise<ClaimedReplica[]> {
  return db.rows<ClaimedReplica>(sql`
    WITH h AS (
      SELECT (consecutive_valid >= ${policy.trustStreak} AND error_rate <= ${policy.trustMaxErrorRate}) AS trusted
        FROM hosts WHERE id = ${host.hostId} AND status = 'active'
    ), picked AS (
      SELECT w.id,
             (h.trusted AND w.adaptive AND w.replicas_sent = 0 AND random() >= ${policy.spotCheckRate}) AS solo,
             (h.trusted AND w.adaptive AND w.replicas_sent = 0) AS eligible
        FROM work_units w CROSS JOIN h
       WHERE w.replicas_needed > 0
         AND w.state IN ('pending', 'running', 'validating')
         AND (w.kernel || '@' || w.kernel_version) IN (SELECT jsonb_array_elements_text(${JSON.stringify(host.kernels)}::jsonb))
         AND (NOT w.needs_gpu OR ${host.gpu})
         AND w.min_memory_mb <= ${host.memoryMb}
         AND NOT EXISTS (SELECT 1 FROM replicas r WHERE r.wu_id = w.id AND (r.host_id = ${host.hostId} OR r.owner_id = ${host.ownerId}))
       ORDER BY w.priority DESC, w.id
       LIMIT ${max}
       FOR UPDATE OF w SKIP LOCKED
    ), upd AS (
      UPDATE work_units w
         SET min_quorum = CASE WHEN p.solo THEN 1 ELSE w.min_quorum END,
             replicas_needed = CASE WHEN p.solo THEN 0 ELSE w.replicas_needed - 1 END,
             replicas_sent = w.replicas_sent + 1,
             state = CASE WHEN w.state = 'pending' THEN 'running'::wu_state ELSE w.state END,
             updated_at = now()
        FROM picked p
       WHERE w.id = p.id
      RETURNING w.id, w.kernel, w.kernel_version, w.params, w.seed, w.inputs, w.cost_estimate, w.delay_bound_seconds
    ), ins AS (
      INSERT INTO replicas (wu_id, host_id, owner_id, state, deadline, spot_check)
      SELECT u.id, ${host.hostId}, ${host.ownerId}, 'in_progress', now() + make_interval(secs => u.delay_bound_seconds), p.eligible AND NOT p.solo
        FROM upd u JOIN picked p ON p.id = u.id
      RETURNING id, wu_id, deadline
    )
    SELECT ins.id AS replica_id, ins.wu_id, ins.deadline, u.kernel, u.kernel_version, u.params, u.seed, u.inputs,
           u.cost_estimate, cp.step AS checkpoint_step, cp.sha256 AS checkpoint_sha256
      FROM ins JOIN upd u ON u.id = ins.wu_id
      LEFT JOIN checkpoints cp ON cp.wu_id = ins.wu_id
     ORDER BY ins.id`);
}
