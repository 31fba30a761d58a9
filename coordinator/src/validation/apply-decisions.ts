import { sql } from 'drizzle-orm';
import { int8Array } from '../db/arrays';
import type { Tx } from '../db/index';
import { applyHostOutcomes, applyUserCredit, type HostOutcome } from '../queue/host-reliability';
import type { Decision } from './decide';
import type { ReplicaRow, WuRow } from './load-for-validation';

export interface AppliedDecisions {
  validated: number[];
  failed: { id: number; reason: string }[];
  cancelled: { replicaId: number; hostId: string }[];
  batchIds: string[];
  /** Replicas judged valid or invalid in this pass, for telling their hosts. */
  verdicts: Verdict[];
}

export interface Verdict { hostId: string; replicaId: number; valid: boolean; granted: number }

/**
 * Writes a pass of validator decisions in the caller's transaction: replica validate states and
 * credit, WU transitions, host reliability, the credit ledger, and cancellation of replicas no
 * longer needed. Assimilation follows in assimilate.ts, in the same transaction.
 */
export async function applyDecisions(tx: Tx, wus: WuRow[], replicas: ReplicaRow[], decisions: Map<number, Decision>): Promise<AppliedDecisions> {
  const byId = new Map(replicas.map((r) => [r.id, r]));
  const repUpdates: { id: number; vs: string; granted: number | null }[] = [];
  const wuUpdates: { id: number; state: string | null; canonical: number | null; quorum: number | null; add: number; reason: string | null; done: boolean }[] = [];
  const hosts = new Map<string, HostOutcome>();
  const userCredit = new Map<string, number>();
  const ledger: { host: string; user: string; replica: number; wu: number; claimed: number; granted: number }[] = [];
  const validated: number[] = [];
  const failed: { id: number; reason: string }[] = [];
  const outcome = (hostId: string) => {
    let o = hosts.get(hostId);
    if (!o) hosts.set(hostId, (o = { hostId, valid: 0, invalid: 0, errors: 0, credit: 0 }));
    return o;
  };
  const markValid = (ids: number[], granted: number, wuId: number) => {
    for (const id of ids) {
      const r = byId.get(id)!;
      repUpdates.push({ id, vs: 'valid', granted });
      const o = outcome(r.hostId);
      o.valid++;
      o.credit += granted;
      userCredit.set(r.ownerId, (userCredit.get(r.ownerId) ?? 0) + granted);
      ledger.push({ host: r.hostId, user: r.ownerId, replica: id, wu: wuId, claimed: r.claimedCredit, granted });
    }
  };
  const markInvalid = (ids: number[]) => {
    for (const id of ids) {
      repUpdates.push({ id, vs: 'invalid', granted: 0 });
      outcome(byId.get(id)!.hostId).invalid++;
    }
  };

  for (const wu of wus) {
    const d = decisions.get(wu.id)!;
    switch (d.kind) {
      case 'wait':
        wuUpdates.push({ id: wu.id, state: null, canonical: null, quorum: null, add: 0, reason: null, done: false });
        break;
      case 'valid':
        markValid(d.valid, d.granted, wu.id);
        markInvalid(d.invalid);
        wuUpdates.push({ id: wu.id, state: 'done', canonical: d.canonicalId, quorum: null, add: 0, reason: null, done: true });
        validated.push(wu.id);
        break;
      case 'late':
        markValid(d.valid, d.granted, wu.id);
        markInvalid(d.invalid);
        wuUpdates.push({ id: wu.id, state: null, canonical: null, quorum: null, add: 0, reason: null, done: false });
        break;
      case 'inconclusive':
        for (const id of d.inconclusive) repUpdates.push({ id, vs: 'inconclusive', granted: null });
        wuUpdates.push({ id: wu.id, state: 'running', canonical: null, quorum: null, add: d.more, reason: null, done: false });
        break;
      case 'raise_quorum':
        wuUpdates.push({ id: wu.id, state: 'running', canonical: null, quorum: d.quorum, add: d.more, reason: null, done: false });
        break;
      case 'no_consensus':
        wuUpdates.push({ id: wu.id, state: 'failed', canonical: null, quorum: null, add: 0, reason: d.reason, done: true });
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
        replicas_needed = CASE WHEN d.done THEN 0 ELSE w.replicas_needed + d.add END,
        reason = coalesce(d.reason, w.reason),
        finished_at = CASE WHEN d.done THEN now() ELSE w.finished_at END,
        updated_at = now()
      FROM jsonb_to_recordset(${JSON.stringify(wuUpdates)}::jsonb)
        AS d(id int8, state text, canonical int8, quorum int, add int, reason text, done boolean)
      WHERE w.id = d.id`);
  }
  const finishedIds = wuUpdates.filter((u) => u.done).map((u) => u.id);
  let cancelled: { replicaId: number; hostId: string }[] = [];
  if (finishedIds.length) {
    const rows = await tx.rows<{ id: number; host_id: string }>(sql`
      UPDATE replicas SET state = 'cancelled'
       WHERE wu_id = ANY(${int8Array(finishedIds)}) AND state IN ('unsent', 'in_progress')
      RETURNING id, host_id`);
    cancelled = rows.map((r) => ({ replicaId: r.id, hostId: r.host_id }));
  }
  if (ledger.length) {
    await tx.rows(sql`
      INSERT INTO credit_ledger (host_id, user_id, replica_id, wu_id, claimed, granted)
      SELECT d.host, d.user, d.replica, d.wu, d.claimed, d.granted
        FROM jsonb_to_recordset(${JSON.stringify(ledger)}::jsonb) AS d(host uuid, "user" uuid, replica int8, wu int8, claimed float8, granted float8)
      ON CONFLICT (replica_id) DO NOTHING`);
  }
  await applyHostOutcomes(tx, [...hosts.values()]);
  await applyUserCredit(tx, userCredit);
  const verdicts = repUpdates.filter((u) => u.vs === 'valid' || u.vs === 'invalid')
    .map((u): Verdict => ({ hostId: byId.get(u.id)!.hostId, replicaId: u.id, valid: u.vs === 'valid', granted: u.granted ?? 0 }));
  return { validated, failed, cancelled, verdicts, batchIds: [...new Set(wus.filter((w) => finishedIds.includes(w.id)).map((w) => w.batchId))] };
}
