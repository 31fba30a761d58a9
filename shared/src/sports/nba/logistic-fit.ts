import { MLP_FORMAT, type MlpArtifact } from '../../models/mlp-artifact';

/*
 * L2-regularised logistic regression fitted by Newton's method (iteratively reweighted least
 * squares) on standardised features, written out as a one-layer sigmoid network so the model is
 * stored, registered and served as any other nfl-grid.mlp/1 artifact. The penalty λ·|w|²/2 spares
 * the intercept; with a dozen features, a few Newton steps converge.
 */

const MAX_STEPS = 25;

/** Solves A x = b for a symmetric positive-definite A (n × n, row-major) by Cholesky. */
function solveSpd(a: Float64Array, b: Float64Array, n: number): Float64Array {
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * n + j]!;
      for (let k = 0; k < j; k++) s -= l[i * n + k]! * l[j * n + k]!;
      l[i * n + j] = i === j ? Math.sqrt(Math.max(s, 1e-12)) : s / l[j * n + j]!;
    }
  }
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= l[i * n + k]! * y[k]!;
    y[i] = s / l[i * n + i]!;
  }
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = y[i]!;
    for (let k = i + 1; k < n; k++) s -= l[k * n + i]! * x[k]!;
    x[i] = s / l[i * n + i]!;
  }
  return x;
}

export interface LogisticData {
  features: string[];
  x: number[][];
  y: number[];
}

export function fitLogistic(d: LogisticData, lambda: number): MlpArtifact {
  const k = d.features.length, n = d.x.length, p = k + 1;
  const mean = d.features.map((_, j) => d.x.reduce((s, r) => s + r[j]!, 0) / n);
  const sd = d.features.map((_, j) => Math.sqrt(d.x.reduce((s, r) => s + (r[j]! - mean[j]!) ** 2, 0) / n) || 1);
  const z = d.x.map((r) => [1, ...r.map((v, j) => (v - mean[j]!) / sd[j]!)]);
  const w = new Float64Array(p);
  for (let step = 0; step < MAX_STEPS; step++) {
    const grad = new Float64Array(p), hess = new Float64Array(p * p);
    for (let i = 0; i < n; i++) {
      const zi = z[i]!;
      let eta = 0;
      for (let j = 0; j < p; j++) eta += w[j]! * zi[j]!;
      const mu = 1 / (1 + Math.exp(-eta)), v = mu * (1 - mu), r = mu - d.y[i]!;
      for (let j = 0; j < p; j++) {
        grad[j] += r * zi[j]!;
        for (let m = 0; m <= j; m++) hess[j * p + m] += v * zi[j]! * zi[m]!;
      }
    }
    for (let j = 0; j < p; j++) for (let m = 0; m < j; m++) hess[m * p + j] = hess[j * p + m]!;
    for (let j = 1; j < p; j++) {
      grad[j] += lambda * w[j]!;
      hess[j * p + j] += lambda;
    }
    const delta = solveSpd(hess, grad, p);
    let moved = 0;
    for (let j = 0; j < p; j++) {
      w[j] -= delta[j]!;
      moved = Math.max(moved, Math.abs(delta[j]!));
    }
    if (moved < 1e-8) break;
  }
  return {
    format: MLP_FORMAT,
    features: [...d.features],
    scaler: { mean, sd },
    layers: [{ inputs: k, units: 1, activation: 'sigmoid', weights: Array.from(w.subarray(1)), bias: [w[0]!] }],
  };
}
