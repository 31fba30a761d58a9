import { describe, expect, it } from 'vitest';
import { MLP_FORMAT, type MlpArtifact } from '../models/mlp-artifact';
import { fedAverage, FedAverageError } from './fed-average';

/** A 2-input network with one hidden unit: 2 + 1 + 1 + 1 parameters. */
const net = (w0: [number, number], b0: number, w1: number, b1: number, scaler = { mean: [1, 2], sd: [3, 4] }): MlpArtifact => ({
  format: MLP_FORMAT, features: ['t', 'lead'], scaler,
  layers: [
    { inputs: 2, units: 1, activation: 'relu', weights: w0, bias: [b0] },
    { inputs: 1, units: 1, activation: 'sigmoid', weights: [w1], bias: [b1] },
  ],
});

describe('fedAverage', () => {
  it('averages every parameter weighted by examples, exactly in a small case', () => {
    // Weights 1/4 and 3/4 (1,000 and 3,000 examples): 0.25·1 + 0.75·5 = 4, 0.25·2 + 0.75·6 = 5, …
    const avg = fedAverage([
      { model: net([1, 2], -4, 8, 0.5), examples: 1000 },
      { model: net([5, 6], 4, 0, 1.5), examples: 3000 },
    ]);
    expect(avg).toEqual(net([4, 5], 2, 2, 1.25));
  });

  it('with equal counts is the plain mean, and one model is returned as it is', () => {
    const a = net([1, -1], 0, 2, 0), b = net([3, 1], 2, -2, 4), c = net([2, 3], 1, 3, -1);
    expect(fedAverage([{ model: a, examples: 7 }, { model: b, examples: 7 }, { model: c, examples: 7 }]))
      .toEqual(net([2, 1], 1, 1, 1));
    expect(fedAverage([{ model: a, examples: 5 }])).toEqual(a);
  });

  it('refuses models it cannot mix: another scaler, another shape, no examples, none at all', () => {
    const a = net([1, 2], 0, 1, 0);
    expect(() => fedAverage([{ model: a, examples: 1 }, { model: net([1, 2], 0, 1, 0, { mean: [1, 2], sd: [3, 5] }), examples: 1 }])).toThrow(/scalers/);
    const wider: MlpArtifact = { ...a, layers: [{ ...a.layers[0], activation: 'tanh' }, a.layers[1]] };
    expect(() => fedAverage([{ model: a, examples: 1 }, { model: wider, examples: 1 }])).toThrow(/shapes/);
    expect(() => fedAverage([{ model: a, examples: 0 }])).toThrow(/positive/);
    expect(() => fedAverage([])).toThrow(FedAverageError);
  });
});
