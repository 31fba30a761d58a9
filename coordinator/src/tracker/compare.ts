import { and, desc, eq, inArray } from 'drizzle-orm';
import { compareSamples, type CompareTest } from '@nfl-grid/shared/performance/compare';
import { StatsError } from '@nfl-grid/shared/stats/index';
import type { AuthUser } from '../auth/api-keys';
import { performanceModels, performancePoints } from '../db/schema/index';
import { BadRequest, NotFound } from '../errors';
import type { Grid } from '../grid';
import { batchFor, batchIn, scopeOf } from '../auth/access';

/*
 * Compares two models or two batches on their metric. A side's sample is its results' metric
 * values (up to MAX_RESULTS, newest); a side with fewer than two results uses the per-season /
 * per-fold samples of its best result instead. Both sides must measure the same metric of one
 * kernel. A model side counts only the caller's own results (another tenant's model is not found).
 */

const MAX_RESULTS = 1000;

export type Side = { model: string } | { batch: string };

interface Loaded { label: string; kernel: string; metric: string; lowerIsBetter: boolean; values: number[]; source: 'results' | 'samples' }

async function load(grid: Grid, user: AuthUser, side: Side, name: string): Promise<Loaded> {
  let where;
  let label: string;
  if ('model' in side) {
    where = and(eq(performancePoints.modelKey, side.model), batchIn(scopeOf(user), performancePoints.batchId));
    label = side.model;
  } else {
    const b = await batchFor(grid, user, side.batch);
    where = eq(performancePoints.batchId, b.id);
    label = `batch ${b.name} (${b.id})`;
  }
  const rows = await grid.db.orm.select({ value: performancePoints.value, samples: performancePoints.samples, modelKey: performancePoints.modelKey })
    .from(performancePoints).where(where).orderBy(desc(performancePoints.createdAt), desc(performancePoints.wuId)).limit(MAX_RESULTS);
  if (!rows.length) throw new NotFound(`results with a model metric for ${name}`, name);
  const models = await grid.db.orm.select().from(performanceModels).where(inArray(performanceModels.key, [...new Set(rows.map((r) => r.modelKey))]));
  const kernels = new Set(models.map((m) => `${m.kernel} ${m.metric}`));
  if (kernels.size > 1) throw new BadRequest(`${name} mixes metrics (${[...kernels].join(', ')})`, name, 'incomparable');
  const m = models[0]!;
  if (rows.length >= 2) return { label, kernel: m.kernel, metric: m.metric, lowerIsBetter: m.lowerIsBetter, values: rows.map((r) => r.value), source: 'results' };
  const best = rows[0]!;
  return { label, kernel: m.kernel, metric: m.metric, lowerIsBetter: m.lowerIsBetter, values: best.samples ?? [best.value], source: 'samples' };
}

export async function compare(grid: Grid, user: AuthUser, body: { a: Side; b: Side; test: CompareTest; level: number }) {
  const [a, b] = await Promise.all([load(grid, user, body.a, 'a'), load(grid, user, body.b, 'b')]);
  if (a.kernel !== b.kernel || a.metric !== b.metric) {
    throw new BadRequest(`a measures ${a.kernel} ${a.metric}, b ${b.kernel} ${b.metric}: not comparable`, 'b', 'incomparable');
  }
  try {
    const r = compareSamples(a.values, b.values, { test: body.test, lowerIsBetter: a.lowerIsBetter, level: body.level });
    const side = (s: Loaded) => ({ label: s.label, source: s.source, n: s.values.length });
    return { kernel: a.kernel, metric: a.metric, lowerIsBetter: a.lowerIsBetter, a: side(a), b: side(b), ...r };
  } catch (e) {
    if (e instanceof StatsError) throw new BadRequest(e.message, undefined, `stats_${e.code}`);
    throw e;
  }
}

