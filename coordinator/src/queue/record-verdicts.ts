import { sql } from 'drizzle-orm';
import { int8Array } from '../db/arrays';
import type { Tx } from '../db/index';
import type { Decision } from '../daemons/decide';
import type { ReplicaRow, WuRow } from './lock-for-validation';
import { familyOf } from '../credit/trust';
import { movableTo, REPLICA } from './states';

/** A replica judged in this pass, for credit and for telling its host. */
export interface Verdict {
  hostId: string;
  ownerId: string;
  replicaId: number;
  wuId: number;
  valid: boolean;
  claimed: number;
  /** Credit granted (0 for an invalid result). */
  granted: number;
  /** CPU seconds the host's total takes in (0 for an invalid result). */
  cpuSeconds: number;
  /** The WU's kernel family (credit/trust.ts), for the host's per-family reliability. */
  family: string;
}

export interface RecordedVerdicts {
  validated: number[];
  failed: { id: number; reason: string }[];
  /** Replicas cancelled because their WU finished, to be stopped on their agents. */
  cancelled: { replicaId: number; hostId: string }[];
  /** Replicas judged valid or invalid in this pass. */
  verdicts: Verdict[];
}

/**
 * Writes a pass of validator decisions in the caller's transaction (the WUs are locked by
 * lock-for-validation): replica verdicts, WU transitions (done, failed, or back to running with
 * more replicas to hand out), and cancellation of replicas no longer needed. Credit for the
 * verdicts is credit/grant-credit's, in the same transaction.
 */
export async function recordVerdicts(tx: Tx, wus: WuRow[], replicas: ReplicaRow[], decisions: Map<number, Decision>): Promise<RecordedVerdicts> {
  const byId = new Map(replicas.map((r) => [r.id, r]));
  const repUpdates: { id: number; vs: string; granted: number | null }[] = [];
  const wuUpdates: { id: number; state: string | null; canonical: number | null; quorum: number | null; add: number; reason: string | null; done: boolean; trusted?: boolean }[] = [];
  const verdicts: Verdict[] = [];
  const validated: number[] = [];
  const failed: { id: number; reason: string }[] = [];
  const families = new Map(wus.map((w) => [w.id, familyOf(w.kernelRef)]));
  const judge = (ids: number[], valid: boolean, granted: number, wuId: number) => {
    for (const id of ids) {
      const r = byId.get(id)!;
      repUpdates.push({ id, vs: valid ? 'valid' : 'invalid', granted: valid ? granted : 0 });
      verdicts.push({ hostId: r.hostId, ownerId: r.ownerId, replicaId: id, wuId, valid, claimed: r.claimedCredit, granted: valid ? granted : 0, cpuSeconds: valid ? r.cpuSeconds : 0, family: families.get(wuId)! });
    }
  };
  const keep = (id: number) => ({ id, state: null, canonical: null, quorum: null, add: 0, reason: null, done: false });

  for (const wu of wus) {
    const d = decisions.get(wu.id)!;
    // Outputs that failed the coordinator's check: invalid, with the reason kept in their check.
    judge((d.rejected ?? []).map((r) => r.id), false, 0, wu.id);
    switch (d.kind) {
      case 'wait':
        wuUpdates.push(keep(wu.id));
        break;
      case 'valid':
        judge(d.valid, true, d.granted, wu.id);
        judge(d.invalid, false, 0, wu.id);
        wuUpdates.push({ ...keep(wu.id), state: 'done', canonical: d.canonicalId, done: true });
        validated.push(wu.id);
        break;
      case 'late':
        judge(d.valid, true, d.granted, wu.id);
        judge(d.invalid, false, 0, wu.id);
        wuUpdates.push(keep(wu.id));
        break;
      case 'inconclusive':
        for (const id of d.inconclusive) repUpdates.push({ id, vs: 'inconclusive', granted: null });
        wuUpdates.push({ ...keep(wu.id), state: 'running', quorum: d.quorum ?? null, add: d.more, trusted: d.needsTrusted ?? false });
        break;
      case 'raise_quorum':
        wuUpdates.push({ ...keep(wu.id), state: 'running', quorum: d.quorum, add: d.more });
        break;
      case 'no_consensus':
        wuUpdates.push({ ...keep(wu.id), state: 'failed', reason: d.reason, done: true });
        failed.push({ id: wu.id, reason: d.reason });
        break;
    }
  }

  if (repUpdates.length) {
    await tx.rows(sql`
      UPDATE replicas r SET validate_state = d.vs::validate_state, granted_credit = coalesce(d.granted, r.granted_credit)
        FROM jsonb_to_recordset(${JSON.stringify(repUpdates)}::jsonb) AS d(id int8, vs text, granted float8)
       WHERE r.id = d.id`);
  }
  if (wuUpdates.length) {
    await tx.rows(sql`
      UPDATE work_units w SET
        needs_validation = false,
        state = coalesce(d.state::wu_state, w.state),
        canonical_replica_id = coalesce(d.canonical, w.canonical_replica_id),
        min_quorum = coalesce(d.quorum, w.min_quorum),
        needs_trusted = coalesce(d.trusted, w.needs_trusted),
        replicas_needed = CASE WHEN d.done THEN 0 ELSE w.replicas_needed + d.add END,
        reason = coalesce(d.reason, w.reason),
        finished_at = CASE WHEN d.done THEN now() ELSE w.finished_at END,
        updated_at = now()
      FROM jsonb_to_recordset(${JSON.stringify(wuUpdates)}::jsonb)
        AS d(id int8, state text, canonical int8, quorum int, add int, reason text, done boolean, trusted boolean)
      WHERE w.id = d.id`);
  }
  const finishedIds = wuUpdates.filter((u) => u.done).map((u) => u.id);
  let cancelled: { replicaId: number; hostId: string }[] = [];
  if (finishedIds.length) {
    const rows = await tx.rows<{ id: number; host_id: string }>(sql`
      UPDATE replicas SET state = 'cancelled'
       WHERE wu_id = ANY(${int8Array(finishedIds)}) AND state IN ${movableTo(REPLICA, 'cancelled')}
      RETURNING id, host_id`);
    cancelled = rows.map((r) => ({ replicaId: r.id, hostId: r.host_id }));
  }
  return { validated, failed, cancelled, verdicts };
}
