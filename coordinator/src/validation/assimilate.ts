import { sql } from 'drizzle-orm';
import { int8Array, uuidArray } from '../db/arrays';
import type { Tx } from '../db/index';
import { trackPerformance } from '../tracker/track-results';

/*
 * The assimilator: every newly validated WU's canonical output becomes a science result, and a
 * batch whose WUs are all done, failed or cancelled is finished. Runs in the validator's
 * transaction, so a canonical output is never validated without being stored.
 */
export async function assimilate(tx: Tx, validatedWuIds: number[], batchIds: string[]): Promise<string[]> {
  if (validatedWuIds.length) {
    await tx.rows(sql`
      INSERT INTO science_results (wu_id, batch_id, seq, kernel, params, output, output_sha256, replica_id)
      SELECT w.id, w.batch_id, w.seq, w.kernel || '@' || w.kernel_version, w.params, r.output, r.output_sha256, r.id
        FROM work_units w JOIN replicas r ON r.id = w.canonical_replica_id
       WHERE w.id = ANY(${int8Array(validatedWuIds)})
      ON CONFLICT (wu_id) DO NOTHING`);
    await trackPerformance(tx, validatedWuIds);
  }
  return finishBatches(tx, batchIds);
}

/** Marks open batches done when none of their WUs is still active. Returns the ones finished. */
export async function finishBatches(tx: Tx, batchIds: string[]): Promise<string[]> {
  if (batchIds.length === 0) return [];
  const sorted = [...batchIds].sort();
  await tx.rows(sql`SELECT id FROM batches WHERE id = ANY(${uuidArray(sorted)}) ORDER BY id FOR NO KEY UPDATE`);
  const rows = await tx.rows<{ id: string }>(sql`
    UPDATE batches b SET state = 'done', finished_at = now()
     WHERE b.id = ANY(${uuidArray(batchIds)})
       AND b.state = 'open'
       AND NOT EXISTS (SELECT 1 FROM work_units w WHERE w.batch_id = b.id AND w.state IN ('pending', 'running', 'validating'))
    RETURNING b.id`);
  if (rows.length) {
    await tx.rows(sql`
      INSERT INTO events (kind, subject, data)
      SELECT 'batch.done', x, '{}'::jsonb FROM jsonb_array_elements_text(${JSON.stringify(rows.map((r) => r.id))}::jsonb) AS x`);
  }
  return rows.map((r) => r.id);
}
