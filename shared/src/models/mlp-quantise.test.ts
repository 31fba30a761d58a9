import { describe, expect, it } from 'vitest';
import { MLP_FORMAT, mlpForward, type MlpArtifact } from './mlp-artifact';
import { mlpForwardBatch } from './mlp-batch';
import { quantise, toFloat16 } from './mlp-quantise';

const net: MlpArtifact = {
  format: MLP_FORMAT,
  features: ['a', 'b', 'c'],
  scaler: { mean: [0.5, -1, 2], sd: [1, 2, 0.5] },
  layers: [
    { inputs: 3, units: 4, activation: 'relu', weights: [0.3, -0.2, 0.11, 0.7, -0.5, 0.25, 0.9, -0.13, 0.05, 0.6, -0.33, 0.41], bias: [0.1, -0.1, 0.02, 0] },
    { inputs: 4, units: 1, activation: 'sigmoid', weights: [0.8, -0.6, 0.45, 1.1], bias: [-0.2] },
  ],
};
const rows = [[0, 0, 0], [1, -2, 3], [-0.4, 5, 1.5], [NaN, 1, 2]];

describe('batched forward pass and reduced precision', () => {
  it('computes what mlpForward computes, row by row', () => {
    const p = mlpForwardBatch(net, rows);
    rows.forEach((r, i) => expect(p[i]).toBeCloseTo(mlpForward(net, r), 12));
  });

  it('rounds to half precision as IEEE float16 does', () => {
    expect(toFloat16(1)).toBe(1);
    expect(toFloat16(1 + 2 ** -11)).toBe(1); // a tie: to the even neighbour
    expect(toFloat16(1 + 3 * 2 ** -11)).toBe(1 + 2 ** -9);
    expect(toFloat16(1 + 2 ** -10)).toBe(1 + 2 ** -10);
    expect(toFloat16(0.1)).toBeCloseTo(0.0999755859375, 12);
    expect(toFloat16(70000)).toBe(Infinity);
  });

  it('shrinks the payload and keeps the outputs close', () => {
    const f32 = quantise(net, 'float32'), f16 = quantise(net, 'float16'), i8 = quantise(net, 'int8');
    // 21 parameters and a 3-feature scaler (24 bytes)
    expect([f32.bytes, f16.bytes, i8.bytes]).toEqual([21 * 4 + 24, 21 * 2 + 24, 21 + 16 + 24]);
    rows.forEach((r) => {
      expect(Math.abs(mlpForward(f16.artifact, r) - mlpForward(net, r))).toBeLessThan(1e-3);
      expect(Math.abs(mlpForward(i8.artifact, r) - mlpForward(net, r))).toBeLessThan(2e-2);
      expect(mlpForward(i8.artifact, r)).not.toBe(mlpForward(net, r));
    });
  });
});
