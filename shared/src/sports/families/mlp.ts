import { Rng } from '../../math/rng';
import { glorotInit, predict as mlpPredict, trainEpoch, zeroMoments, type MlpShape } from '../../learn/mlp-tf';
import type { GameTable, GameTableRow } from '../game-table';
import { fitScaler, scale, type Scaler } from './standardise';
import type { FamilyArtifact, FitOptions, FittedFamily } from './types';

/*
 * The feed-forward family: one small hidden layer on the standardised features, trained with the
 * project's Adam loop (learn/mlp-tf.ts). Weights and minibatch order come from the seed. Targets
 * are rounded (a tie counts as a home loss: 13 ties in 2002–2025), as the loop takes 0/1 labels.
 */

export interface MlpArtifact extends FamilyArtifact {
  family: 'mlp';
  shape: MlpShape;
  scaler: Scaler;
  params: number[][];
}

export const MLP_DEFAULTS = { epochs: 20, learningRate: 1e-3, batchSize: 64, seed: 1, hidden: [16] };

function matrix(scaler: Scaler, rows: readonly GameTableRow[], k: number): Float32Array {
  const x = new Float32Array(rows.length * k);
  rows.forEach((r, i) => x.set(scale(scaler, r.x), i * k));
  return x;
}

export function fitMlp(table: GameTable, rows: readonly GameTableRow[], opts: FitOptions): FittedFamily {
  const epochs = opts.epochs ?? MLP_DEFAULTS.epochs, batchSize = opts.batchSize ?? MLP_DEFAULTS.batchSize;
  const k = table.features.length, rng = Rng.create(opts.seed ?? MLP_DEFAULTS.seed);
  const shape: MlpShape = { inputs: k, hidden: MLP_DEFAULTS.hidden, activation: 'relu' };
  const scaler = fitScaler(rows.map((r) => r.x), k);
  const data = { x: matrix(scaler, rows, k), y: Uint8Array.from(rows, (r) => (r.homeWin > 0.5 ? 1 : 0)), n: rows.length };
  let params = glorotInit(shape, rng), adam = zeroMoments(params);
  const cfg = { learningRate: opts.learningRate ?? MLP_DEFAULTS.learningRate, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 };
  for (let e = 0; e < epochs; e++) {
    const order = Uint32Array.from(rows, (_, i) => i);
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(rng.next() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
    ({ params, adam } = trainEpoch(shape, params, adam, cfg, data, order, batchSize));
  }
  return mlpFromArtifact({ family: 'mlp', version: 1, features: table.features, shape, scaler, params: params.map((p) => Array.from(p)) });
}

export function mlpFromArtifact(a: MlpArtifact): FittedFamily {
  const params = a.params.map((p) => Float32Array.from(p));
  return {
    type: 'mlp',
    predict: (_table, rows) => Array.from(mlpPredict(a.shape, params, matrix(a.scaler, rows, a.shape.inputs), rows.length)),
    toArtifact: () => structuredClone(a),
  };
}
