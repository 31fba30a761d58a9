import { eq, isNotNull } from 'drizzle-orm';
import { isRegression } from '@nfl-grid/shared/performance/milestones';
import { correctAcrossModels } from '@nfl-grid/shared/performance/regression';
import type { Tx } from '../db/index';
import { performanceMilestones, performanceModels } from '../db/schema/index';

/*
 * Regression milestones after correction across models: every model's latest regression p-value
 * (its latest result against its best) is adjusted together with Holm's step-down method, and a
 * model updated in this pass whose adjusted p is at most 0.05 gets a `regression` milestone for
 * its latest result (once: regression_wu_id remembers it). Other models' rows are only read.
 */
export async function flagRegressions(tx: Tx, updatedKeys: string[]): Promise<string[]> {
  const rows = await tx.orm.select({
    key: performanceModels.key, p: performanceModels.regressionP, test: performanceModels.regressionTest,
    currentWuId: performanceModels.currentWuId, current: performanceModels.current, best: performanceModels.best, flagged: performanceModels.regressionWuId,
  }).from(performanceModels).where(isNotNull(performanceModels.regressionP));
  const adjusted = correctAcrossModels(rows.map((r) => ({ key: r.key, p: r.p! })), 'holm');
  const updated = new Set(updatedKeys);
  const flagged: string[] = [];
  for (const r of rows) {
    if (!updated.has(r.key) || r.currentWuId === null) continue;
    const adj = adjusted.get(r.key) ?? null;
    if (!isRegression(adj, r.currentWuId, r.flagged)) continue;
    await tx.orm.insert(performanceMilestones).values({
      modelKey: r.key, kind: 'regression', wuId: r.currentWuId, value: r.current!, previous: r.best, pValue: r.p, adjustedP: adj,
      detail: { test: r.test, correction: 'holm', models: rows.length },
    });
    await tx.orm.update(performanceModels).set({ regressionWuId: r.currentWuId }).where(eq(performanceModels.key, r.key));
    flagged.push(r.key);
  }
  return flagged;
}
