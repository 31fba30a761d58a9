import { Rng } from '../../math/rng';

/*
 * Rank-based pieces of the copula kernels: pseudo-observations U = R/(n+1), Kendall's tau-b in
 * O(n log n) (Knight 1966), and the empirical copula C_n evaluated at the sample points
 * (a sweep over u with a Fenwick tree over the ranks of v).
 *
 * Scores are integers, so real data has many ties. Two treatments:
 * - `average`: tied values share their mean rank (mid-ranks);
 * - `jitter`: ties are broken in a random order drawn from `tieSeed`, the usual way of applying
 *   continuous-copula methods to discrete data. The seed is a parameter of its own, not the WU's
 *   seed, so every WU of a batch sees the same pseudo-observations.
 */

export type TieMethod = 'average' | 'jitter';

/** 1-based ranks of x; ties by mean rank, or by the order of `keys` (then index) when given. */
export function ranks(x: ArrayLike<number>, keys?: ArrayLike<number>): Float64Array {
  const n = x.length;
  const idx = Array.from({ length: n }, (_, i) => i);
  if (keys) idx.sort((a, b) => x[a] - x[b] || keys[a] - keys[b] || a - b);
  else idx.sort((a, b) => x[a] - x[b] || a - b);
  const r = new Float64Array(n);
  if (keys) {
    idx.forEach((i, pos) => { r[i] = pos + 1; });
    return r;
  }
  for (let s = 0; s < n;) {
    let e = s + 1;
    while (e < n && x[idx[e]] === x[idx[s]]) e++;
    const mean = (s + 1 + e) / 2; // ranks s+1..e
    for (let k = s; k < e; k++) r[idx[k]] = mean;
    s = e;
  }
  return r;
}

export interface PseudoObservations {
  u: Float64Array;
  v: Float64Array;
}

/** U_i = rank(x_i)/(n+1), V_i = rank(y_i)/(n+1). */
export function pseudoObservations(x: ArrayLike<number>, y: ArrayLike<number>, ties: TieMethod, tieSeed = 1): PseudoObservations {
  const n = x.length;
  if (y.length !== n) throw new Error('pseudoObservations: x and y differ in length');
  let kx: Float64Array | undefined, ky: Float64Array | undefined;
  if (ties === 'jitter') {
    const rng = Rng.create(tieSeed >>> 0, 0x7e5);
    kx = Float64Array.from({ length: n }, () => rng.next());
    ky = Float64Array.from({ length: n }, () => rng.next());
  }
  const rx = ranks(x, kx), ry = ranks(y, ky);
  for (let i = 0; i < n; i++) { rx[i] /= n + 1; ry[i] /= n + 1; }
  return { u: rx, v: ry };
}

/** Pairs i < j with y_i > y_j, counted by merge sort; sorts `a` in place (with `tmp` as scratch). */
function countInversions(a: Float64Array, tmp: Float64Array, lo: number, hi: number): number {
  if (hi - lo < 2) return 0;
  const mid = (lo + hi) >>> 1;
  let inv = countInversions(a, tmp, lo, mid) + countInversions(a, tmp, mid, hi);
  let i = lo, j = mid, k = lo;
  while (i < mid && j < hi) {
    if (a[j] < a[i]) { inv += mid - i; tmp[k++] = a[j++]; } else tmp[k++] = a[i++];
  }
  while (i < mid) tmp[k++] = a[i++];
  while (j < hi) tmp[k++] = a[j++];
  for (k = lo; k < hi; k++) a[k] = tmp[k];
  return inv;
}

const pairs = (t: number) => (t * (t - 1)) / 2;

/** Kendall's tau-b (equals tau-a without ties). NaN when x or y is constant. */
export function kendallTauB(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const n = x.length;
  const idx = Array.from({ length: n }, (_, i) => i).sort((a, b) => x[a] - x[b] || y[a] - y[b]);
  let tiesX = 0, tiesXY = 0;
  for (let s = 0; s < n;) {
    let e = s + 1;
    while (e < n && x[idx[e]] === x[idx[s]]) e++;
    tiesX += pairs(e - s);
    for (let a = s; a < e;) {
      let b = a + 1;
      while (b < e && y[idx[b]] === y[idx[a]]) b++;
      tiesXY += pairs(b - a);
      a = b;
    }
    s = e;
  }
  const ys = Float64Array.from(idx, (i) => y[i]);
  const discordant = countInversions(ys, new Float64Array(n), 0, n);
  let tiesY = 0;
  for (let s = 0; s < n;) {
    let e = s + 1;
    while (e < n && ys[e] === ys[s]) e++;
    tiesY += pairs(e - s);
    s = e;
  }
  const total = pairs(n);
  return (total - tiesX - tiesY + tiesXY - 2 * discordant) / Math.sqrt((total - tiesX) * (total - tiesY));
}

/** C_n(u_i, v_i) = #{j : u_j ≤ u_i, v_j ≤ v_i} / n for every sample point. */
export function empiricalCopulaAtPoints(u: ArrayLike<number>, v: ArrayLike<number>): Float64Array {
  const n = u.length;
  const vs = Float64Array.from(v).sort();
  const vRank = (x: number): number => { // 1-based index of the last vs element ≤ x
    let lo = 0, hi = n;
    while (lo < hi) { const m = (lo + hi) >>> 1; if (vs[m] <= x) lo = m + 1; else hi = m; }
    return lo;
  };
  const tree = new Int32Array(n + 1);
  const idx = Array.from({ length: n }, (_, i) => i).sort((a, b) => u[a] - u[b]);
  const out = new Float64Array(n);
  const rk = new Int32Array(n);
  for (let i = 0; i < n; i++) rk[i] = vRank(v[i]);
  for (let s = 0; s < n;) {
    let e = s + 1;
    while (e < n && u[idx[e]] === u[idx[s]]) e++;
    for (let k = s; k < e; k++) for (let p = rk[idx[k]]; p <= n; p += p & -p) tree[p]++;
    for (let k = s; k < e; k++) {
      let c = 0;
      for (let p = rk[idx[k]]; p > 0; p -= p & -p) c += tree[p];
      out[idx[k]] = c / n;
    }
    s = e;
  }
  return out;
}
