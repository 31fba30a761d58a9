import { sql } from 'drizzle-orm';
import { int8Array } from '../db/arrays';
import type { Tx } from '../db/index';
import { reissued } from './reissue';
import { live, movableTo, REPLICA, WU } from './states';

/**
 * Replicas past their deadline become `timed_out`; each of their WUs that is still active gets
 * one more replica to hand out, as long as max_total_replicas allows. Returns what timed out.
 */
export async function timeOutReplicas(tx: Tx, limit: number): Promise<{ id: number; wu_id: number; host_id: string }[]> {
  // Lock the WUs first (skipping ones a validator holds), then their overdue replicas.
  const wus = await tx.rows<{ id: number }>(sql`
    SELECT id FROM work_units
     WHERE id IN (SELECT wu_id FROM replicas WHERE state = 'in_progress' AND deadline < now() ORDER BY deadline LIMIT ${limit})
     ORDER BY id FOR UPDATE SKIP LOCKED`);
  if (wus.length === 0) return [];
  return tx.rows(sql`
    WITH upd AS (
      UPDATE replicas r SET state = 'timed_out'
       WHERE r.wu_id = ANY(${int8Array(wus.map((w) => w.id))})
         AND r.state IN ${movableTo(REPLICA, 'timed_out')} AND r.deadline < now()
      RETURNING r.id, r.wu_id, r.host_id
    ), per_wu AS (
      SELECT wu_id, count(*)::int AS n FROM upd GROUP BY wu_id
    ), wu AS (
      UPDATE work_units w
         SET replicas_needed = ${reissued(sql`c.n`)},
             updated_at = now()
        FROM per_wu c
       WHERE w.id = c.wu_id AND w.state IN ${live(WU)}
      RETURNING w.id
    )
    SELECT id, wu_id, host_id FROM upd`);
}
