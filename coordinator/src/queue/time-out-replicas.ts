import { sql } from 'drizzle-orm';
import { int8Array } from '../db/arrays';
import type { Tx } from '../db/index';
import { reissueLost } from './reissue';
import { movableTo, REPLICA } from './states';

/**
 * Replicas past their deadline, or suspended past their grace (suspend-replicas.ts; the grace is
 * never later than the deadline), become `timed_out`; each of their WUs that is still active gets
 * one more replica to hand out, as long as max_total_replicas allows. Returns what timed out.
 */
export async function timeOutReplicas(tx: Tx, limit: number): Promise<{ id: number; wu_id: number; host_id: string }[]> {
  // Lock the WUs first (skipping ones a validator holds), then their overdue replicas.
  const wus = await tx.rows<{ id: number }>(sql`
    SELECT id FROM work_units
     WHERE id IN (SELECT wu_id FROM replicas WHERE state = 'in_progress' AND COALESCE(suspended_until, deadline) < now()
                   ORDER BY COALESCE(suspended_until, deadline) LIMIT ${limit})
     ORDER BY id FOR UPDATE SKIP LOCKED`);
  if (wus.length === 0) return [];
  return tx.rows(reissueLost(sql`
      UPDATE replicas r SET state = 'timed_out'
       WHERE r.wu_id = ANY(${int8Array(wus.map((w) => w.id))})
         AND r.state IN ${movableTo(REPLICA, 'timed_out')} AND COALESCE(r.suspended_until, r.deadline) < now()
      RETURNING r.id, r.wu_id, r.host_id`));
}
