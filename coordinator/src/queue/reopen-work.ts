import { sql } from 'drizzle-orm';
import { int8Array, uuidArray } from '../db/arrays';
import type { Tx } from '../db/index';
import { reverseCredit } from '../credit/reverse-credit';
import { withdrawModelsBuiltOn, type WithdrawnModel } from '../models/withdraw-models';
import { withdrawTrackedResults } from '../tracker/withdraw-points';

/*
 * Re-opening done work units a caught host vouched for: the one home of the done → running edge
 * and of valid → invalid | inconclusive (queue/states.ts, "reopening"). In the caller's
 * transaction, for each WU:
 *   - the caught host's replica becomes invalid and its credit is reversed (ledger rows);
 *   - every other reported replica's verdict is open again (inconclusive), so the validator
 *     decides it anew without the caught host: honest results marked invalid against it may be
 *     valid now, ones that agreed with it may not (and lose their credit then, grant-credit.ts);
 *   - the WU goes back to running at its base quorum, with as many new replicas as that quorum
 *     lacks (never to the caught host or its owner: the claim's unique indexes), its canonical
 *     output and assimilation mark cleared so the assimilator takes the new one in;
 *   - what was built on it is withdrawn: the science result (marked, with the reason), tracker
 *     points (the models folded again), combined merges of its batch, registry models; a done
 *     batch is open again;
 *   - the re-opening is recorded (wu_reopenings) for researchers to see.
 */

export interface ReopenTarget {
  wuId: number;
  /** `solo`: the host validated it alone; `quorum`: it was one of the quorum. */
  kind: 'solo' | 'quorum';
}

export interface Reopened {
  wuIds: number[];
  /** Credit reversed from the caught host's replicas. */
  creditReversed: number;
  models: WithdrawnModel[];
}

export async function reopenWorkUnits(tx: Tx, hostId: string, targets: ReopenTarget[], reason: string): Promise<Reopened> {
  const none: Reopened = { wuIds: [], creditReversed: 0, models: [] };
  if (targets.length === 0) return none;
  const kinds = new Map(targets.map((t) => [t.wuId, t.kind]));
  // Done WUs of batches still wanted, locked in id order.
  const locked = await tx.rows<{ id: number; batch_id: string }>(sql`
    SELECT w.id, w.batch_id FROM work_units w JOIN batches b ON b.id = w.batch_id
     WHERE w.id = ANY(${int8Array([...kinds.keys()])}) AND w.state = 'done' AND b.state <> 'cancelled'
     ORDER BY w.id FOR UPDATE OF w`);
  if (locked.length === 0) return none;
  const ids = locked.map((w) => Number(w.id));
  const batchIds = [...new Set(locked.map((w) => w.batch_id))].sort();

  await tx.rows(sql`
    INSERT INTO wu_reopenings (wu_id, batch_id, host_id, kind, reason, previous_replica_id, previous_sha256)
    SELECT w.id, w.batch_id, ${hostId}, d.kind, ${reason}, w.canonical_replica_id, c.output_sha256
      FROM work_units w
      JOIN jsonb_to_recordset(${JSON.stringify(ids.map((id) => ({ id, kind: kinds.get(id) })))}::jsonb) AS d(id int8, kind text) ON d.id = w.id
      LEFT JOIN replicas c ON c.id = w.canonical_replica_id
     ORDER BY w.id`);

  const own = await tx.rows<{ id: number }>(sql`
    UPDATE replicas SET validate_state = 'invalid', granted_credit = 0  -- as for any invalid result; the ledger keeps the history
     WHERE wu_id = ANY(${int8Array(ids)}) AND host_id = ${hostId} AND validate_state = 'valid'
    RETURNING id`);
  const reversed = await reverseCredit(tx, own.map((r) => Number(r.id)), `re-examined: ${reason}`);
  // Outputs that failed the coordinator's own check stay invalid: nothing about them changed.
  await tx.rows(sql`
    UPDATE replicas SET validate_state = 'inconclusive'
     WHERE wu_id = ANY(${int8Array(ids)}) AND host_id <> ${hostId} AND state = 'reported'
       AND validate_state IN ('valid', 'invalid')
       AND coalesce(("check"->>'ok')::boolean, true)`);

  await tx.rows(sql`
    WITH counts AS (
      SELECT w.id,
             (SELECT count(*) FROM replicas r WHERE r.wu_id = w.id AND r.state = 'reported' AND r.validate_state <> 'invalid')::int AS candidates,
             (SELECT count(*) FROM replicas r WHERE r.wu_id = w.id AND r.state = 'in_progress')::int AS out
        FROM work_units w WHERE w.id = ANY(${int8Array(ids)})
    )
    UPDATE work_units w SET
      state = 'running',
      canonical_replica_id = NULL,
      min_quorum = w.base_quorum,
      replicas_needed = greatest(0, w.base_quorum - c.candidates - c.out),
      max_total_replicas = greatest(w.max_total_replicas, w.replicas_sent + greatest(0, w.base_quorum - c.candidates - c.out)),
      needs_validation = c.candidates >= w.base_quorum,
      finished_at = NULL,
      assimilated_at = NULL,
      reopen_count = w.reopen_count + 1,
      reopened_at = now(),
      reopen_reason = ${reason},
      updated_at = now()
    FROM counts c WHERE w.id = c.id`);

  await tx.rows(sql`
    UPDATE science_results SET withdrawn_at = now(), withdrawn_reason = ${reason}
     WHERE wu_id = ANY(${int8Array(ids)}) AND withdrawn_at IS NULL`);
  await withdrawTrackedResults(tx, ids);
  // Merges are a cache of the batch's results: dropped, and made again from the results that stand.
  await tx.rows(sql`DELETE FROM combined_results WHERE batch_id = ANY(${uuidArray(batchIds)})`);
  const models = await withdrawModelsBuiltOn(tx, ids, `built on re-opened work: ${reason}`);
  await tx.rows(sql`UPDATE batches SET state = 'open', finished_at = NULL WHERE id = ANY(${uuidArray(batchIds)}) AND state = 'done'`);
  return { wuIds: ids, creditReversed: reversed.reduce((s, r) => s + r.granted, 0), models };
}
