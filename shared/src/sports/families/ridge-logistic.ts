/*
 * L2-penalised logistic regression by Newton's method (iteratively reweighted least squares):
 * minimise Σ logloss(σ(b + x·w), y) + λ/2·|w|², the intercept unpenalised. Plain arrays and a
 * Cholesky solve: exact, deterministic, and fast at the sizes here (thousands of rows, tens of
 * columns). Targets may be fractional (an NFL tie is 0.5).
 */

export interface RidgeFit {
  intercept: number;
  weights: number[];
}

export const sigmoid = (z: number): number => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));

export function ridgePredict(fit: RidgeFit, x: readonly number[]): number {
  let z = fit.intercept;
  for (let j = 0; j < fit.weights.length; j++) z += fit.weights[j] * x[j];
  return sigmoid(z);
}

/** Solves A·v = b for symmetric positive-definite A (row-major k×k) by Cholesky. */
function choleskySolve(a: number[], b: number[], k: number): number[] {
  const l = new Array<number>(k * k).fill(0);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * k + j];
      for (let m = 0; m < j; m++) s -= l[i * k + m] * l[j * k + m];
      l[i * k + j] = i === j ? Math.sqrt(Math.max(s, 1e-12)) : s / l[j * k + j];
    }
  }
  const y = new Array<number>(k).fill(0);
  for (let i = 0; i < k; i++) {
    let s = b[i];
    for (let m = 0; m < i; m++) s -= l[i * k + m] * y[m];
    y[i] = s / l[i * k + i];
  }
  const v = new Array<number>(k).fill(0);
  for (let i = k - 1; i >= 0; i--) {
    let s = y[i];
    for (let m = i + 1; m < k; m++) s -= l[m * k + i] * v[m];
    v[i] = s / l[i * k + i];
  }
  return v;
}

export function fitRidgeLogistic(x: readonly (readonly number[])[], y: readonly number[], lambda: number, iterations = 25): RidgeFit {
  const d = x[0]?.length ?? 0, k = d + 1;
  // beta[0] is the intercept
  let beta = new Array<number>(k).fill(0);
  for (let it = 0; it < iterations; it++) {
    const h = new Array<number>(k * k).fill(0), g = new Array<number>(k).fill(0);
    for (let i = 0; i < x.length; i++) {
      const xi = x[i];
      let z = beta[0];
      for (let j = 0; j < d; j++) z += beta[j + 1] * xi[j];
      const p = sigmoid(z), w = Math.max(p * (1 - p), 1e-9), r = p - y[i];
      g[0] += r;
      h[0] += w;
      for (let a = 0; a < d; a++) {
        g[a + 1] += r * xi[a];
        h[a + 1] += w * xi[a];
        for (let b = 0; b <= a; b++) h[(a + 1) * k + b + 1] += w * xi[a] * xi[b];
      }
    }
    for (let a = 1; a < k; a++) {
      h[a * k] = h[a];
      for (let b = 0; b < a; b++) h[b * k + a] = h[a * k + b];
      h[a * k + a] += lambda;
      g[a] += lambda * beta[a];
    }
    const step = choleskySolve(h, g, k);
    beta = beta.map((b, j) => b - step[j]);
    if (Math.max(...step.map(Math.abs)) < 1e-9) break;
  }
  return { intercept: beta[0], weights: beta.slice(1) };
}
