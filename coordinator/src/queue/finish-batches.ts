import { sql } from 'drizzle-orm';
import { uuidArray } from '../db/arrays';
import type { Tx } from '../db/index';
import { live, WU } from './states';

/** Marks open batches done when none of their WUs is still active. Returns the ones finished. */
export async function finishBatches(tx: Tx, batchIds: string[]): Promise<string[]> {
  if (batchIds.length === 0) return [];
  const sorted = [...new Set(batchIds)].sort();
  await tx.rows(sql`SELECT id FROM batches WHERE id = ANY(${uuidArray(sorted)}) ORDER BY id FOR NO KEY UPDATE`);
  const rows = await tx.rows<{ id: string }>(sql`
    UPDATE batches b SET state = 'done', finished_at = now()
     WHERE b.id = ANY(${uuidArray(sorted)})
       AND b.state = 'open'
       AND NOT EXISTS (SELECT 1 FROM work_units w WHERE w.batch_id = b.id AND w.state IN ${live(WU)})
    RETURNING b.id`);
  if (rows.length) {
    await tx.rows(sql`
      INSERT INTO events (kind, subject, data)
      SELECT 'batch.done', x, '{}'::jsonb FROM jsonb_array_elements_text(${JSON.stringify(rows.map((r) => r.id))}::jsonb) AS x`);
  }
  return rows.map((r) => r.id);
}
