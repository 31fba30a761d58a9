import { sql } from 'drizzle-orm';
import { metricSpecs } from '@nfl-grid/shared/performance/metric-specs';
import { textArray } from '../db/arrays';
import type { Db } from '../db/index';
import { trackResults } from './track-results';

/**
 * Tracks science results the tracker has not seen (assimilated before it existed, or skipped after
 * an error), oldest first, in transactions of `chunk` WUs. Safe beside running validators: model
 * rows are locked and a point's WU is its primary key. Returns the number of points added.
 */
export async function backfillPerformance(db: Db, opts: { chunk?: number; max?: number } = {}): Promise<number> {
  const kernels = textArray(metricSpecs().map((s) => s.kernel));
  const chunk = opts.chunk ?? 200;
  let added = 0, seen = 0, after = 0;
  for (;;) {
    const ids = await db.rows<{ wu_id: number }>(sql`
      SELECT s.wu_id FROM science_results s
       WHERE s.wu_id > ${after} AND s.kernel = ANY(${kernels})
         AND NOT EXISTS (SELECT 1 FROM performance_points p WHERE p.wu_id = s.wu_id)
       ORDER BY s.wu_id LIMIT ${chunk}`);
    if (ids.length === 0) break;
    after = ids[ids.length - 1]!.wu_id;
    added += (await db.transaction((tx) => trackResults(tx, ids.map((r) => r.wu_id)))).points;
    seen += ids.length;
    if (opts.max !== undefined && seen >= opts.max) break;
  }
  return added;
}
