import { sql, type SQL } from 'drizzle-orm';
import { int8Array, textArray } from '../db/arrays';
import type { Tx } from '../db/index';
import { familySql, trustedSql, type TrustPolicy } from '../credit/trust';
import type { ReportedReplica, WorkUnitForValidation } from '../daemons/decide';
import { loadResumeLineage } from './resume-lineage';

export interface WuRow extends WorkUnitForValidation {
  kernelRef: string;
  batchId: string;
  seq: number;
  params: unknown;
}

export interface ReplicaRow extends ReportedReplica {
  wuId: number;
  ownerId: string;
  grantedCredit: number | null;
  /** CPU time as counted (the bounded claim), added to the host's total when the replica is valid. */
  cpuSeconds: number;
}

/**
 * Locks up to `limit` WUs that need validation (skipping ones another validator holds). A WU of a
 * kernel in `checked` (kernels with Kernel.verify) waits until each of its reported replicas has
 * been checked (queue/record-checks.ts).
 */
export async function lockWorkUnitsToValidate(tx: Tx, limit: number, checked: string[] = []): Promise<WuRow[]> {
  const rows = await tx.rows<Record<string, any>>(sql`
    SELECT w.id, w.kernel || '@' || w.kernel_version AS kernel_ref, w.batch_id, w.seq, w.params,
           w.min_quorum, w.base_quorum, w.replicas_sent, w.replicas_needed, w.max_total_replicas,
           w.cost_estimate, w.canonical_replica_id,
           -- FILTER rather than WHERE: the lookup must go by wu_id alone, never by the state index.
           (SELECT (count(*) FILTER (WHERE r.state = 'in_progress'))::int FROM replicas r WHERE r.wu_id = w.id) AS in_progress
      FROM work_units w
     WHERE w.needs_validation
       AND NOT (w.kernel_ref = ANY(${textArray(checked)})
                AND EXISTS (SELECT 1 FROM replicas r WHERE r.wu_id = w.id AND r.state = 'reported' AND r."check" IS NULL))
     ORDER BY w.id
     LIMIT ${limit}
     FOR UPDATE OF w SKIP LOCKED`);
  return rows.map((r) => ({
    id: r.id, kernelRef: r.kernel_ref, batchId: r.batch_id, seq: r.seq, params: r.params,
    minQuorum: r.min_quorum, baseQuorum: r.base_quorum, replicasSent: r.replicas_sent, replicasNeeded: r.replicas_needed,
    maxTotalReplicas: r.max_total_replicas, costEstimate: r.cost_estimate, canonicalReplicaId: r.canonical_replica_id,
    inProgress: r.in_progress, canonicalOutput: null, canonicalSha256: null, canonicalGranted: null,
  }));
}

/** Reported replicas of these WUs, with whether each host is trusted now in the WU's kernel family, and what each was resumed from. */
export async function loadReportedReplicas(tx: Tx, wuIds: number[], trust: TrustPolicy): Promise<ReplicaRow[]> {
  const rows = await tx.rows<Record<string, any>>(sql`
    SELECT r.id, r.wu_id, r.host_id, r.owner_id, r.validate_state, r.output, r.output_sha256, r.claimed_credit, r.granted_credit, r.cpu_seconds, r."check", r.resumed_from,
           ${trustedSql(sql`r.host_id`, familySql(sql`w.kernel`), trust)} AS trusted
      FROM replicas r JOIN work_units w ON w.id = r.wu_id
     WHERE r.wu_id = ANY(${int8Array(wuIds)})
       AND r.state = 'reported'`);
  const lineage = await loadResumeLineage(tx, rows.filter((r) => r.resumed_from !== null).map((r) => Number(r.id)), trust);
  return rows.map((r) => ({
    id: r.id, wuId: r.wu_id, hostId: r.host_id, ownerId: r.owner_id, validateState: r.validate_state, output: r.output,
    outputSha256: r.output_sha256, claimedCredit: r.claimed_credit ?? 0, grantedCredit: r.granted_credit, cpuSeconds: r.cpu_seconds ?? 0, hostTrusted: r.trusted,
    check: r.check ?? null, resumedFrom: lineage.get(Number(r.id)) ?? [],
  }));
}

/**
 * Per kernel (`name@version`): distinct volunteers with an active host (who could still report),
 * and whether some trusted host that runs it is online (`trusted` is quorum-mix's hostTrustedSql, in the kernel's family).
 */
export async function hostsByKernel(tx: Tx, trusted: (alias: string, family: SQL) => SQL): Promise<Map<string, { volunteers: number; trustedOnline: boolean }>> {
  const rows = await tx.rows<{ ref: string; n: number; t: boolean }>(sql`
    SELECT k.ref, count(DISTINCT h.owner_id)::int AS n, bool_or(h.online AND ${trusted('h', familySql(sql`k.ref`))}) AS t
      FROM hosts h, jsonb_array_elements_text(h.kernels) AS k(ref)
     WHERE h.status = 'active'
     GROUP BY k.ref`);
  return new Map(rows.map((r) => [r.ref, { volunteers: Number(r.n), trustedOnline: r.t === true }]));
}

/**
 * Per WU: the volunteers who held a replica of it and can give it no result now (the replica gave
 * up, errored, timed out or was cancelled, or its result was judged invalid); one replica per
 * volunteer per WU, so each counts once.
 */
export async function spentVolunteers(tx: Tx, wuIds: number[]): Promise<Map<number, number>> {
  const rows = await tx.rows<{ wu_id: number; n: number }>(sql`
    SELECT wu_id, count(DISTINCT owner_id)::int AS n FROM replicas
     WHERE wu_id = ANY(${int8Array(wuIds)})
       AND (state NOT IN ('in_progress', 'reported') OR validate_state = 'invalid')
     GROUP BY wu_id`);
  return new Map(rows.map((r) => [Number(r.wu_id), Number(r.n)]));
}
