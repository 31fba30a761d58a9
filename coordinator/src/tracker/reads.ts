import { and, asc, desc, eq, inArray } from 'drizzle-orm';
import { listKernels } from '@nfl-grid/shared/kernels/registry';
import { kernelRef } from '@nfl-grid/shared/kernels/types';
import { metricSpec } from '@nfl-grid/shared/performance/metric-specs';
import { tunedParams } from '@nfl-grid/shared/performance/model-key';
import type { Milestone, ModelLeaderboard, ModelType, TrackedModel, Trending } from '@nfl-grid/shared/api/console-types';
import { batchIn, type Scope } from '../auth/access';
import type { Db } from '../db/index';
import { performanceMilestones, performanceModels, performancePoints } from '../db/schema/index';
import { NotFound } from '../errors';
import { type ModelRow, ownMilestones, scopedMilestones, scopedModels } from './scoped-models';

/*
 * Read models of the tracker for the API: leaderboard, model types, parameters, trending. Each
 * reads the models and points of one scope only (scoped-models.ts).
 */

function modelView(m: ModelRow): TrackedModel {
  return {
    key: m.key, kernel: m.kernel, sport: m.sport, family: m.family, metric: m.metric, lowerIsBetter: m.lowerIsBetter, importance: m.importance,
    results: m.results, computeHours: m.computeHours, baseline: m.baseline, current: m.current, best: m.best, bestWuId: m.bestWuId,
    bestParams: m.bestParams, bestAt: m.bestAt, improvement: m.improvement, roi: m.roi,
    trend: { class: m.trend, slope: m.trendSlope, lower: m.trendLower, upper: m.trendUpper },
    regression: { pValue: m.regressionP, test: m.regressionTest }, updatedAt: m.updatedAt,
  };
}

function milestoneView(r: typeof performanceMilestones.$inferSelect): Milestone {
  return { id: r.id, modelKey: r.modelKey, kind: r.kind, wuId: r.wuId, value: r.value, previous: r.previous, pValue: r.pValue, adjustedP: r.adjustedP, detail: r.detail, at: r.createdAt };
}

/** Models of a sport grouped by kernel, each board ranked by best metric. */
export async function leaderboard(db: Db, scope: Scope, sport: string, limit: number): Promise<ModelLeaderboard> {
  const models = (await scopedModels(db, scope, eq(performanceModels.sport, sport))).map((m) => m.row);
  const byKernel = new Map<string, ModelRow[]>();
  for (const m of models) byKernel.set(m.kernel, [...(byKernel.get(m.kernel) ?? []), m]);
  const boards = [...byKernel.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([kernel, ms]) => {
    const lower = ms[0]!.lowerIsBetter;
    const ranked = ms.filter((m) => m.best !== null).sort((a, b) => (lower ? a.best! - b.best! : b.best! - a.best!) || a.key.localeCompare(b.key));
    return { kernel, metric: ms[0]!.metric, lowerIsBetter: lower, models: ranked.slice(0, limit).map((m, i) => ({ rank: i + 1, ...modelView(m) })) };
  });
  return { sport, boards };
}

export async function modelTypes(db: Db, scope: Scope): Promise<ModelType[]> {
  const n = new Map<string, number>();
  for (const { row } of await scopedModels(db, scope)) n.set(row.kernel, (n.get(row.kernel) ?? 0) + 1);
  return listKernels().map((k) => {
    const ref = kernelRef(k), spec = metricSpec(ref);
    return spec
      ? { kernel: ref, title: k.title, tracked: true, metric: spec.metric, lowerIsBetter: spec.lowerIsBetter, unit: spec.unit, tuned: spec.tuned, ignored: spec.ignored, models: n.get(ref) ?? 0 }
      : { kernel: ref, title: k.title, tracked: false, metric: null, lowerIsBetter: null, unit: null, tuned: [], ignored: [], models: 0 };
  });
}

/** For each model and tuned param: the values tried, with result count, mean and best metric. */
export async function parameters(db: Db, scope: Scope, q: { model?: string; kernel?: string }) {
  const where = q.model ? eq(performanceModels.key, q.model) : q.kernel ? eq(performanceModels.kernel, q.kernel) : undefined;
  const models = (await scopedModels(db, scope, where)).map((m) => m.row);
  if (!models.length) return [];
  const points = await db.orm.select({ modelKey: performancePoints.modelKey, params: performancePoints.params, value: performancePoints.value })
    .from(performancePoints).where(and(inArray(performancePoints.modelKey, models.map((m) => m.key)), batchIn(scope, performancePoints.batchId)));
  return models.map((m) => {
    const spec = metricSpec(m.kernel);
    const mine = points.filter((p) => p.modelKey === m.key);
    const params = (spec?.tuned ?? []).map((t) => {
      const byValue = new Map<string, { value: unknown; n: number; sum: number; best: number }>();
      for (const p of mine) {
        const v = tunedParams({ tuned: [t] }, p.params as Record<string, unknown>)[t.path];
        if (v === undefined) continue;
        const k = JSON.stringify(v);
        const e = byValue.get(k) ?? { value: v, n: 0, sum: 0, best: p.value };
        e.n++; e.sum += p.value;
        e.best = m.lowerIsBetter ? Math.min(e.best, p.value) : Math.max(e.best, p.value);
        byValue.set(k, e);
      }
      const values = [...byValue.values()].map((e) => ({ value: e.value, n: e.n, mean: e.sum / e.n, best: e.best }));
      const bestValue = m.bestParams ? tunedParams({ tuned: [t] }, m.bestParams as Record<string, unknown>)[t.path] ?? null : null;
      return { path: t.path, step: t.step, mode: t.mode ?? 'add', bestValue, values };
    });
    return { modelKey: m.key, kernel: m.kernel, metric: m.metric, lowerIsBetter: m.lowerIsBetter, results: m.results, parameters: params };
  });
}

export async function trending(db: Db, scope: Scope, limit: number): Promise<Trending> {
  const scoped = await scopedModels(db, scope);
  const models = scoped.map((m) => m.row);
  const by = (t: string) => models.filter((m) => m.trend === t);
  const steep = (a: ModelRow, b: ModelRow) => Math.abs(b.trendSlope ?? 0) - Math.abs(a.trendSlope ?? 0);
  const byKey = new Map(scoped.map((m) => [m.row.key, m]));
  const latest = await db.orm.select().from(performanceMilestones)
    .where(and(inArray(performanceMilestones.kind, ['breakthrough', 'regression']), ownMilestones(scope)))
    .orderBy(desc(performanceMilestones.createdAt), desc(performanceMilestones.id)).limit(limit);
  const milestones = latest.flatMap((r) => { const m = byKey.get(r.modelKey); return m ? scopedMilestones(m, [r]) : []; });
  return {
    improving: by('improving').sort(steep).slice(0, limit).map(modelView),
    regressing: by('regressing').sort(steep).slice(0, limit).map(modelView),
    counts: { improving: by('improving').length, regressing: by('regressing').length, plateau: by('plateau').length, new: by('new').length },
    milestones: milestones.map(milestoneView),
  };
}

export async function modelDetail(db: Db, scope: Scope, key: string, historyLimit: number) {
  const [scoped] = await scopedModels(db, scope, eq(performanceModels.key, key));
  if (!scoped) throw new NotFound('model', 'key');
  const m = scoped.row;
  const [history, milestones] = await Promise.all([
    db.orm.select().from(performancePoints).where(and(eq(performancePoints.modelKey, key), batchIn(scope, performancePoints.batchId)))
      .orderBy(desc(performancePoints.ordinal)).limit(historyLimit),
    db.orm.select().from(performanceMilestones).where(and(eq(performanceMilestones.modelKey, key), ownMilestones(scope))).orderBy(asc(performanceMilestones.id)),
  ]);
  return {
    model: modelView(m),
    history: history.reverse().map((p) => ({
      ordinal: p.ordinal, wuId: p.wuId, batchId: p.batchId, value: p.value, gain: scoped.gains?.get(p.wuId) ?? p.gain, computeHours: p.computeHours, seed: p.seed,
      tuned: tunedParams(metricSpec(m.kernel) ?? { tuned: [] }, p.params as Record<string, unknown>), samples: p.samples, at: p.createdAt,
    })),
    milestones: scopedMilestones(scoped, milestones).map(milestoneView),
  };
}
