import { sql } from 'drizzle-orm';
import { metricSpec } from '@nfl-grid/shared/performance/metric-specs';
import { normalisedReward } from '@nfl-grid/shared/performance/reward';
import { int8Array } from '../db/arrays';
import type { Tx } from '../db/index';

/**
 * The performance tracker's part of the bandit's reward: a WU's ROI normalised to [0, 1]
 * (shared/src/performance/reward.ts). ROI = the gain the WU's result made on its model's best
 * (metric units, >= 0) per compute hour (its replicas' CPU seconds); normalised as x / (x + 10)
 * with x = (gain / the metric's unit) / hours, so 0 means no improvement, 0.5 ten units per CPU
 * hour, and it approaches 1. Read in one statement for many WUs; WUs without a point (no model
 * metric, or not assimilated yet) are absent from the map.
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
