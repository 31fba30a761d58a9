import type { MlpArtifact } from '../models/mlp-artifact';

/*
 * Federated averaging (McMahan et al. 2017, "Communication-efficient learning of deep networks
 * from decentralized data"): the global model of the next round is the mean of the models the
 * shards returned, each weighted by the examples it learnt from, parameter by parameter. Averaging
 * is only meaningful between networks that started from the same weights and read their inputs
 * through the same scaler, so models of another shape, other features or another scaler are
 * refused rather than mixed.
 */

export interface WeightedModel {
  model: MlpArtifact;
  /** The examples the model learnt from (a shard's fit rows); its weight in the mean. */
  examples: number;
}

export class FedAverageError extends Error {
  readonly code = 'fed_average';
}

const shapeKey = (m: MlpArtifact) => m.layers.map((l) => `${l.inputs}x${l.units}:${l.activation}`).join();
const sameNumbers = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((x, i) => x === b[i]);

function weightedMean(arrays: readonly (readonly number[])[], w: readonly number[]): number[] {
  const out = new Array<number>(arrays[0].length).fill(0);
  arrays.forEach((a, k) => a.forEach((x, i) => { out[i] += w[k] * x; }));
  return out;
}

/** The examples-weighted mean of the models' weights and biases; features and scaler of the first. */
export function fedAverage(models: readonly WeightedModel[]): MlpArtifact {
  if (models.length === 0) throw new FedAverageError('nothing to average');
  const first = models[0].model;
  for (const { model, examples } of models) {
    if (!(Number.isFinite(examples) && examples > 0)) throw new FedAverageError(`a model has ${examples} examples; each needs a positive count`);
    if (shapeKey(model) !== shapeKey(first) || model.features.join() !== first.features.join()) {
      throw new FedAverageError('models of different shapes or features cannot be averaged');
    }
    if (!sameNumbers(model.scaler.mean, first.scaler.mean) || !sameNumbers(model.scaler.sd, first.scaler.sd)) {
      throw new FedAverageError('models with different scalers cannot be averaged');
    }
  }
  const total = models.reduce((s, m) => s + m.examples, 0);
  const w = models.map((m) => m.examples / total);
  return {
    ...first,
    features: [...first.features],
    scaler: { mean: [...first.scaler.mean], sd: [...first.scaler.sd] },
    layers: first.layers.map((l, j) => ({
      ...l,
      weights: weightedMean(models.map((m) => m.model.layers[j].weights), w),
      bias: weightedMean(models.map((m) => m.model.layers[j].bias), w),
    })),
  };
}
