import type { SportMatrix, SportMatrixCell, SportModelFigures } from '@nfl-grid/shared/api/console-types';
import { THRESHOLDS } from './sport-models';

/*
 * Seed 001's performance matrix: sport × model type, each cell the number of models and the best
 * of them by walk-forward log loss (its figures in full), and summary statistics over every model
 * shown.
 */

const finite = (xs: (number | null)[]) => xs.filter((x): x is number => x !== null && Number.isFinite(x));
const mean = (xs: number[]) => (xs.length ? xs.reduce((a, x) => a + x, 0) / xs.length : null);
const max = (xs: number[]) => (xs.length ? Math.max(...xs) : null);
const min = (xs: number[]) => (xs.length ? Math.min(...xs) : null);

export function performanceMatrix(figures: readonly SportModelFigures[]): Pick<SportMatrix, 'summary'> & SportMatrix['matrix'] {
  const cells = new Map<string, SportMatrixCell>();
  for (const f of figures) {
    const key = `${f.sport}\u0000${f.modelType}`, cell = cells.get(key);
    if (!cell) { cells.set(key, { sport: f.sport, modelType: f.modelType, models: 1, best: f }); continue; }
    cell.models++;
    if ((f.metrics.logLoss ?? Infinity) < (cell.best.metrics.logLoss ?? Infinity)) cell.best = f;
  }
  const acc = finite(figures.map((f) => f.metrics.accuracy)), roi = finite(figures.map((f) => f.roi.roi));
  return {
    sports: [...new Set(figures.map((f) => f.sport))].sort(),
    modelTypes: [...new Set(figures.map((f) => f.modelType))].sort(),
    cells: [...cells.values()].sort((a, b) => a.sport.localeCompare(b.sport) || a.modelType.localeCompare(b.modelType)),
    summary: {
      models: figures.length,
      games: figures.reduce((a, f) => a + f.metrics.n, 0),
      meanAccuracy: mean(acc), bestAccuracy: max(acc),
      bestBrier: min(finite(figures.map((f) => f.metrics.brier))), bestLogLoss: min(finite(figures.map((f) => f.metrics.logLoss))),
      meanRoi: mean(roi), bestRoi: max(roi),
      beatingMarketLogLoss: figures.filter((f) => f.vsMarket.logLoss.mean !== null && f.vsMarket.logLoss.mean < 0).length,
      meetingAccuracyMinimum: acc.filter((x) => x >= THRESHOLDS.accuracy.minimum).length,
      meetingAccuracyTarget: acc.filter((x) => x >= THRESHOLDS.accuracy.target).length,
      meetingRoiMinimum: roi.filter((x) => x >= THRESHOLDS.roi.minimum).length,
      meetingRoiTarget: roi.filter((x) => x >= THRESHOLDS.roi.target).length,
      thresholds: THRESHOLDS,
    },
  };
}
