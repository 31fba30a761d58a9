import { studentTQuantile } from '../stats/index';
import type { ArmStats } from './arm-stats';

/*
 * What the console shows of each arm: its mean reward with a confidence interval, and the
 * estimated regret of what was dispatched against the arm that looks best now.
 */

export interface Interval { lower: number; upper: number; level: number }

/**
 * Student-t interval for the mean reward: mean ± t_{n−1,(1+level)/2} · s/√n, clipped to [0, 1]
 * (rewards live there). With fewer than two rewards nothing is known: [0, 1].
 */
export function meanInterval(a: Pick<ArmStats, 'n' | 'sum' | 'sumSq'>, level = 0.95): Interval {
  if (a.n < 2) return { lower: 0, upper: 1, level };
  const mean = a.sum / a.n;
  const s2 = Math.max(0, (a.sumSq - a.n * mean * mean) / (a.n - 1));
  const half = studentTQuantile((1 + level) / 2, a.n - 1) * Math.sqrt(s2 / a.n);
  return { lower: Math.max(0, mean - half), upper: Math.min(1, mean + half), level };
}

/**
 * Estimated cumulative regret: Σ pulls_i · (best mean − mean_i) over the arms with rewards,
 * where "best" is the highest empirical mean. Arms without a reward yet are left out (unknown).
 */
export function estimatedRegret(arms: readonly Pick<ArmStats, 'pulls' | 'n' | 'sum'>[]): { regret: number; bestMean: number | null; best: number | null } {
  let best: number | null = null;
  let bestMean = -Infinity;
  arms.forEach((a, i) => {
    if (a.n > 0 && a.sum / a.n > bestMean) {
      bestMean = a.sum / a.n;
      best = i;
    }
  });
  if (best === null) return { regret: 0, bestMean: null, best: null };
  const regret = arms.reduce((s, a) => (a.n > 0 ? s + a.pulls * (bestMean - a.sum / a.n) : s), 0);
  return { regret, bestMean, best };
}
