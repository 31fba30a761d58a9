import { describe, expect, it } from 'vitest';
import { mlpForward } from '../../models/mlp-artifact';
import { fitLogistic } from './logistic-fit';

describe('fitLogistic', () => {
  it('recovers the coefficients that generated the outcomes', () => {
    // deterministic pseudo-random draws (LCG), y ~ Bernoulli(σ(0.3 + 1.2·a − 0.7·b))
    let s = 12345;
    const u = () => ((s = (s * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    const x: number[][] = [], y: number[] = [];
    for (let i = 0; i < 20_000; i++) {
      const a = u() * 4 - 2, b = u() * 4 - 2;
      x.push([a, b]);
      y.push(u() < 1 / (1 + Math.exp(-(0.3 + 1.2 * a - 0.7 * b))) ? 1 : 0);
    }
    const m = fitLogistic({ features: ['a', 'b'], x, y }, 0);
    const p0 = mlpForward(m, [0, 0]), p1 = mlpForward(m, [1, 0]), p2 = mlpForward(m, [0, 1]);
    const logit = (p: number) => Math.log(p / (1 - p));
    // 20,000 draws: each coefficient's standard error is about 0.02
    expect(Math.abs(logit(p0) - 0.3)).toBeLessThan(0.1);
    expect(Math.abs(logit(p1) - logit(p0) - 1.2)).toBeLessThan(0.1);
    expect(Math.abs(logit(p2) - logit(p0) + 0.7)).toBeLessThan(0.1);
    // a heavy penalty shrinks the slopes toward zero
    const shrunk = fitLogistic({ features: ['a', 'b'], x, y }, 1e6);
    expect(Math.abs(logit(mlpForward(shrunk, [1, 0])) - logit(mlpForward(shrunk, [0, 0])))).toBeLessThan(0.05);
  });
});
