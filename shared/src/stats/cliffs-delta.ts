/*
 * Cliff's delta (Cliff 1993, Psychological Bulletin 114:494–509), the ordinal dominance effect
 * size: δ = (#{xᵢ > yⱼ} − #{xᵢ < yⱼ}) / (nx · ny), in [−1, 1]; it equals 2·AUC − 1 and
 * (2U/(nx·ny)) − 1 for the Mann–Whitney U of x. Counted in O((nx + ny) log ny) by binary search
 * in sorted y, so large samples are cheap.
 */
import { requireSample } from '../math/validate';

export interface CliffsDeltaResult {
  delta: number;
  /** Pairs with x > y. */
  greater: number;
  /** Pairs with x < y. */
  less: number;
  /** Pairs with x = y. */
  ties: number;
  pairs: number;
}

/** Number of entries of ascending `s` strictly below v (or ≤ v when `inclusive`). */
function rank(s: Float64Array, v: number, inclusive: boolean): number {
  let lo = 0, hi = s.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (s[mid] < v || (inclusive && s[mid] === v)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function cliffsDelta(x: readonly number[], y: readonly number[]): CliffsDeltaResult {
  requireSample('x', x);
  requireSample('y', y);
  const sy = Float64Array.from(y).sort();
  let greater = 0, less = 0;
  for (const v of x) {
    const below = rank(sy, v, false);
    const atOrBelow = rank(sy, v, true);
    greater += below;
    less += sy.length - atOrBelow;
  }
  const pairs = x.length * y.length;
  return { delta: (greater - less) / pairs, greater, less, ties: pairs - greater - less, pairs };
}
