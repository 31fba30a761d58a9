import { sql } from 'drizzle-orm';
import { int8Array } from '../db/arrays';
import type { Tx } from '../db/index';

/*
 * The assimilator's queue: finished (done or failed) work units not yet taken in. The marker is
 * durable (work_units.assimilated_at), so whatever the validator finished is found again after a
 * crash, and a work unit is assimilated once: locked SKIP LOCKED, marked in the same transaction
 * as its results.
 */

export interface FinishedWu {
  id: number;
  batchId: string;
  state: 'done' | 'failed';
}

/** Locks up to `limit` finished, unassimilated WUs (skipping ones another assimilator holds). */
export async function lockUnassimilated(tx: Tx, limit: number): Promise<FinishedWu[]> {
  const rows = await tx.rows<{ id: number; batch_id: string; state: 'done' | 'failed' }>(sql`
    SELECT id, batch_id, state::text AS state FROM work_units
     WHERE state IN ('done', 'failed') AND assimilated_at IS NULL
     ORDER BY id
     LIMIT ${limit}
     FOR UPDATE SKIP LOCKED`);
  return rows.map((r) => ({ id: r.id, batchId: r.batch_id, state: r.state }));
}

/** Marks WUs assimilated (in the transaction that stored what they produced). */
export async function markAssimilated(tx: Tx, wuIds: number[]): Promise<void> {
  if (wuIds.length === 0) return;
  await tx.rows(sql`UPDATE work_units SET assimilated_at = now() WHERE id = ANY(${int8Array(wuIds)}) AND assimilated_at IS NULL`);
}
