import { describe, expect, it } from 'vitest';
import { logisticIrls, logisticL1, logit, nllOfLogit, plattFit, plattPredict, sigmoid, softThreshold } from './logistic';
import { Rng } from '../../math/rng';

/** A seeded logistic data set: 3 standardised-ish features, the third irrelevant. */
function synthetic(n: number, seed: number): { x: number[][]; y: number[] } {
  const r = Rng.create(seed);
  const x: number[][] = [], y: number[] = [];
  for (let i = 0; i < n; i++) {
    const row = [r.normal(), r.normal(), r.normal()];
    x.push(row);
    y.push(r.next() < sigmoid(0.3 + 1.2 * row[0] - 0.5 * row[1]) ? 1 : 0);
  }
  return { x, y };
}

/** Gradient of the mean negative log-likelihood at [b0, b…]. */
function gradient(x: number[][], y: number[], b0: number, b: number[]): number[] {
  const g = new Array<number>(b.length + 1).fill(0);
  x.forEach((row, i) => {
    const r = (sigmoid(b0 + row.reduce((s, v, j) => s + v * b[j], 0)) - y[i]) / y.length;
    g[0] += r;
    row.forEach((v, j) => { g[j + 1] += r * v; });
  });
  return g;
}

describe('logistic basics', () => {
  it('sigmoid, logit and the log-likelihood are consistent and finite', () => {
    expect(sigmoid(0)).toBe(0.5);
    expect(sigmoid(800)).toBe(1);
    expect(sigmoid(-800)).toBe(0);
    expect(sigmoid(2) + sigmoid(-2)).toBeCloseTo(1, 15);
    expect(logit(sigmoid(1.3))).toBeCloseTo(1.3, 12);
    const p = sigmoid(0.7);
    expect(nllOfLogit(0.7, 1)).toBeCloseTo(-Math.log(p), 14);
    expect(nllOfLogit(0.7, 0.5)).toBeCloseTo(-0.5 * Math.log(p) - 0.5 * Math.log(1 - p), 14);
    expect(Number.isFinite(nllOfLogit(1000, 0))).toBe(true);
    expect(nllOfLogit(1000, 0)).toBeCloseTo(1000, 10);
  });

  it('soft-thresholds', () => {
    expect(softThreshold(3, 1)).toBe(2);
    expect(softThreshold(-3, 1)).toBe(-2);
    expect(softThreshold(0.5, 1)).toBe(0);
    expect(softThreshold(-1, 1)).toBe(0);
    expect(softThreshold(2, 0)).toBe(2);
  });
});

describe('logisticIrls', () => {
  it('fits the 2-point data set exactly: β₀ = logit(ȳ₀), β₁ = logit(ȳ₁) − logit(ȳ₀)', () => {
    const f = logisticIrls([[0], [1]], [0.25, 0.8]);
    expect(f.converged).toBe(true);
    expect(f.intercept).toBeCloseTo(logit(0.25), 10);
    expect(f.coef[0]).toBeCloseTo(logit(0.8) - logit(0.25), 10);
  });

  it('fits weighted counts of a binary feature (the saturated model) and an intercept-only model', () => {
    // x = 0: 3 wins, 1 loss (p = 3/4); x = 1: 1 win, 4 losses (p = 1/5)
    const f = logisticIrls([[0], [0], [1], [1]], [1, 0, 1, 0], { weights: [3, 1, 1, 4] });
    expect(sigmoid(f.intercept)).toBeCloseTo(0.75, 10);
    expect(sigmoid(f.intercept + f.coef[0])).toBeCloseTo(0.2, 10);
    const g = logisticIrls([[], [], [], []] as number[][], [1, 1, 0, 0.5]);
    expect(g.intercept).toBeCloseTo(logit(0.625), 12);
  });
});

describe('logisticL1', () => {
  const { x, y } = synthetic(600, 11);

  it('equals the IRLS solution with λ = 0', () => {
    const irls = logisticIrls(x, y);
    const l1 = logisticL1(x, y, { lambda: 0, tol: 1e-12, maxIter: 20_000 });
    expect(l1.converged).toBe(true);
    expect(l1.intercept).toBeCloseTo(irls.intercept, 7);
    l1.coef.forEach((c, j) => expect(c).toBeCloseTo(irls.coef[j], 7));
  });

  it('meets the lasso optimality (KKT) conditions', () => {
    const lambda = 0.03;
    const f = logisticL1(x, y, { lambda, tol: 1e-12, maxIter: 20_000 });
    const g = gradient(x, y, f.intercept, f.coef);
    expect(Math.abs(g[0])).toBeLessThan(1e-8);
    f.coef.forEach((b, j) => {
      if (b !== 0) expect(Math.abs(g[j + 1] + lambda * Math.sign(b))).toBeLessThan(1e-8);
      else expect(Math.abs(g[j + 1])).toBeLessThanOrEqual(lambda + 1e-9);
    });
    expect(f.coef[2]).toBe(0); // the irrelevant feature is cut
    expect(f.coef[0]).toBeGreaterThan(0);
  });

  it('sets every coefficient to 0 at λ ≥ λmax = max_j |x_jᵀ(y − ȳ)|/n', () => {
    const ybar = y.reduce((a, v) => a + v, 0) / y.length;
    const lmax = Math.max(...[0, 1, 2].map((j) => Math.abs(x.reduce((s, row, i) => s + row[j] * (y[i] - ybar), 0)) / y.length));
    const f = logisticL1(x, y, { lambda: lmax * 1.001, tol: 1e-12 });
    expect(f.coef).toEqual([0, 0, 0]);
    expect(f.intercept).toBeCloseTo(logit(ybar), 8);
  });
});

describe('plattFit', () => {
  it('on two score levels reproduces the smoothed target means (a = ln 2, b = 0)', () => {
    // s = −1: 1 win, 3 losses; s = +1: 3 wins, 1 loss; N₊ = N₋ = 4 → targets 5/6 and 1/6,
    // group means 1/3 and 2/3 → −a + b = logit(1/3), a + b = logit(2/3)
    const s = [-1, -1, -1, -1, 1, 1, 1, 1], y = [1, 0, 0, 0, 1, 1, 1, 0];
    const m = plattFit(s, y);
    expect(m.a).toBeCloseTo(Math.LN2, 10);
    expect(m.b).toBeCloseTo(0, 10);
    expect(plattPredict(m, 1)).toBeCloseTo(2 / 3, 10);
  });

  it('stays finite on separable data and zeroes the gradient against the smoothed targets', () => {
    const s = [-2, -1, 1, 2], y = [0, 0, 1, 1];
    const m = plattFit(s, y);
    const t = [0.25, 0.25, 0.75, 0.75]; // (2+1)/(2+2), 1/(2+2)
    expect(Number.isFinite(m.a) && m.a > 0).toBe(true);
    expect(m.b).toBeCloseTo(0, 10);
    const r = s.map((v, i) => plattPredict(m, v) - t[i]);
    expect(Math.abs(r.reduce((a, v) => a + v, 0))).toBeLessThan(1e-10);
    expect(Math.abs(r.reduce((a, v, i) => a + v * s[i], 0))).toBeLessThan(1e-10);
  });
});
