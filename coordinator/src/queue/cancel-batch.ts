import { sql } from 'drizzle-orm';
import { Conflict, NotFound } from '../errors';
import type { Grid } from '../grid';
import { sendCancels } from '../gateway/send-cancels';
import { movableTo, REPLICA, WU } from './states';

/**
 * Cancels an open batch in one transaction: its unfinished WUs become `cancelled`, and the
 * replicas agents still hold are cancelled and the agents told to stop them.
 */
export async function cancelBatch(grid: Grid, batchId: string, actor: string): Promise<{ wusCancelled: number; replicasCancelled: number }> {
  const result = await grid.db.transaction(async (tx) => {
    // Lock order: work units, replicas, then the batch row (as the validator does).
    const [batch] = await tx.rows<{ state: string }>(sql`SELECT state FROM batches WHERE id = ${batchId}`);
    if (!batch) throw new NotFound('batch', 'id');
    if (batch.state !== 'open') throw new Conflict(`batch is already ${batch.state}`, 'batch_not_open', 'id');
    await tx.rows(sql`SELECT id FROM work_units WHERE batch_id = ${batchId} AND state IN ${movableTo(WU, 'cancelled')} ORDER BY id FOR UPDATE`);
    const wus = await tx.rows<{ id: number }>(sql`
      UPDATE work_units SET state = 'cancelled', replicas_needed = 0, needs_validation = false,
             reason = 'batch cancelled', finished_at = now(), updated_at = now()
       WHERE batch_id = ${batchId} AND state IN ${movableTo(WU, 'cancelled')}
      RETURNING id`);
    const reps = await tx.rows<{ id: number; host_id: string }>(sql`
      UPDATE replicas r SET state = 'cancelled'
        FROM work_units w
       WHERE w.batch_id = ${batchId} AND r.wu_id = w.id AND r.state IN ${movableTo(REPLICA, 'cancelled')}
      RETURNING r.id, r.host_id`);
    const closed = await tx.rows(sql`UPDATE batches SET state = 'cancelled', finished_at = now() WHERE id = ${batchId} AND state = 'open' RETURNING id`);
    if (closed.length === 0) throw new Conflict('batch finished while it was being cancelled', 'batch_not_open', 'id');
    await tx.rows(sql`INSERT INTO events (kind, subject, actor, data)
      VALUES ('batch.cancelled', ${batchId}, ${actor}, ${JSON.stringify({ wus: wus.length, replicas: reps.length })}::jsonb)`);
    return { wus, reps };
  });
  await sendCancels(grid, result.reps.map((r) => ({ replicaId: r.id, hostId: r.host_id })), 'batch cancelled');
  grid.events.emit('batch.finished', { batchId, state: 'cancelled' });
  return { wusCancelled: result.wus.length, replicasCancelled: result.reps.length };
}
