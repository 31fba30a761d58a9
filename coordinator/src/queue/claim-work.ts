import { sql, type SQL } from 'drizzle-orm';
import { textArray } from '../db/arrays';
import type { Db } from '../db/index';
import { familySql, trustedSql } from '../credit/trust';
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
  /** Solo WUs a trusted host may hold in flight per core (hardware.cores, 1 when unknown). */
  maxSoloPerCore: number;
  /** How long a WU waits for a trusted host before any host may take it (quorum-mix.ts). */
  trustedWaitSeconds?: number;
  /** Per-host quotas (config work.quota); none: unlimited. */
  quota?: { inProgressPerCore: number; dailyPerCore: number };
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
  /** The checkpoint's provenance: the replica and host that made (and signed) it, and that host's key. */
  checkpoint_replica_id: number | null;
  checkpoint_host_id: string | null;
  checkpoint_public_key: { kty: string; crv: string; x: string } | null;
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
 * indexes keep two replicas of a WU off one host and one owner. A host trusted in the WU's kernel
 * family (credit/trust.ts) takes a fresh adaptive WU alone unless the spot-check draw says
 * otherwise, and only while it holds fewer than maxSoloPerCore x cores solo WUs; its quorum then
 * drops to one. The rest of its claim is replicated as usual. Untrusted hosts pair only with a
 * trusted one, or raise the quorum where nobody trusted is about (quorum-mix.ts).
 */
export async function claimWork(db: Db, host: ClaimingHost, max: number, policy: ClaimPolicy, filter: ClaimFilter = {}): Promise<ClaimedReplica[]> {
  // One claim per host at a time, on any coordinator: the solo room counts the host's solo WUs
  // in flight, and two claims reading it side by side (an agent's request and an idle-list pass)
  // would each see room for the whole bound. The claim is a new statement after the lock, so its
  // snapshot sees the claim before it.
  return db.transaction(async (tx) => {
    await tx.rows(sql`SELECT pg_advisory_xact_lock(hashtext(${`nfl-grid.claim:${host.hostId}`}))`);
    const room = policy.quota ? await quotaRoom(tx, host.hostId, policy.quota) : max;
    if (room <= 0) return [];
    return tx.rows<ClaimedReplica>(claimSql(host, Math.min(max, room), policy, filter));
  });
}

/**
 * What the host may still take under its quotas: replicas in progress per core, and replicas
 * sent in the last 24 hours per core scaled by its quota_scale (at least one a day). A bound of
 * 0 is no bound.
 */
export async function quotaRoom(db: Pick<Db, 'rows'>, hostId: string, quota: NonNullable<ClaimPolicy['quota']>): Promise<number> {
  const [row] = await db.rows<{ room: number }>(sql`
    WITH host AS (
      SELECT ${HOST_CORES_SQL} AS cores, quota_scale FROM hosts WHERE id = ${hostId}
    )
    SELECT greatest(0, least(
             CASE WHEN ${quota.inProgressPerCore} > 0 THEN floor(${quota.inProgressPerCore} * cores)::int
               - (SELECT count(*)::int FROM replicas WHERE host_id = ${hostId} AND state = 'in_progress') END,
             CASE WHEN ${quota.dailyPerCore} > 0 THEN greatest(1, floor(${quota.dailyPerCore} * cores * quota_scale))::int
               - (SELECT count(*)::int FROM replicas WHERE host_id = ${hostId} AND sent_at > now() - interval '1 day') END,
             2147483647
           )) AS room
      FROM host`);
  return row ? Number(row.room) : 0;
}

/** A host's cores as it reported them (hardware.cores), 1 when unknown. */
const HOST_CORES_SQL = sql.raw(`CASE WHEN jsonb_typeof(hardware->'cores') = 'number' THEN greatest(1, (hardware->>'cores')::float8) ELSE 1 END`);

/** The claim statement itself (exported so its plan can be inspected). */
export function claimSql(host: ClaimingHost, max: number, policy: ClaimPolicy, filter: ClaimFilter = {}): SQL {
  // The plan must be: walk the partial claim index in order, test each row, stop at `max`.
  // So the host's trust is a one-time subquery (not a join), and the "no replica here yet"
  // tests are OFFSET 0 subqueries, which the planner keeps as per-row filters instead of turning
  // them into anti joins that would read and sort the whole queue.
  // Whether the claiming host is trusted in the family of the WU `w` (a one-time CTE, per row a lookup).
  const CLAIMER_TRUSTED = sql`(${familySql(sql`w.kernel`)} IN (SELECT family FROM trusted))`;
  return sql`
    WITH host AS MATERIALIZED (
      SELECT ${HOST_CORES_SQL} AS cores
        FROM hosts WHERE id = ${host.hostId} AND status = 'active'
    ), trusted AS MATERIALIZED (
      -- The kernel families this host is trusted with.
      SELECT f.family FROM host_reliability f
       WHERE f.host_id = ${host.hostId} AND ${trustedSql(sql`f.host_id`, sql`f.family`, policy)}
    ), solo_room AS MATERIALIZED (
      -- Solo WUs it may still take: the bound per core, less those it holds.
      SELECT greatest(0, floor(${policy.maxSoloPerCore} * (SELECT cores FROM host))::int
                         - (SELECT count(*)::int FROM replicas WHERE host_id = ${host.hostId} AND solo AND state = 'in_progress')) AS n
    ), ${quorumMixCtes(policy)} picked AS (
      SELECT w.id,
             (${CLAIMER_TRUSTED} AND w.adaptive AND w.replicas_sent = 0) AS eligible,
             random() AS draw,
             ${bootstrapRaiseSql(CLAIMER_TRUSTED, policy)} AS raise
        FROM work_units w
       -- replicas_needed is zero in every final state, so this alone selects live WUs, straight
       -- from the partial index in claim order.
       WHERE w.replicas_needed > 0
         AND EXISTS (SELECT 1 FROM host)
         AND w.kernel_ref = ANY(${textArray(host.kernels)})
         ${filter.kernel ? sql`AND w.kernel_ref = ${filter.kernel}` : sql``}
         AND (NOT w.needs_gpu OR ${host.gpu})
         ${gpuFirstSql(host)}
         AND w.min_memory_mb <= ${host.memoryMb}
         -- Two probes, each exactly one of the unique indexes (wu_id, host_id) and (wu_id, owner_id).
         AND NOT EXISTS (SELECT 1 FROM replicas r WHERE r.wu_id = w.id AND r.host_id = ${host.hostId} OFFSET 0)
         AND NOT EXISTS (SELECT 1 FROM replicas r WHERE r.wu_id = w.id AND r.owner_id = ${host.ownerId} OFFSET 0)
         ${quorumMixSql(CLAIMER_TRUSTED, policy, policy.trustedWaitSeconds)}
       ORDER BY w.priority DESC NULLS LAST, w.id  -- exactly the claim index's order
       LIMIT ${max}
       FOR UPDATE OF w SKIP LOCKED
    ), drawn AS (
      SELECT id, eligible, raise, eligible AND draw >= ${policy.spotCheckRate} AS wants_solo FROM picked
    ), decided AS (
      -- The spot-check draw is made for every eligible WU alike; past the host's solo room a WU it
      -- drew solo is replicated, and nothing in its packet says which way it went.
      SELECT id, eligible, raise,
             wants_solo AND row_number() OVER (PARTITION BY wants_solo ORDER BY id) <= (SELECT n FROM solo_room) AS solo
        FROM drawn
    ), upd AS (
      UPDATE work_units w
         SET min_quorum = CASE WHEN p.solo THEN 1 WHEN p.raise THEN w.min_quorum + 1 ELSE w.min_quorum END,
             replicas_needed = CASE WHEN p.solo THEN 0 WHEN p.raise THEN w.replicas_needed ELSE w.replicas_needed - 1 END,
             replicas_sent = w.replicas_sent + 1,
             needs_trusted = w.needs_trusted AND NOT ${CLAIMER_TRUSTED},
             state = CASE WHEN w.state = 'pending' THEN 'running'::wu_state ELSE w.state END,
             updated_at = now()
        FROM decided p
       WHERE w.id = p.id
      RETURNING w.id, w.kernel, w.kernel_version, w.params, w.seed, w.inputs, w.cost_estimate, w.delay_bound_seconds, w.replicas_needed
    ), ins AS (
      -- The WU's uploaded checkpoint is handed on only to a replicated claim, only once, and only
      -- when its uploader has stopped (gave up, errored or timed out; see resumedFrom); only when
      -- its maker is trusted now in the WU's family (a resumed result rests on the maker's
      -- unreplicated steps), and never to the last replica a quorum needs unless another live
      -- replica started from scratch.
      INSERT INTO replicas (wu_id, host_id, owner_id, state, deadline, spot_check, solo, resumed_from)
      SELECT u.id, ${host.hostId}, ${host.ownerId}, 'in_progress', now() + make_interval(secs => u.delay_bound_seconds), p.eligible AND NOT p.solo, p.solo,
             (SELECT cp.replica_id FROM checkpoints cp JOIN replicas up ON up.id = cp.replica_id
               WHERE cp.wu_id = u.id AND NOT p.solo
                 AND up.state IN ('timed_out', 'abandoned', 'errored', 'cancelled')
                 AND NOT EXISTS (SELECT 1 FROM replicas x WHERE x.resumed_from = cp.replica_id)
                 AND ${trustedSql(sql`up.host_id`, familySql(sql`u.kernel`), policy)}
                 AND (u.replicas_needed > 0
                      OR EXISTS (SELECT 1 FROM replicas s WHERE s.wu_id = u.id AND s.resumed_from IS NULL
                                    AND s.state IN ('in_progress', 'reported') AND s.validate_state <> 'invalid')))
        FROM upd u JOIN decided p ON p.id = u.id
      RETURNING id, wu_id, deadline, resumed_from
    )
    SELECT ins.id AS replica_id, ins.wu_id, ins.deadline, u.kernel, u.kernel_version, u.params, u.seed, u.inputs,
           u.cost_estimate, cp.step AS checkpoint_step, cp.sha256 AS checkpoint_sha256,
           maker.id AS checkpoint_replica_id, maker.host_id AS checkpoint_host_id, mh.public_key AS checkpoint_public_key
      FROM ins JOIN upd u ON u.id = ins.wu_id
      LEFT JOIN checkpoints cp ON cp.wu_id = ins.wu_id AND cp.replica_id = ins.resumed_from
      LEFT JOIN replicas maker ON maker.id = cp.replica_id
      LEFT JOIN hosts mh ON mh.id = maker.host_id
     ORDER BY ins.id`;
}
