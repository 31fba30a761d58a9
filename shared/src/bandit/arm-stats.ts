import type { Rng } from '../math/rng';

/*
 * What every bandit strategy sees of an arm: additive sufficient statistics. Because they only
 * ever grow by sums, the coordinator keeps them with SQL increments (safe with several
 * coordinators), and swapping the strategy keeps all history: every strategy reads the same stats.
 */
export interface ArmStats {
  /** Times the arm was dispatched (a pull may still wait for its reward). */
  pulls: number;
  /** Rewards observed. */
  n: number;
  /** Σ reward (each in [0, 1]). */
  sum: number;
  /** Σ reward². */
  sumSq: number;
  /** Σ Bernoulli(reward) draws: the binarised successes Beta–Bernoulli Thompson may use. */
  successes: number;
  /** Σ (1 − reward) / propensity: EXP3's importance-weighted loss estimate. */
  iwLoss: number;
}

export const emptyStats = (): ArmStats => ({ pulls: 0, n: 0, sum: 0, sumSq: 0, successes: 0, iwLoss: 0 });

/** Empirical mean reward, or `prior` before the first reward. */
export const meanOf = (a: ArmStats, prior = 0.5): number => (a.n > 0 ? a.sum / a.n : prior);

/**
 * Folds one observed reward into an arm's stats (returns a new object). `propensity` is the
 * probability with which the pull was chosen; `rng` draws the Bernoulli success.
 */
export function observe(a: ArmStats, reward: number, propensity: number, rng: Rng): ArmStats {
  const r = clamp01(reward);
  const p = Number.isFinite(propensity) && propensity > 0 ? propensity : 1;
  return {
    pulls: a.pulls,
    n: a.n + 1,
    sum: a.sum + r,
    sumSq: a.sumSq + r * r,
    successes: a.successes + (rng.next() < r ? 1 : 0),
    iwLoss: a.iwLoss + (1 - r) / p,
  };
}

export function clamp01(x: number): number {
  if (!Number.isFinite(x)) return 0;
  return x < 0 ? 0 : x > 1 ? 1 : x;
}

/** The arms with the highest empirical mean among those with at least one reward. */
export function greedyArms(arms: readonly ArmStats[]): number[] {
  let best = -Infinity;
  let out: number[] = [];
  arms.forEach((a, i) => {
    if (a.n === 0) return;
    const m = a.sum / a.n;
    if (m > best + 1e-12) {
      best = m;
      out = [i];
    } else if (Math.abs(m - best) <= 1e-12) out.push(i);
  });
  return out;
}

/** Whether choosing `arm` explores: it is not one of the empirically best arms. */
export const isExploration = (arms: readonly ArmStats[], arm: number): boolean => !greedyArms(arms).includes(arm);
