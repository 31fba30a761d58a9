import type { GameTableRow } from '../game-table';

/*
 * Season folds inside a training set, for choosing settings without the test season: each of
 * the last `folds` seasons is scored by a model fitted on the seasons before it only.
 */

export interface InnerFold {
  season: number;
  train: GameTableRow[];
  test: GameTableRow[];
}

export function innerFolds(rows: readonly GameTableRow[], folds: number, minTrainSeasons = 2): InnerFold[] {
  const seasons = [...new Set(rows.map((r) => r.season))].sort((a, b) => a - b);
  const picked = seasons.slice(Math.max(minTrainSeasons, seasons.length - folds));
  return picked.map((season) => ({
    season,
    train: rows.filter((r) => r.season < season),
    test: rows.filter((r) => r.season === season),
  }));
}

const EPS = 1e-12;

export function logLoss(p: number, y: number): number {
  const q = Math.min(1 - EPS, Math.max(EPS, p));
  return -(y * Math.log(q) + (1 - y) * Math.log(1 - q));
}

export const brier = (p: number, y: number): number => (p - y) ** 2;
