import { sql } from 'drizzle-orm';
import { applyPoint, type ModelRecord } from '@nfl-grid/shared/performance/record';
import { classifyTrend, TREND_WINDOW } from '@nfl-grid/shared/performance/trend';
import { int8Array, textArray } from '../db/arrays';
import type { Tx } from '../db/index';

/*
 * Withdrawing tracked results whose WUs were re-opened (queue/reopen-work.ts): their points and
 * milestones go, and each model they belonged to is folded again from its remaining points in
 * their order (ordinals renumbered 1…n), so baseline, current, best, gains, ROI and trend say
 * what the remaining results say. When the re-opened WUs are validated again, the assimilator
 * tracks their new canonical outputs as fresh points at the end of each model's history.
 */

const EMPTY: ModelRecord = {
  results: 0, computeHours: 0, baseline: null, baselineWuId: null, current: null, currentWuId: null,
  best: null, bestWuId: null, bestParams: null, bestAt: null, improvement: 0, roi: 0,
};

interface PointRow { wu_id: number; value: number; compute_hours: number; params: unknown; created_at: string | Date }

/** Removes the WUs' points and milestones and rebuilds their models; returns the model keys rebuilt. */
export async function withdrawTrackedResults(tx: Tx, wuIds: number[]): Promise<string[]> {
  if (wuIds.length === 0) return [];
  const affected = await tx.rows<{ model_key: string }>(sql`
    SELECT DISTINCT model_key FROM performance_points WHERE wu_id = ANY(${int8Array(wuIds)}) ORDER BY model_key`);
  if (affected.length === 0) return [];
  const keys = affected.map((r) => r.model_key);
  // Model rows first, in key order, as the tracker's own update locks them.
  const models = await tx.rows<{ key: string; lower_is_better: boolean }>(sql`
    SELECT key, lower_is_better FROM performance_models WHERE key = ANY(${textArray(keys)}) ORDER BY key FOR UPDATE`);
  await tx.rows(sql`DELETE FROM performance_milestones WHERE wu_id = ANY(${int8Array(wuIds)})`);
  await tx.rows(sql`DELETE FROM performance_points WHERE wu_id = ANY(${int8Array(wuIds)})`);
  for (const m of models) {
    // Two steps, so the renumbering never meets the (model, ordinal) unique index half way.
    await tx.rows(sql`UPDATE performance_points SET ordinal = -ordinal WHERE model_key = ${m.key}`);
    await tx.rows(sql`
      UPDATE performance_points p SET ordinal = n.o
        FROM (SELECT wu_id, row_number() OVER (ORDER BY -ordinal) AS o FROM performance_points WHERE model_key = ${m.key}) n
       WHERE p.wu_id = n.wu_id`);
    const points = await tx.rows<PointRow>(sql`
      SELECT wu_id, value, compute_hours, params, created_at FROM performance_points WHERE model_key = ${m.key} ORDER BY ordinal`);
    let record = EMPTY;
    for (const p of points) {
      record = applyPoint(record, { wuId: Number(p.wu_id), value: p.value, computeHours: p.compute_hours, params: p.params, at: new Date(p.created_at) }, m.lower_is_better).record;
    }
    const trend = classifyTrend(points.slice(-Math.max(TREND_WINDOW, 10)).map((p) => p.value), m.lower_is_better);
    await tx.rows(sql`
      UPDATE performance_models SET
        results = ${record.results}, compute_hours = ${record.computeHours},
        baseline = ${record.baseline}, baseline_wu_id = ${record.baselineWuId}, current = ${record.current}, current_wu_id = ${record.currentWuId},
        best = ${record.best}, best_wu_id = ${record.bestWuId}, best_params = ${record.bestParams === null ? null : JSON.stringify(record.bestParams)}::jsonb,
        best_at = ${record.bestAt ? record.bestAt.toISOString() : null}::timestamptz, improvement = ${record.improvement}, roi = ${record.roi},
        trend = ${trend.trend}, trend_slope = ${trend.slope}, trend_lower = ${trend.lower}, trend_upper = ${trend.upper},
        regression_p = NULL, regression_test = NULL, updated_at = now()
       WHERE key = ${m.key}`);
  }
  return keys;
}
