import type { ObdLog } from '../../data/obd';

/*
 * Reward models q̂(x, a, slot) for the direct-method part of DM/DR, fitted with K-fold
 * cross-fitting: rows i with i mod K = k are predicted by a model fitted on the other rows
 * (K = 1: fitted and predicted on all rows). Two models:
 * - `item_position`: the click rate of (item, slot), shrunk towards the fold's overall rate with
 *   `prior` pseudo-rows: (clicks + prior·p̄) / (rows + prior). Ignores the user.
 * - `logistic`: logistic regression with an L2 penalty `l2` (not on the intercept), fitted by
 *   Newton's method; features: intercept, item one-hot, slot one-hot, the four user features
 *   one-hot, and the user's affinity to the item (ln(1 + a) and 1{a > 0}).
 * Output: q̂ for every row and every item at the row's slot, row-major (n × nItems).
 */

export type RewardModelSpec =
  | { kind: 'item_position'; prior: number }
  | { kind: 'logistic'; l2: number; maxIter: number };

const SLOTS = 3;

function itemPositionFit(log: ObdLog, train: (i: number) => boolean, prior: number): Float64Array {
  const m = log.nItems;
  const clicks = new Float64Array(SLOTS * m), rows = new Float64Array(SLOTS * m);
  let tc = 0, tn = 0;
  for (let i = 0; i < log.nRows; i++) {
    if (!train(i)) continue;
    const cell = (log.position[i] - 1) * m + log.itemId[i];
    clicks[cell] += log.click[i];
    rows[cell]++;
    tc += log.click[i];
    tn++;
  }
  const base = tn > 0 ? tc / tn : 0;
  return clicks.map((c, cell) => (c + prior * base) / (rows[cell] + prior));
}

/** Feature layout of the logistic model. */
interface Layout {
  dim: number;
  item: number;
  slot: number;
  user: number[];
  aff: number;
}

function layoutOf(log: ObdLog): Layout {
  let o = 1;
  const item = o; o += log.nItems;
  const slot = o; o += SLOTS;
  const user = log.userFeatureLevels.map((levels) => { const at = o; o += levels.length; return at; });
  const aff = o; o += 2;
  return { dim: o, item, slot, user, aff };
}

/** Active feature indices (value 1) of (row, item), plus the two affinity values. */
function features(log: ObdLog, L: Layout, i: number, a: number, idx: Int32Array): [number, number] {
  idx[0] = 0;
  idx[1] = L.item + a;
  idx[2] = L.slot + log.position[i] - 1;
  for (let j = 0; j < L.user.length; j++) idx[3 + j] = L.user[j] + log.userFeatures[j][i];
  const af = log.affinity[i * log.nItems + a];
  return [Math.log1p(af), af > 0 ? 1 : 0];
}

function linear(beta: Float64Array, L: Layout, idx: Int32Array, nIdx: number, f: [number, number]): number {
  let z = beta[L.aff] * f[0] + beta[L.aff + 1] * f[1];
  for (let k = 0; k < nIdx; k++) z += beta[idx[k]];
  return z;
}

const sigmoid = (z: number) => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));

/** Solves H x = g in place for symmetric positive definite H (dim × dim, row-major), by Cholesky. */
export function choleskySolve(H: Float64Array, g: Float64Array, dim: number): Float64Array {
  const Lm = new Float64Array(dim * dim);
  for (let j = 0; j < dim; j++) {
    let s = H[j * dim + j];
    for (let k = 0; k < j; k++) s -= Lm[j * dim + k] ** 2;
    if (!(s > 0)) throw new Error('choleskySolve: matrix is not positive definite');
    const ljj = Math.sqrt(s);
    Lm[j * dim + j] = ljj;
    for (let i = j + 1; i < dim; i++) {
      let t = H[i * dim + j];
      for (let k = 0; k < j; k++) t -= Lm[i * dim + k] * Lm[j * dim + k];
      Lm[i * dim + j] = t / ljj;
    }
  }
  const y = new Float64Array(dim);
  for (let i = 0; i < dim; i++) {
    let t = g[i];
    for (let k = 0; k < i; k++) t -= Lm[i * dim + k] * y[k];
    y[i] = t / Lm[i * dim + i];
  }
  const x = new Float64Array(dim);
  for (let i = dim - 1; i >= 0; i--) {
    let t = y[i];
    for (let k = i + 1; k < dim; k++) t -= Lm[k * dim + i] * x[k];
    x[i] = t / Lm[i * dim + i];
  }
  return x;
}

/** Penalised logistic regression on the training rows' logged (item, slot); returns β. */
function logisticFit(log: ObdLog, train: (i: number) => boolean, l2: number, maxIter: number): { beta: Float64Array; layout: Layout } {
  const L = layoutOf(log);
  const dim = L.dim, nIdx = 3 + L.user.length;
  const beta = new Float64Array(dim);
  // start at the training click rate
  let tc = 0, tn = 0;
  for (let i = 0; i < log.nRows; i++) if (train(i)) { tc += log.click[i]; tn++; }
  const p0 = Math.min(Math.max(tc / Math.max(tn, 1), 1e-4), 1 - 1e-4);
  beta[0] = Math.log(p0 / (1 - p0));
  const idx = new Int32Array(nIdx);
  const all = new Int32Array(nIdx + 2);
  const val = new Float64Array(nIdx + 2);
  for (let it = 0; it < maxIter; it++) {
    const g = new Float64Array(dim), H = new Float64Array(dim * dim);
    for (let i = 0; i < log.nRows; i++) {
      if (!train(i)) continue;
      const f = features(log, L, i, log.itemId[i], idx);
      const p = sigmoid(linear(beta, L, idx, nIdx, f));
      const res = log.click[i] - p, wt = p * (1 - p);
      for (let k = 0; k < nIdx; k++) { all[k] = idx[k]; val[k] = 1; }
      all[nIdx] = L.aff; val[nIdx] = f[0];
      all[nIdx + 1] = L.aff + 1; val[nIdx + 1] = f[1];
      for (let a = 0; a < nIdx + 2; a++) {
        if (val[a] === 0) continue;
        g[all[a]] += res * val[a];
        for (let b = 0; b < nIdx + 2; b++) if (val[b] !== 0) H[all[a] * dim + all[b]] += wt * val[a] * val[b];
      }
    }
    for (let k = 1; k < dim; k++) { g[k] -= l2 * beta[k]; H[k * dim + k] += l2; }
    H[0] += 1e-9;
    const step = choleskySolve(H, g, dim);
    let maxStep = 0;
    for (let k = 0; k < dim; k++) { beta[k] += step[k]; maxStep = Math.max(maxStep, Math.abs(step[k])); }
    if (maxStep < 1e-10) break;
  }
  return { beta, layout: L };
}

/** Cross-fitted q̂ for every row and item at the row's slot: out[i * nItems + a]. */
export function fitRewardModel(log: ObdLog, spec: RewardModelSpec, folds: number): Float64Array {
  const n = log.nRows, m = log.nItems;
  const out = new Float64Array(n * m);
  const idx = new Int32Array(3 + log.userFeatures.length);
  for (let k = 0; k < folds; k++) {
    const train = folds === 1 ? () => true : (i: number) => i % folds !== k;
    const predict = folds === 1 ? () => true : (i: number) => i % folds === k;
    if (spec.kind === 'item_position') {
      const table = itemPositionFit(log, train, spec.prior);
      for (let i = 0; i < n; i++) {
        if (!predict(i)) continue;
        const row = (log.position[i] - 1) * m;
        for (let a = 0; a < m; a++) out[i * m + a] = table[row + a];
      }
    } else {
      const { beta, layout } = logisticFit(log, train, spec.l2, spec.maxIter);
      for (let i = 0; i < n; i++) {
        if (!predict(i)) continue;
        for (let a = 0; a < m; a++) out[i * m + a] = sigmoid(linear(beta, layout, idx, idx.length, features(log, layout, i, a, idx)));
      }
    }
  }
  return out;
}
