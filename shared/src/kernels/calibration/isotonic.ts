/*
 * Isotonic regression by pool-adjacent-violators (PAV), for calibrating probabilities.
 *
 * pav(y, w) returns the non-decreasing sequence closest to y in weighted least squares: a stack of
 * blocks (weighted mean, weight, length); each new point is pushed, then merged with the block
 * below while that block's mean is larger. isotonicFit sorts points by x (ties in x pooled first,
 * so equal x always get one value), and keeps blocks as [xLo, xHi] → value. isotonicPredict gives
 * a block's value inside it, interpolates linearly from (xHi_i, v_i) to (xLo_{i+1}, v_{i+1})
 * between blocks, and holds the end values outside the fitted range (scikit-learn's rule).
 */

export function pav(y: readonly number[], w?: readonly number[]): number[] {
  const mean: number[] = [], weight: number[] = [], len: number[] = [];
  for (let i = 0; i < y.length; i++) {
    let m = y[i], wt = w ? w[i] : 1, l = 1;
    while (mean.length && mean[mean.length - 1] > m) {
      const pm = mean.pop()!, pw = weight.pop()!, pl = len.pop()!;
      m = (pm * pw + m * wt) / (pw + wt);
      wt += pw;
      l += pl;
    }
    mean.push(m);
    weight.push(wt);
    len.push(l);
  }
  const out: number[] = [];
  for (let b = 0; b < mean.length; b++) for (let k = 0; k < len[b]; k++) out.push(mean[b]);
  return out;
}

export interface IsotonicModel {
  xLo: number[];
  xHi: number[];
  value: number[];
}

export function isotonicFit(x: readonly number[], y: readonly number[], w?: readonly number[]): IsotonicModel {
  if (x.length === 0) throw new Error('isotonicFit: no points');
  const order = x.map((_, i) => i).sort((a, b) => x[a] - x[b] || a - b);
  // pool equal x into one weighted point
  const ux: number[] = [], uy: number[] = [], uw: number[] = [];
  for (const i of order) {
    const wi = w ? w[i] : 1;
    const last = ux.length - 1;
    if (last >= 0 && ux[last] === x[i]) {
      uy[last] = (uy[last] * uw[last] + y[i] * wi) / (uw[last] + wi);
      uw[last] += wi;
    } else {
      ux.push(x[i]);
      uy.push(y[i]);
      uw.push(wi);
    }
  }
  const fitted = pav(uy, uw);
  const m: IsotonicModel = { xLo: [], xHi: [], value: [] };
  for (let i = 0; i < ux.length; i++) {
    const b = m.value.length - 1;
    if (b >= 0 && m.value[b] === fitted[i]) m.xHi[b] = ux[i];
    else { m.xLo.push(ux[i]); m.xHi.push(ux[i]); m.value.push(fitted[i]); }
  }
  return m;
}

export function isotonicPredict(m: IsotonicModel, x: number): number {
  const nb = m.value.length;
  if (x <= m.xLo[0]) return m.value[0];
  if (x >= m.xHi[nb - 1]) return m.value[nb - 1];
  // last block whose xLo ≤ x (binary search)
  let lo = 0, hi = nb - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (m.xLo[mid] <= x) lo = mid; else hi = mid - 1;
  }
  if (x <= m.xHi[lo]) return m.value[lo];
  const x0 = m.xHi[lo], x1 = m.xLo[lo + 1];
  return m.value[lo] + ((x - x0) / (x1 - x0)) * (m.value[lo + 1] - m.value[lo]);
}
