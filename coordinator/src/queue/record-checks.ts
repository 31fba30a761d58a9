import { sql } from 'drizzle-orm';
import { COBBLESTONES_PER_FLOP } from '../credit/credit-math';
import { textArray } from '../db/arrays';
import type { Db } from '../db/index';

/*
 * The coordinator's checks of reported outputs (Kernel.verify), before the validator compares
 * replicas: which outputs still need one, and writing what was found. Outside the validator's
 * transaction: a check takes seconds on a worker thread and locks nothing; the validator skips a
 * WU until every reported replica of it is checked (lock-for-validation.ts).
 */

export interface UncheckedReplica {
  replicaId: number;
  wuId: number;
  kernelRef: string;
  params: unknown;
  costEstimate: number;
  /** The output as JSON text: the check thread parses it, not the event loop. */
  output: string;
}

/** Reported, unchecked replicas of WUs waiting for validation whose kernel is one of `kernelRefs`. */
export async function listUnchecked(db: Db, kernelRefs: string[], limit: number): Promise<UncheckedReplica[]> {
  if (kernelRefs.length === 0) return [];
  const rows = await db.rows<{ id: number; wu_id: number; kernel_ref: string; params: unknown; cost_estimate: number; output: string | null }>(sql`
    SELECT r.id, r.wu_id, w.kernel_ref, w.params, w.cost_estimate, r.output::text AS output
      FROM work_units w JOIN replicas r ON r.wu_id = w.id
     WHERE w.needs_validation AND w.kernel_ref = ANY(${textArray(kernelRefs)})
       AND r.state = 'reported' AND r.check IS NULL
     ORDER BY r.id
     LIMIT ${limit}`);
  return rows.map((r) => ({
    replicaId: r.id, wuId: r.wu_id, kernelRef: r.kernel_ref, params: r.params, costEstimate: Number(r.cost_estimate), output: r.output ?? 'null',
  }));
}

export interface ReplicaCheck {
  replicaId: number;
  ok: boolean;
  reason: string | null;
  rescored: Record<string, unknown> | null;
  /** Work the output shows, in flops (at most the WU's estimate): the claim becomes its credit. */
  workFlops: number | null;
}

/** Writes checks once (a replica already checked keeps its first), with the claim for work done. */
export async function recordChecks(db: Db, checks: ReplicaCheck[]): Promise<void> {
  if (checks.length === 0) return;
  const payload = JSON.stringify(checks.map((c) => ({
    id: c.replicaId, check: { ok: c.ok, reason: c.reason, rescored: c.rescored }, work: c.workFlops,
  })));
  await db.rows(sql`
    UPDATE replicas r
       SET "check" = d."check",
           claimed_credit = CASE WHEN d.work IS NULL THEN r.claimed_credit ELSE d.work * ${COBBLESTONES_PER_FLOP}::float8 END
      FROM jsonb_to_recordset(${payload}::jsonb) AS d(id int8, "check" jsonb, work float8)
     WHERE r.id = d.id AND r."check" IS NULL`);
}
