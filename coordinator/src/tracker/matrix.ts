import { inArray, sql } from 'drizzle-orm';
import { EV_WINDOW, expectedGainPerResult, expectedValue, rankByEv } from '@nfl-grid/shared/performance/ev';
import { metricSpec } from '@nfl-grid/shared/performance/metric-specs';
import { modelKeyOf } from '@nfl-grid/shared/performance/model-key';
import type { MatrixCell } from '@nfl-grid/shared/api/console-types';
import { batchIn, type Scope } from '../auth/access';
import type { Db } from '../db/index';
import { performanceModels } from '../db/schema/index';
import { scopedModels } from './scoped-models';

/*
 * The task value matrix: pending work (unfinished WUs of open batches) grouped by batch and model,
 * each cell with its expected value (shared/src/performance/ev.ts), ranked by EV. A scope sees its
 * own batches, and models and gains as its own results make them.
 */

interface Group { batch_id: string; name: string; priority: number; kernel: string; params: Record<string, unknown>; n: number; cost: number }

export async function pendingMatrix(db: Db, scope: Scope): Promise<(MatrixCell & { rank: number })[]> {
  const groups = await db.rows<Group>(sql`
    SELECT w.batch_id, b.name, b.priority, w.kernel || '@' || w.kernel_version AS kernel, w.params,
           count(*)::int AS n, sum(w.cost_estimate * w.target_replicas)::float8 AS cost
      FROM work_units w JOIN batches b ON b.id = w.batch_id
     WHERE b.state = 'open' AND w.state IN ('pending', 'running', 'validating') AND ${batchIn(scope, sql`w.batch_id`)}
     GROUP BY w.batch_id, b.name, b.priority, w.kernel, w.kernel_version, w.params`);
  const cells = new Map<string, MatrixCell>();
  for (const g of groups) {
    const spec = metricSpec(g.kernel);
    const modelKey = spec ? (await modelKeyOf(spec, g.params)).key : null;
    const id = `${g.batch_id} ${modelKey ?? g.kernel}`;
    const cell = cells.get(id) ?? {
      batchId: g.batch_id, batchName: g.name, batchPriority: g.priority, kernel: g.kernel, modelKey, tracked: !!spec, metric: spec?.metric ?? null,
      pendingWus: 0, estimatedHours: 0, gainPerResult: null, expectedImprovement: null, importance: 1, ev: null, trend: null, best: null, results: 0,
    };
    cell.pendingWus += g.n;
    cell.estimatedHours += g.cost / 1e9 / 3600;
    cells.set(id, cell);
  }
  const keys = [...new Set([...cells.values()].map((c) => c.modelKey).filter((k): k is string => k !== null))];
  const models = keys.length ? await scopedModels(db, scope, inArray(performanceModels.key, keys)) : [];
  const byKey = new Map(models.map((m) => [m.row.key, m.row]));
  const gains = new Map<string, number[]>();
  if (keys.length) {
    const rows = await db.rows<{ model_key: string; gain: number }>(sql`
      SELECT model_key, gain FROM (
        SELECT model_key, gain, ordinal, row_number() OVER (PARTITION BY model_key ORDER BY ordinal DESC) AS rn
          FROM performance_points WHERE model_key IN (SELECT jsonb_array_elements_text(${JSON.stringify(keys)}::jsonb))
           AND ${batchIn(scope, sql`batch_id`)}) x
       WHERE rn <= ${EV_WINDOW} ORDER BY model_key, ordinal`);
    for (const r of rows) gains.set(r.model_key, [...(gains.get(r.model_key) ?? []), r.gain]);
  }
  for (const c of cells.values()) {
    if (!c.modelKey) continue;
    const spec = metricSpec(c.kernel)!;
    const m = byKey.get(c.modelKey);
    c.importance = m?.importance ?? 1;
    c.trend = m?.trend ?? 'new';
    c.best = m?.best ?? null;
    c.results = m?.results ?? 0;
    c.gainPerResult = expectedGainPerResult((gains.get(c.modelKey) ?? []).map((g) => g / spec.unit)) * spec.unit;
    const ev = expectedValue({ pendingWus: c.pendingWus, gainPerResult: c.gainPerResult / spec.unit, importance: c.importance, estimatedHours: c.estimatedHours });
    c.expectedImprovement = ev.expectedImprovement * spec.unit;
    c.ev = ev.ev;
  }
  return rankByEv([...cells.values()]);
}
