import { sql } from 'drizzle-orm';
import type { Tx } from '../db/index';
import { live, WU } from './states';

/*
 * Re-prioritising: open batches and their unfinished work units (the claim order) take new
 * priorities. Work units are locked in id order before their batches, as every transaction here
 * locks. No state changes; finished work units keep the priority they ran with.
 */

/** Sets each batch's priority (batch id → priority) in the caller's transaction. Returns the work units moved per batch. */
export async function reprioritiseBatches(tx: Tx, priorities: Map<string, number>): Promise<Map<string, number>> {
  const moved = new Map<string, number>();
  if (priorities.size === 0) return moved;
  const ids = JSON.stringify([...priorities.keys()].sort());
  const to = JSON.stringify(Object.fromEntries(priorities));
  const wus = await tx.rows<{ batch_id: string }>(sql`
    UPDATE work_units w SET priority = (${to}::jsonb ->> w.batch_id::text)::int, updated_at = now()
     WHERE w.id IN (SELECT id FROM work_units
                     WHERE batch_id IN (SELECT jsonb_array_elements_text(${ids}::jsonb)::uuid)
                       AND state IN ${live(WU)}
                     ORDER BY id FOR UPDATE)
    RETURNING w.batch_id`);
  for (const w of wus) moved.set(w.batch_id, (moved.get(w.batch_id) ?? 0) + 1);
  await tx.rows(sql`SELECT id FROM batches WHERE id IN (SELECT jsonb_array_elements_text(${ids}::jsonb)::uuid) ORDER BY id FOR NO KEY UPDATE`);
  await tx.rows(sql`UPDATE batches b SET priority = (${to}::jsonb ->> b.id::text)::int
                     WHERE b.id IN (SELECT jsonb_array_elements_text(${ids}::jsonb)::uuid) AND b.state = 'open'`);
  return moved;
}
