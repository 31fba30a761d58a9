import { and, desc, eq, gte, type SQL } from 'drizzle-orm';
import type { PairedDiff, SportModelFigures, ThresholdLevel } from '@nfl-grid/shared/api/console-types';
import { gameMetrics } from '@nfl-grid/shared/sports/game-metrics';
import { roiVsClose } from '@nfl-grid/shared/sports/roi-vs-close';
import type { Scope } from '../auth/access';
import type { Db } from '../db/index';
import { models } from '../db/schema/index';
import { predictionsOf, type GamePrediction } from '../models/predictions';
import { readableIn } from '../models/registry';

/*
 * The registry's pre-game models scored from their walk-forward predictions (model_predictions),
 * per model and version: game metrics, the closing market's metrics on the same games, the paired
 * per-game differences model − market (Brier, log loss; < 0: the model did better) with their
 * standard errors, and ROI against the close (shared/src/sports/roi-vs-close.ts states the rule).
 * Seed 001's thresholds are applied as stated there: accuracy minimum 55%, target 70%; ROI
 * minimum 5%, target 15%.
 */

export const THRESHOLDS = { accuracy: { minimum: 0.55, target: 0.7 }, roi: { minimum: 0.05, target: 0.15 } } as const;

const level = (x: number | null, t: { minimum: number; target: number }): ThresholdLevel => (x === null ? null : x >= t.target ? 'target' : x >= t.minimum ? 'minimum' : 'below');

const clip = (p: number) => Math.min(1 - 1e-15, Math.max(1e-15, p));
const logLoss = (p: number, y: number) => -(y * Math.log(clip(p)) + (1 - y) * Math.log(1 - clip(p)));

export function pairedDiff(d: readonly number[]): PairedDiff {
  const n = d.length;
  if (!n) return { games: 0, mean: null, se: null };
  const m = d.reduce((a, x) => a + x, 0) / n;
  const se = n > 1 ? Math.sqrt(d.reduce((a, x) => a + (x - m) ** 2, 0) / (n - 1) / n) : null;
  return { games: n, mean: m, se };
}

export function figuresOf(preds: readonly GamePrediction[]) {
  const withMarket = preds.filter((g) => g.market !== null);
  return {
    seasons: [...new Set(preds.map((g) => g.season))].sort((a, b) => a - b),
    metrics: gameMetrics(preds.map((g) => ({ p: g.p, y: g.homeWin }))),
    market: withMarket.length ? gameMetrics(withMarket.map((g) => ({ p: g.market!, y: g.homeWin }))) : null,
    vsMarket: {
      brier: pairedDiff(withMarket.map((g) => (g.p - g.homeWin) ** 2 - (g.market! - g.homeWin) ** 2)),
      logLoss: pairedDiff(withMarket.map((g) => logLoss(g.p, g.homeWin) - logLoss(g.market!, g.homeWin))),
    },
    roi: roiVsClose(preds.filter((g) => g.homeResult !== null).map((g) => ({ p: g.p, market: g.market, homeOdds: g.homeOdds, awayOdds: g.awayOdds, homeResult: g.homeResult! }))),
  };
}

/** Models with predictions of a sport (or every sport), newest first; `daysBack`: registered within that many days. */
export async function sportModels(db: Db, scope: Scope, q: { sport?: string; modelType?: string; daysBack?: number }): Promise<SportModelFigures[]> {
  const where: (SQL | undefined)[] = [
    q.sport ? eq(models.sport, q.sport) : undefined, q.modelType ? eq(models.modelType, q.modelType) : undefined,
    q.daysBack !== undefined ? gte(models.createdAt, new Date(Date.now() - q.daysBack * 86_400_000)) : undefined, readableIn(scope),
  ];
  const rows = await db.orm.select().from(models).where(and(...where)).orderBy(desc(models.createdAt));
  const preds = await predictionsOf(db, rows.map((r) => r.id));
  return rows.filter((r) => preds.get(r.id)!.length).map((r) => {
    const f = figuresOf(preds.get(r.id)!);
    return {
      id: r.id, name: r.name, version: r.version, sport: r.sport, modelType: r.modelType, kernel: r.kernel, state: r.state, createdAt: r.createdAt,
      ...f, levels: { accuracy: level(f.metrics.accuracy, THRESHOLDS.accuracy), roi: level(f.roi.roi, THRESHOLDS.roi) },
    };
  });
}
