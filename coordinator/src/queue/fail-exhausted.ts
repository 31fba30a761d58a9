import { sql } from 'drizzle-orm';
import { int8Array } from '../db/arrays';
import type { Tx } from '../db/index';
import { movableTo, REPLICA, WU } from './states';

/**
 * Fails active WUs that can no longer succeed: more errored replicas than max_error_replicas, or
 * every allowed replica used with none still out and nothing left to validate. Their remaining
 * replicas are cancelled. Returns the failed WUs (with batch) and the replicas to cancel on agents.
 */
export async function failExhaustedWorkUnits(tx: Tx, limit: number): Promise<{
  failed: { id: number; batch_id: string; reason: string }[];
  cancelled: { replicaId: number; hostId: string }[];
}> {
  const failed = await tx.rows<{ id: number; batch_id: string; reason: string }>(sql`
    WITH c AS (
      SELECT w.id FROM work_units w
       WHERE w.state IN ${movableTo(WU, 'failed')} AND NOT w.needs_validation
         AND (w.error_replicas > w.max_error_replicas
              OR (w.replicas_sent >= w.max_total_replicas AND w.replicas_needed = 0
                  AND NOT EXISTS (SELECT 1 FROM replicas r WHERE r.wu_id = w.id AND r.state = 'in_progress')))
       ORDER BY w.id LIMIT ${limit}
       FOR UPDATE SKIP LOCKED
    )
    UPDATE work_units w
       SET state = 'failed', replicas_needed = 0, finished_at = now(), updated_at = now(),
           reason = CASE WHEN w.error_replicas > w.max_error_replicas
                         THEN 'too many errors: ' || w.error_replicas || ' errored replicas, limit ' || w.max_error_replicas
                         ELSE 'no quorum within ' || w.max_total_replicas || ' replicas' END
      FROM c WHERE w.id = c.id
    RETURNING w.id, w.batch_id, w.reason`);
  if (failed.length === 0) return { failed, cancelled: [] };
  const rows = await tx.rows<{ id: number; host_id: string }>(sql`
    UPDATE replicas SET state = 'cancelled'
     WHERE wu_id = ANY(${int8Array(failed.map((f) => f.id))}) AND state IN ${movableTo(REPLICA, 'cancelled')}
    RETURNING id, host_id`);
  await tx.rows(sql`
    INSERT INTO events (kind, subject, data)
    SELECT 'wu.failed', d.id::text, jsonb_build_object('reason', d.reason, 'batch', d.batch_id)
      FROM jsonb_to_recordset(${JSON.stringify(failed)}::jsonb) AS d(id int8, batch_id uuid, reason text)`);
  return { failed, cancelled: rows.map((r) => ({ replicaId: r.id, hostId: r.host_id })) };
}
