/*
 * Logistic regression written out, for the calibration kernels:
 *  - logisticIrls: Newton / IRLS with step halving, optional L2 penalty and weights; y may be
 *    fractional (a tie is y = 0.5). Objective Σ w_i nll_i / Σ w_i + (l2/2)‖β‖² (intercept free).
 *  - logisticL1: the lasso, (1/n) Σ nll_i + λ‖β‖₁ (intercept free), by FISTA (proximal gradient
 *    with Nesterov momentum and gradient-based adaptive restart); step 1/L with L the largest
 *    eigenvalue of X̃ᵀX̃/(4n) (power iteration, X̃ = [1 X], plus 5 %); stops when no coefficient
 *    moves more than tol in an iteration.
 *  - plattFit: Platt scaling σ(a·s + b) of scores s, with Platt's smoothed targets
 *    (N₊+1)/(N₊+2) and 1/(N₋+2), which keep a and b finite on separable data.
 * All loops run in a fixed order: results are bit-identical on a rerun.
 */

export const sigmoid = (z: number): number => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));

export const logit = (p: number): number => Math.log(p / (1 - p));

/** −[y ln σ(z) + (1 − y) ln(1 − σ(z))], written to stay finite for large |z|. */
export function nllOfLogit(z: number, y: number): number {
  // ln(1 + e^z) − y z
  const softplus = z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
  return softplus - y * z;
}

export const softThreshold = (x: number, t: number): number => (x > t ? x - t : x < -t ? x + t : 0);

export interface LogisticFit {
  intercept: number;
  coef: number[];
  iterations: number;
  converged: boolean;
}

/** β₀ + Σ row[j]·β[j+1] for beta = [β₀, β₁, …]. */
const linear = (row: readonly number[], beta: readonly number[]): number => {
  let z = beta[0];
  for (let j = 1; j < beta.length; j++) z += row[j - 1] * beta[j];
  return z;
};

export function predictLogistic(fit: Pick<LogisticFit, 'intercept' | 'coef'>, row: readonly number[]): number {
  return sigmoid(linear(row, [fit.intercept, ...fit.coef]));
}

/** Solves the small dense symmetric system A x = b (Gaussian elimination, partial pivoting). */
function solve(a: number[][], b: number[]): number[] {
  const n = b.length, m = a.map((r, i) => [...r, b[i]]);
  for (let c = 0; c < n; c++) {
    let piv = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r][c]) > Math.abs(m[piv][c])) piv = r;
    [m[c], m[piv]] = [m[piv], m[c]];
    if (m[c][c] === 0) throw new Error('logistic: singular Hessian');
    for (let r = c + 1; r < n; r++) {
      const f = m[r][c] / m[c][c];
      for (let k = c; k <= n; k++) m[r][k] -= f * m[c][k];
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = m[r][n];
    for (let k = r + 1; k < n; k++) s -= m[r][k] * x[k];
    x[r] = s / m[r][r];
  }
  return x;
}

export interface IrlsOptions {
  weights?: readonly number[];
  l2?: number;
  maxIter?: number;
  tol?: number;
}

export function logisticIrls(x: readonly (readonly number[])[], y: readonly number[], o: IrlsOptions = {}): LogisticFit {
  const n = y.length, p = n ? x[0].length : 0, l2 = o.l2 ?? 0, maxIter = o.maxIter ?? 100, tol = o.tol ?? 1e-12;
  const w = o.weights ?? new Array<number>(n).fill(1);
  const wsum = w.reduce((a, v) => a + v, 0);
  let beta = new Array<number>(p + 1).fill(0); // [b0, b1..bp]
  const objective = (bt: number[]): number => {
    let s = 0;
    for (let i = 0; i < n; i++) s += w[i] * nllOfLogit(linear(x[i], bt), y[i]);
    let pen = 0;
    for (let j = 1; j <= p; j++) pen += bt[j] * bt[j];
    return s / wsum + 0.5 * l2 * pen;
  };
  let f = objective(beta);
  for (let it = 1; it <= maxIter; it++) {
    const g = new Array<number>(p + 1).fill(0);
    const h = Array.from({ length: p + 1 }, () => new Array<number>(p + 1).fill(0));
    for (let i = 0; i < n; i++) {
      const mu = sigmoid(linear(x[i], beta));
      const r = (w[i] * (mu - y[i])) / wsum, v = (w[i] * mu * (1 - mu)) / wsum;
      for (let a = 0; a <= p; a++) {
        const xa = a === 0 ? 1 : x[i][a - 1];
        g[a] += r * xa;
        for (let b = 0; b <= a; b++) h[a][b] += v * xa * (b === 0 ? 1 : x[i][b - 1]);
      }
    }
    for (let a = 0; a <= p; a++) for (let b = a + 1; b <= p; b++) h[a][b] = h[b][a];
    for (let j = 1; j <= p; j++) { g[j] += l2 * beta[j]; h[j][j] += l2; }
    const d = solve(h, g);
    let t = 1, next = beta, fn = f;
    for (let k = 0; k < 40; k++, t /= 2) { // step halving keeps every step downhill
      next = beta.map((b, j) => b - t * d[j]);
      fn = objective(next);
      if (fn <= f) break;
    }
    const moved = Math.max(...next.map((b, j) => Math.abs(b - beta[j])));
    beta = next;
    f = fn;
    if (moved < tol) return { intercept: beta[0], coef: beta.slice(1), iterations: it, converged: true };
  }
  return { intercept: beta[0], coef: beta.slice(1), iterations: maxIter, converged: false };
}

export interface L1Options {
  lambda: number;
  maxIter?: number;
  tol?: number;
}

/** x̃ᵢ·β for row i of the flat n×p design, beta = [β₀, β₁, …]. */
const linearFlat = (x: Float64Array, i: number, p: number, beta: Float64Array): number => {
  let z = beta[0];
  const o = i * p;
  for (let j = 0; j < p; j++) z += x[o + j] * beta[j + 1];
  return z;
};

/** Largest eigenvalue of X̃ᵀX̃ / n by 50 power iterations from the all-ones vector. */
function lipschitzOf(x: Float64Array, n: number, p: number): number {
  let v = new Float64Array(p + 1).fill(1 / Math.sqrt(p + 1));
  let lam = 0;
  for (let it = 0; it < 50; it++) {
    const u = new Float64Array(p + 1);
    for (let i = 0; i < n; i++) {
      const z = linearFlat(x, i, p, v), o = i * p;
      u[0] += z;
      for (let j = 0; j < p; j++) u[j + 1] += z * x[o + j];
    }
    let norm = 0;
    for (let j = 0; j <= p; j++) norm += u[j] * u[j];
    norm = Math.sqrt(norm);
    lam = norm / n;
    if (norm === 0) break;
    for (let j = 0; j <= p; j++) u[j] /= norm;
    v = u;
  }
  return lam;
}

export function logisticL1(rows: readonly (readonly number[])[], y: readonly number[], o: L1Options): LogisticFit {
  const n = y.length, p = n ? rows[0].length : 0, maxIter = o.maxIter ?? 5000, tol = o.tol ?? 1e-9;
  const x = new Float64Array(n * p);
  for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) x[i * p + j] = rows[i][j];
  // power iteration approaches the eigenvalue from below: 5 % slack keeps the step safe
  const L = Math.max(1e-12, lipschitzOf(x, n, p) / 4) * 1.05;
  const step = 1 / L;
  let beta = new Float64Array(p + 1), mom = new Float64Array(p + 1);
  const g = new Float64Array(p + 1), next = new Float64Array(p + 1);
  let t = 1;
  const done = (it: number, converged: boolean): LogisticFit =>
    ({ intercept: beta[0], coef: Array.from(beta.subarray(1)), iterations: it, converged });
  for (let it = 1; it <= maxIter; it++) {
    g.fill(0);
    for (let i = 0; i < n; i++) {
      const r = (sigmoid(linearFlat(x, i, p, mom)) - y[i]) / n, off = i * p;
      g[0] += r;
      for (let j = 0; j < p; j++) g[j + 1] += r * x[off + j];
    }
    next[0] = mom[0] - step * g[0];
    for (let j = 1; j <= p; j++) next[j] = softThreshold(mom[j] - step * g[j], step * o.lambda);
    // adaptive restart: drop the momentum when it points against the step just taken
    let dot = 0, moved = 0;
    for (let j = 0; j <= p; j++) {
      dot += (mom[j] - next[j]) * (next[j] - beta[j]);
      moved = Math.max(moved, Math.abs(next[j] - beta[j]));
    }
    if (dot > 0) t = 1;
    const tNext = (1 + Math.sqrt(1 + 4 * t * t)) / 2, a = (t - 1) / tNext;
    for (let j = 0; j <= p; j++) mom[j] = next[j] + a * (next[j] - beta[j]);
    beta = next.slice();
    t = tNext;
    if (moved < tol) return done(it, true);
  }
  return done(maxIter, false);
}

export interface PlattFit {
  a: number;
  b: number;
}

export function plattFit(scores: readonly number[], y: readonly number[]): PlattFit {
  let nPos = 0, nNeg = 0;
  for (const v of y) { if (v === 1) nPos++; else if (v === 0) nNeg++; }
  const hi = (nPos + 1) / (nPos + 2), lo = 1 / (nNeg + 2);
  const targets = y.map((v) => (v === 1 ? hi : v === 0 ? lo : v));
  const fit = logisticIrls(scores.map((s) => [s]), targets, { maxIter: 200, tol: 1e-12 });
  return { a: fit.coef[0], b: fit.intercept };
}

export const plattPredict = (m: PlattFit, s: number): number => sigmoid(m.a * s + m.b);
