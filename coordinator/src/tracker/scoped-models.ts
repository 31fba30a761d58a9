import { and, asc, inArray, sql, type SQL } from 'drizzle-orm';
import { applyPoint, type ModelRecord } from '@nfl-grid/shared/performance/record';
import { classifyTrend } from '@nfl-grid/shared/performance/trend';
import { batchIn, type Scope } from '../auth/access';
import type { Db } from '../db/index';
import { performanceMilestones, performanceModels, performancePoints } from '../db/schema/index';

/*
 * Tracker models as one scope may read them. A model (a kernel and a configuration family) folds
 * the results of every tenant who ran that family, so its row mixes tenants. Admins read the row.
 * A tenant who owns every point of the model reads the row too. A tenant who owns only some reads
 * a record folded from their own points alone (baseline, current, best, ROI, trend) and no
 * regression test, which weighed everyone's results. A tenant who owns none does not see it.
 */

export type ModelRow = typeof performanceModels.$inferSelect;
type MilestoneRow = typeof performanceMilestones.$inferSelect;

export interface ScopedModel {
  row: ModelRow;
  /** False when the row was refolded from the scope's own points. */
  whole: boolean;
  /** Of a refolded model: each own result's gain over the scope's own best before it. */
  gains?: Map<number, number>;
}

const EMPTY: ModelRecord = {
  results: 0, computeHours: 0, baseline: null, baselineWuId: null, current: null, currentWuId: null,
  best: null, bestWuId: null, bestParams: null, bestAt: null, improvement: 0, roi: 0,
};

type OwnPoint = Pick<typeof performancePoints.$inferSelect, 'modelKey' | 'wuId' | 'value' | 'computeHours' | 'params' | 'createdAt'>;

function refold(row: ModelRow, own: OwnPoint[]): ScopedModel {
  let record = EMPTY;
  const gains = new Map<number, number>();
  for (const p of own) {
    const applied = applyPoint(record, { wuId: p.wuId, value: p.value, computeHours: p.computeHours, params: p.params, at: p.createdAt }, row.lowerIsBetter);
    record = applied.record;
    gains.set(p.wuId, applied.gain);
  }
  const trend = classifyTrend(own.map((p) => p.value), row.lowerIsBetter);
  return {
    row: {
      ...row, ...record, trend: trend.trend, trendSlope: trend.slope, trendLower: trend.lower, trendUpper: trend.upper,
      regressionP: null, regressionTest: null, regressionWuId: null,
    },
    whole: false,
    gains,
  };
}

/** The models matching `where` that the scope may read, in key order, each as that scope sees it. */
export async function scopedModels(db: Db, scope: Scope, where?: SQL): Promise<ScopedModel[]> {
  const rows = await db.orm.select().from(performanceModels).where(where).orderBy(asc(performanceModels.key));
  if (scope.all || rows.length === 0) return rows.map((row) => ({ row, whole: true }));
  const points = await db.orm.select({
    modelKey: performancePoints.modelKey, wuId: performancePoints.wuId, value: performancePoints.value,
    computeHours: performancePoints.computeHours, params: performancePoints.params, createdAt: performancePoints.createdAt,
  }).from(performancePoints)
    .where(and(inArray(performancePoints.modelKey, rows.map((r) => r.key)), batchIn(scope, performancePoints.batchId)))
    .orderBy(asc(performancePoints.modelKey), asc(performancePoints.ordinal));
  const byModel = new Map<string, OwnPoint[]>();
  for (const p of points) byModel.set(p.modelKey, [...(byModel.get(p.modelKey) ?? []), p]);
  return rows.flatMap((row) => {
    const own = byModel.get(row.key);
    if (!own) return [];
    return own.length === row.results ? [{ row, whole: true }] : [refold(row, own)];
  });
}

/** SQL: a milestone of one of the scope's own results (undefined: every milestone). */
export function ownMilestones(scope: Scope): SQL | undefined {
  if (scope.all) return undefined;
  return sql`${performanceMilestones.wuId} IN (SELECT p.wu_id FROM performance_points p WHERE ${batchIn(scope, sql`p.batch_id`)})`;
}

/**
 * Milestones (already limited to the scope's own results) as the scope sees them: of a refolded
 * model, without the previous best and the test figures, which may come from another tenant.
 */
export function scopedMilestones(m: ScopedModel, rows: MilestoneRow[]): MilestoneRow[] {
  return m.whole ? rows : rows.map((r) => ({ ...r, previous: null, pValue: null, adjustedP: null, detail: null }));
}
