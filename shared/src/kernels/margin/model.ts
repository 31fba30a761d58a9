import { goldenMin } from '../calibration/spread';
import { normalCdf } from '../../math/normal';

/*
 * Distributions of the final home margin given the closing line, on the integers −K..K:
 *
 *   normal       P(k) ∝ Φ((k + ½ − μ)/σ) − Φ((k − ½ − μ)/σ),  μ = −homeLine
 *   key numbers  P(k) ∝ normal(k) · w_{b(k)},  b(k) = min(|k|, maxKey + 1)
 *
 * The multipliers w (one per absolute margin up to maxKey, one shared by the tail) let 3, 7, 10,
 * 6, 14 … be as common as they are. They maximise the training log-likelihood plus
 * s·Σ_b (ln w_b − w_b) (a Gamma prior with mode 1: s pseudo-games per bucket pull w toward 1),
 * whose optimum satisfies c_b + s = ê_b + s·w_b (c observed, ê expected bucket counts). The
 * multiplicative fixed-point update w_b ← w_b (c_b + s)/(ê_b + s·w_b) is iterated to it.
 *
 * Lines are multiples of ½, so games are grouped by line: an iteration costs (#lines)·(2K+1).
 */

export const MARGIN_K = 80;
const SIZE = 2 * MARGIN_K + 1;

/** Index of margin k in a pmf array. */
export const at = (k: number): number => k + MARGIN_K;

export function normalPmf(mean: number, sigma: number): Float64Array {
  const pmf = new Float64Array(SIZE);
  let prev = normalCdf((-MARGIN_K - 0.5 - mean) / sigma), total = 0;
  for (let k = -MARGIN_K; k <= MARGIN_K; k++) {
    const c = normalCdf((k + 0.5 - mean) / sigma);
    pmf[at(k)] = c - prev;
    total += c - prev;
    prev = c;
  }
  for (let i = 0; i < SIZE; i++) pmf[i] /= total;
  return pmf;
}

export const bucketOf = (k: number, maxKey: number): number => Math.min(Math.abs(k), maxKey + 1);

export function keyPmf(base: Float64Array, w: readonly number[], maxKey: number): Float64Array {
  const pmf = new Float64Array(SIZE);
  let total = 0;
  for (let k = -MARGIN_K; k <= MARGIN_K; k++) {
    const v = base[at(k)] * w[bucketOf(k, maxKey)];
    pmf[at(k)] = v;
    total += v;
  }
  for (let i = 0; i < SIZE; i++) pmf[i] /= total;
  return pmf;
}

export interface LineMargins {
  line: number;
  /** Margins of the games at this line, ascending. */
  margins: number[];
}

export function groupMargins(games: Iterable<{ homeLine: number | null; margin: number }>): LineMargins[] {
  const m = new Map<number, number[]>();
  for (const g of games) {
    if (g.homeLine === null) continue;
    if (Math.abs(g.margin) > MARGIN_K) throw new Error(`margin ${g.margin} is outside ±${MARGIN_K}`);
    let v = m.get(g.homeLine);
    if (!v) m.set(g.homeLine, (v = []));
    v.push(g.margin);
  }
  return [...m.entries()].sort((a, b) => a[0] - b[0]).map(([line, margins]) => ({ line, margins: margins.sort((a, b) => a - b) }));
}

/** Σ ln P(margin) under the discretised Normal; Φ is evaluated only at the margins that occur. */
function normalLogLik(groups: readonly LineMargins[], sigma: number): number {
  let ll = 0;
  for (const g of groups) {
    const mean = -g.line;
    const total = normalCdf((MARGIN_K + 0.5 - mean) / sigma) - normalCdf((-MARGIN_K - 0.5 - mean) / sigma);
    let i = 0;
    while (i < g.margins.length) {
      const k = g.margins[i];
      let count = 0;
      while (i < g.margins.length && g.margins[i] === k) { count++; i++; }
      const p = (normalCdf((k + 0.5 - mean) / sigma) - normalCdf((k - 0.5 - mean) / sigma)) / total;
      ll += count * Math.log(p);
    }
  }
  return ll;
}

/** σ of greatest normal log-likelihood on these games, in [5, 30]. */
export function fitMarginSigma(groups: readonly LineMargins[]): number {
  return goldenMin((s) => -normalLogLik(groups, s), 5, 30, 45);
}

/** Observed training counts per bucket. */
export function bucketCounts(groups: readonly LineMargins[], maxKey: number): number[] {
  const c = new Array<number>(maxKey + 2).fill(0);
  for (const g of groups) for (const k of g.margins) c[bucketOf(k, maxKey)]++;
  return c;
}

/** `iterations` fixed-point updates of the multipliers, in place; returns the largest relative change of the last. */
export function iterateMultipliers(
  w: number[], groups: readonly LineMargins[], bases: readonly Float64Array[], counts: readonly number[],
  smoothing: number, maxKey: number, iterations: number,
): number {
  let change = 0;
  for (let it = 0; it < iterations; it++) {
    const expected = new Array<number>(w.length).fill(0);
    groups.forEach((g, gi) => {
      const pmf = keyPmf(bases[gi], w, maxKey);
      for (let k = -MARGIN_K; k <= MARGIN_K; k++) expected[bucketOf(k, maxKey)] += g.margins.length * pmf[at(k)];
    });
    change = 0;
    for (let b = 0; b < w.length; b++) {
      const next = (w[b] * (counts[b] + smoothing)) / (expected[b] + smoothing * w[b]);
      // a bucket never seen with smoothing 0 would go to 0; floor it so log-likelihoods stay finite
      const v = Math.max(next, 1e-6);
      change = Math.max(change, Math.abs(v - w[b]) / w[b]);
      w[b] = v;
    }
  }
  return change;
}
