import type { GameTable, GameTableRow } from '../game-table';
import { fitRidgeLogistic, ridgePredict, type RidgeFit } from './ridge-logistic';
import type { FamilyArtifact, FamilyType, FitOptions, FittedFamily } from './types';
import { innerFolds } from './walk-forward';

/*
 * The stacked family: a logistic regression on the logits of the other families' predictions.
 * The meta-model must see out-of-sample predictions, so they come from an inner walk-forward:
 * each of the last few training seasons is predicted by base models fitted on the seasons before
 * it. The base models are then refitted on all training rows for use. The meta weights are
 * lightly penalised (λ = 1) so that two near-copies of one signal share the weight.
 */

type BaseType = Exclude<FamilyType, 'stacked'>;
type FitBase = (type: BaseType, table: GameTable, rows: readonly GameTableRow[], opts: FitOptions) => Promise<FittedFamily>;
type LoadBase = (a: FamilyArtifact) => FittedFamily;

export interface StackedArtifact extends FamilyArtifact {
  family: 'stacked';
  bases: FamilyArtifact[];
  meta: RidgeFit;
}

export const STACK_DEFAULTS: { stackOf: BaseType[]; folds: number } = { stackOf: ['logistic', 'mlp', 'gru'], folds: 4 };

const logit = (p: number): number => {
  const q = Math.min(1 - 1e-6, Math.max(1e-6, p));
  return Math.log(q / (1 - q));
};

export async function fitStacked(table: GameTable, rows: readonly GameTableRow[], opts: FitOptions, fitBase: FitBase, loadBase: LoadBase): Promise<FittedFamily> {
  const types = opts.stackOf ?? STACK_DEFAULTS.stackOf;
  const metaX: number[][] = [], metaY: number[] = [];
  for (const fold of innerFolds(rows, STACK_DEFAULTS.folds)) {
    const preds: number[][] = [];
    for (const t of types) preds.push((await fitBase(t, table, fold.train, opts)).predict(table, fold.test));
    fold.test.forEach((r, i) => { metaX.push(preds.map((p) => logit(p[i]))); metaY.push(r.homeWin); });
  }
  const meta = fitRidgeLogistic(metaX, metaY, 1);
  const bases: FamilyArtifact[] = [];
  for (const t of types) bases.push((await fitBase(t, table, rows, opts)).toArtifact());
  return stackedFromArtifact({ family: 'stacked', version: 1, features: table.features, bases, meta }, loadBase);
}

export function stackedFromArtifact(a: StackedArtifact, loadBase: LoadBase): FittedFamily {
  const bases = a.bases.map(loadBase);
  return {
    type: 'stacked',
    predict: (table, rows) => {
      const preds = bases.map((b) => b.predict(table, rows));
      return rows.map((_, i) => ridgePredict(a.meta, preds.map((p) => logit(p[i]))));
    },
    toArtifact: () => structuredClone(a),
  };
}
