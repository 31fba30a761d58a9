import type { GameTable, GameTableRow } from '../game-table';
import { fitRidgeLogistic, ridgePredict, type RidgeFit } from './ridge-logistic';
import { fitScaler, scale, type Scaler } from './standardise';
import type { FamilyArtifact, FittedFamily } from './types';
import { innerFolds, logLoss } from './walk-forward';

/*
 * The statistical family: L2-regularised logistic regression on the standardised features. λ
 * comes from an inner walk-forward over the training seasons (each of the last three scored by a
 * fit on the seasons before it); the grid is wide because the columns are on one scale.
 */

export const LAMBDA_GRID = [0.1, 1, 3, 10, 30, 100, 300, 1000];

export interface LogisticArtifact extends FamilyArtifact {
  family: 'logistic';
  lambda: number;
  scaler: Scaler;
  fit: RidgeFit;
}

function fitWith(rows: readonly GameTableRow[], width: number, lambda: number): { scaler: Scaler; fit: RidgeFit } {
  const scaler = fitScaler(rows.map((r) => r.x), width);
  const fit = fitRidgeLogistic(rows.map((r) => scale(scaler, r.x)), rows.map((r) => r.homeWin), lambda);
  return { scaler, fit };
}

export function chooseLambda(rows: readonly GameTableRow[], width: number): number {
  const folds = innerFolds(rows, 3);
  if (!folds.length) return 10;
  let best = LAMBDA_GRID[0], bestLoss = Infinity;
  for (const lambda of LAMBDA_GRID) {
    let loss = 0, n = 0;
    for (const f of folds) {
      const m = fitWith(f.train, width, lambda);
      for (const r of f.test) { loss += logLoss(ridgePredict(m.fit, scale(m.scaler, r.x)), r.homeWin); n++; }
    }
    if (loss / n < bestLoss) { bestLoss = loss / n; best = lambda; }
  }
  return best;
}

export function fitLogistic(table: GameTable, rows: readonly GameTableRow[]): FittedFamily {
  const width = table.features.length, lambda = chooseLambda(rows, width);
  const { scaler, fit } = fitWith(rows, width, lambda);
  return logisticFromArtifact({ family: 'logistic', version: 1, features: table.features, lambda, scaler, fit });
}

export function logisticFromArtifact(a: LogisticArtifact): FittedFamily {
  return {
    type: 'logistic',
    predict: (_table, rows) => rows.map((r) => ridgePredict(a.fit, scale(a.scaler, r.x))),
    toArtifact: () => structuredClone(a),
  };
}
