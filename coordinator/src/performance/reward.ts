import { sql } from 'drizzle-orm';
import { metricSpec } from '@nfl-grid/shared/performance/metric-specs';
import { normalisedReward } from '@nfl-grid/shared/performance/reward';
import type { Db } from '../db/index';

/**
 * The bandit scheduler's reward for a WU: its ROI normalised to [0, 1]
 * (shared/src/performance/reward.ts). ROI = the gain the WU's result made on its model's best
 * (metric units, ≥ 0) per compute hour (its replicas' CPU seconds); normalised as
 * x / (x + 10) with x = (gain / the metric's unit) / hours, so 0 means no improvement (or no
 * model metric, or not assimilated yet), 0.5 ten units per CPU hour, and it approaches 1.
 * Takes the Db or a transaction (anything with `rows`).
 */
export async function rewardForWu(db: Pick<Db, 'rows'>, wuId: number): Promise<number> {
  const [p] = await db.rows<{ gain: number; compute_hours: number; kernel: string }>(sql`
    SELECT p.gain, p.compute_hours, m.kernel FROM performance_points p JOIN performance_models m ON m.key = p.model_key WHERE p.wu_id = ${wuId}`);
  if (!p) return 0;
  const spec = metricSpec(p.kernel);
  return spec ? normalisedReward(p.gain, spec.unit, p.compute_hours) : 0;
}
