import { sql } from 'drizzle-orm';
import { metricSpec } from '@nfl-grid/shared/performance/metric-specs';
import { normalisedReward } from '@nfl-grid/shared/performance/reward';
import { int8Array } from '../db/arrays';
import type { Tx } from '../db/index';

/**
 * The performance tracker's normalised ROI for each WU it has a point for (kernels with a model
 * metric), read in one statement: gain over the model's best per compute hour, as
 * shared/src/performance/reward.ts defines it. WUs without a point are absent from the map.
 */
export async function trackerRewards(db: Pick<Tx, 'rows'>, wuIds: number[]): Promise<Map<number, number>> {
  const out = new Map<number, number>();
  if (wuIds.length === 0) return out;
  const rows = await db.rows<{ wu_id: number; gain: number; compute_hours: number; kernel: string }>(sql`
    SELECT p.wu_id, p.gain, p.compute_hours, m.kernel
      FROM performance_points p JOIN performance_models m ON m.key = p.model_key
     WHERE p.wu_id = ANY(${int8Array(wuIds)})`);
  for (const r of rows) {
    const spec = metricSpec(r.kernel);
    if (spec) out.set(r.wu_id, normalisedReward(r.gain, spec.unit, r.compute_hours));
  }
  return out;
}
