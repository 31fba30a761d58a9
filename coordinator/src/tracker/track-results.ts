import { asc, desc, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import { extractMetric, metricSpec, type MetricSpec, metricSpecs, type MetricValue } from '@nfl-grid/shared/performance/metric-specs';
import { isRegression, resultMilestones } from '@nfl-grid/shared/performance/milestones';
import { modelKeyOf } from '@nfl-grid/shared/performance/model-key';
import { applyPoint, type ModelRecord } from '@nfl-grid/shared/performance/record';
import { correctAcrossModels, regressionTest } from '@nfl-grid/shared/performance/regression';
import { computeHoursOf } from '@nfl-grid/shared/performance/reward';
import { classifyTrend, TREND_WINDOW } from '@nfl-grid/shared/performance/trend';
import { int8Array, textArray } from '../db/arrays';
import { type Db, sqlState, type Tx } from '../db/index';
import { events, performanceMilestones, performanceModels, performancePoints } from '../db/schema/index';
import { suggestFollowUps } from './suggest-follow-ups';

/*
 * The tracker's update, run by the assimilator inside its own transaction: every newly
 * stored science result whose kernel has a model metric becomes a point of its model's history,
 * and the model's record (baseline, current, best, ROI), trend, regression test, milestones and
 * follow-up suggestions are brought up to date. Model rows are locked in key order (after the
 * WU, replica and host locks the validator already holds), so two coordinators validating
 * different WUs of one model serialise on the row and never lose an update; a point's primary
 * key (its WU) makes a repeated call a no-op.
 */

/** Points read back per model: enough for the trend window and the history-window test. */
const HISTORY = Math.max(TREND_WINDOW, 10);

interface NewResult {
  wuId: number;
  batchId: string;
  kernel: string;
  params: Record<string, unknown>;
  seed: number;
  cpu: (number | null)[];
  at: Date;
  metric: MetricValue;
  key: string;
  family: Record<string, unknown>;
  spec: MetricSpec;
}

type ModelRow = typeof performanceModels.$inferSelect;

async function loadNew(tx: Tx, wuIds: number[]): Promise<NewResult[]> {
  const kernels = metricSpecs().map((s) => s.kernel);
  const rows = await tx.rows<{ wu_id: number; batch_id: string; kernel: string; params: Record<string, unknown>; output: unknown; seed: number; created_at: string | Date; cpu: (number | null)[] }>(sql`
    SELECT s.wu_id, s.batch_id, s.kernel, s.params, s.output, w.seed, s.created_at,
           -- compute hours of a point: its valid replicas' (bounded) CPU time; invalid claims are not counted
           COALESCE((SELECT jsonb_agg(r.cpu_seconds) FROM replicas r WHERE r.wu_id = s.wu_id AND r.validate_state = 'valid'), '[]'::jsonb) AS cpu
      FROM science_results s JOIN work_units w ON w.id = s.wu_id
     WHERE s.wu_id = ANY(${int8Array(wuIds)}) AND s.withdrawn_at IS NULL
       AND s.kernel = ANY(${textArray(kernels)})
       AND NOT EXISTS (SELECT 1 FROM performance_points p WHERE p.wu_id = s.wu_id)
     ORDER BY s.wu_id`);
  const out: NewResult[] = [];
  for (const r of rows) {
    const spec = metricSpec(r.kernel)!;
    const metric = extractMetric(r.kernel, r.params, r.output);
    if (!metric) continue;
    const { key, family } = await modelKeyOf(spec, r.params);
    out.push({ wuId: r.wu_id, batchId: r.batch_id, kernel: r.kernel, params: r.params, seed: r.seed, cpu: r.cpu, at: new Date(r.created_at), metric, key, family, spec });
  }
  return out;
}

const recordOf = (m: ModelRow): ModelRecord => ({
  results: m.results, computeHours: m.computeHours, baseline: m.baseline, baselineWuId: m.baselineWuId, current: m.current,
  currentWuId: m.currentWuId, best: m.best, bestWuId: m.bestWuId, bestParams: m.bestParams, bestAt: m.bestAt, improvement: m.improvement, roi: m.roi,
});

/** Folds one model's new results into its record and history; returns what changed. */
async function updateModel(tx: Tx, model: ModelRow, results: NewResult[]): Promise<{ key: string; improved: boolean }> {
  const spec = results[0]!.spec;
  const lower = model.lowerIsBetter;
  const recent = (await tx.orm.select({ wuId: performancePoints.wuId, value: performancePoints.value })
    .from(performancePoints).where(eq(performancePoints.modelKey, model.key)).orderBy(desc(performancePoints.ordinal)).limit(HISTORY)).reverse();
  let record = recordOf(model);
  let improved = false;
  const points: (typeof performancePoints.$inferInsert)[] = [];
  const milestones: (typeof performanceMilestones.$inferInsert)[] = [];
  for (const r of results) {
    const computeHours = computeHoursOf(r.cpu);
    const a = applyPoint(record, { wuId: r.wuId, value: r.metric.value, computeHours, params: r.params, at: r.at }, lower);
    record = a.record;
    improved ||= a.newBest && !a.first;
    points.push({
      wuId: r.wuId, modelKey: model.key, batchId: r.batchId, ordinal: record.results, params: r.params, seed: r.seed, value: r.metric.value,
      samples: r.metric.samples, sampleLabels: r.metric.labels, computeHours, gain: a.gain, createdAt: r.at,
    });
    for (const kind of resultMilestones(a, spec.unit)) {
      milestones.push({ modelKey: model.key, kind, wuId: r.wuId, value: r.metric.value, previous: a.previousBest, detail: { gain: a.gain, batchId: r.batchId }, createdAt: r.at });
    }
    recent.push({ wuId: r.wuId, value: r.metric.value });
  }
  await tx.orm.insert(performancePoints).values(points);
  if (milestones.length) await tx.orm.insert(performanceMilestones).values(milestones);

  const values = recent.map((p) => p.value);
  const trend = classifyTrend(values, lower);
  const latest = results[results.length - 1]!;
  // A sweep exploring is not a regression: its configurations are compared to their best (the
  // record above), and only a result of a single-configuration batch is tested against the best.
  const reg = await isSweep(tx, latest.batchId) ? { test: null, pValue: null } : await latestVsBest(tx, latest, record.bestWuId!, values, lower);
  await tx.orm.update(performanceModels).set({
    ...record, trend: trend.trend, trendSlope: trend.slope, trendLower: trend.lower, trendUpper: trend.upper,
    regressionP: reg.pValue, regressionTest: reg.test, updatedAt: new Date(),
  }).where(eq(performanceModels.key, model.key));
  return { key: model.key, improved: improved || trend.trend === 'improving' };
}

/** Whether the batch's work units try more than one configuration (params other than the seed). */
async function isSweep(tx: Tx, batchId: string): Promise<boolean> {
  const [r] = await tx.rows<{ n: number }>(sql`
    SELECT count(DISTINCT params - 'seed')::int AS n FROM work_units WHERE batch_id = ${batchId}`);
  return (r?.n ?? 0) > 1;
}

async function latestVsBest(tx: Tx, latest: NewResult, bestWuId: number, history: number[], lower: boolean) {
  const [best] = await tx.orm.select({ wuId: performancePoints.wuId, value: performancePoints.value, samples: performancePoints.samples, labels: performancePoints.sampleLabels })
    .from(performancePoints).where(eq(performancePoints.wuId, bestWuId));
  if (!best) return { test: null, pValue: null };
  return regressionTest({ wuId: latest.wuId, value: latest.metric.value, samples: latest.metric.samples, labels: latest.metric.labels }, best, history, lower, latest.wuId);
}

/** The tracker update without a savepoint (backfill runs it in a transaction of its own). */
export async function trackResults(tx: Tx, wuIds: number[]): Promise<{ points: number; models: string[] }> {
  if (wuIds.length === 0) return { points: 0, models: [] };
  const fresh = await loadNew(tx, wuIds);
  if (fresh.length === 0) return { points: 0, models: [] };
  const byKey = new Map<string, NewResult[]>();
  for (const r of fresh) byKey.set(r.key, [...(byKey.get(r.key) ?? []), r]);
  const keys = [...byKey.keys()].sort();
  await tx.orm.insert(performanceModels).values(keys.map((key) => {
    const r = byKey.get(key)![0]!;
    return { key, kernel: r.kernel, family: r.family, metric: r.spec.metric, lowerIsBetter: r.spec.lowerIsBetter };
  })).onConflictDoNothing();
  const models = await tx.orm.select().from(performanceModels).where(inArray(performanceModels.key, keys)).orderBy(asc(performanceModels.key)).for('update');
  // Another transaction (a concurrent backfill) may have tracked some of these while we waited
  // for the locks: under READ COMMITTED this statement sees its commit, so drop those.
  const taken = new Set((await tx.rows<{ wu_id: number }>(sql`SELECT wu_id FROM performance_points WHERE wu_id = ANY(${int8Array(fresh.map((r) => r.wuId))})`)).map((r) => r.wu_id));
  const improved: string[] = [];
  let points = 0;
  for (const m of models) {
    const mine = byKey.get(m.key)!.filter((r) => !taken.has(r.wuId));
    if (mine.length === 0) continue;
    points += mine.length;
    const u = await updateModel(tx, m, mine);
    if (u.improved) improved.push(u.key);
  }
  await flagRegressions(tx, keys);
  if (improved.length) await suggestFollowUps(tx, improved);
  return { points, models: keys };
}

const RETRYABLE = new Set(['40P01', '40001']);

/**
 * The assimilator's hook. Runs under a savepoint: a failure of the tracker (a malformed output,
 * a bug) is rolled back and recorded as a `performance.error` event instead of stalling
 * validation; deadlocks and serialization failures still abort the transaction so it is retried
 * whole. Results it skipped are picked up by backfill (POST /api/performance/backfill).
 */
export async function trackPerformance(tx: Tx, wuIds: number[]): Promise<void> {
  if (wuIds.length === 0) return;
  await tx.rows(sql`SAVEPOINT performance_tracker`);
  try {
    await trackResults(tx, wuIds);
    await tx.rows(sql`RELEASE SAVEPOINT performance_tracker`);
  } catch (e) {
    if (RETRYABLE.has(sqlState(e) ?? '')) throw e;
    await tx.rows(sql`ROLLBACK TO SAVEPOINT performance_tracker`);
    const message = e instanceof Error ? e.message : String(e);
    await tx.orm.insert(events).values({ kind: 'performance.error', subject: null, data: { wuIds: wuIds.slice(0, 100), message: message.slice(0, 1000) } });
  }
}

/*
 * Regression milestones after correction across models: every model's latest regression p-value
 * (its latest result against its best) is adjusted together with Holm's step-down method, and a
 * model updated in this pass whose adjusted p is at most 0.05 gets a `regression` milestone for
 * its latest result (once: regression_wu_id remembers it). Other models' rows are only read.
 */
async function flagRegressions(tx: Tx, updatedKeys: string[]): Promise<string[]> {
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
       WHERE s.wu_id > ${after} AND s.kernel = ANY(${kernels}) AND s.withdrawn_at IS NULL
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
