import { describe, expect, it } from 'vitest';
import { MLP_FORMAT, MlpArtifact, mlpForward, mlpParameterCount } from './mlp-artifact';

// 2 inputs → 2 relu units → 1 sigmoid output, small enough to work by hand.
const net: MlpArtifact = {
  format: MLP_FORMAT,
  features: ['a', 'b'],
  scaler: { mean: [1, 0], sd: [2, 1] },
  layers: [
    { inputs: 2, units: 2, activation: 'relu', weights: [1, -1, 2, 0.5], bias: [0, 1] },
    { inputs: 2, units: 1, activation: 'sigmoid', weights: [1, -2], bias: [0.25] },
  ],
};

describe('mlp artifact', () => {
  it('computes the forward pass exactly', () => {
    // a = 3 → (3 − 1)/2 = 1; b = −1 → −1.
    // hidden: u0 = relu(1·1 + (−1)·2 + 0) = relu(−1) = 0; u1 = relu(1·(−1) + (−1)·0.5 + 1) = relu(−0.5) = 0.
    expect(mlpForward(net, [3, -1])).toBeCloseTo(1 / (1 + Math.exp(-0.25)), 15);
    // a = 1 → 0; b = 2 → 2: u0 = relu(4) = 4, u1 = relu(0 + 1 + 1) = 2; out = σ(4 − 4 + 0.25).
    expect(mlpForward(net, [1, 2])).toBeCloseTo(1 / (1 + Math.exp(-0.25)), 15);
    // a missing value is the training mean (0 after standardising): a = NaN, b = 1 → u0 = 2, u1 = 1.5.
    expect(mlpForward(net, [NaN, 1])).toBeCloseTo(1 / (1 + Math.exp(-(2 - 3 + 0.25))), 15);
  });

  it('counts parameters', () => {
    expect(mlpParameterCount(net)).toBe(4 + 2 + 2 + 1);
  });

  it('refuses shapes that do not fit, naming the field', () => {
    const bad = { ...net, layers: [{ ...net.layers[0], weights: [1, 2, 3] }, net.layers[1]] };
    const r = MlpArtifact.safeParse(bad);
    expect(r.success).toBe(false);
    expect(r.error!.issues[0].path).toEqual(['layers', 0, 'weights']);
    expect(MlpArtifact.safeParse({ ...net, extra: 1 }).success).toBe(false);
    expect(MlpArtifact.safeParse(net).success).toBe(true);
  });
});
