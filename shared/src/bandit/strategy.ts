import type { Rng } from '../math/rng';
import type { ArmStats } from './arm-stats';

/*
 * The contract every bandit strategy meets: a pure, seeded choice among the offered arms from
 * their stats, with the propensity of that choice (the rewards are importance-weighted by it).
 */

/** One decision of a strategy over the arms it was offered (indices into that list). */
export interface Choice {
  arm: number;
  /** Probability that the strategy picks `arm` given these stats (NaN when not computed). */
  propensity: number;
  /** The probability of each offered arm (empty when not computed). */
  probabilities: number[];
  /** True when the arm is not among the empirically best (highest mean) arms. */
  explore: boolean;
}

export interface SelectOptions {
  /** Compute propensities even where that costs Monte Carlo draws (Thompson). Default true. */
  propensities?: boolean;
}

/** A strategy: a pure, seeded choice from the stats; its params are plain JSON. */
export interface Strategy<P = Record<string, unknown>> {
  readonly name: StrategyName;
  readonly title: string;
  select(arms: readonly ArmStats[], params: P, rng: Rng, opts?: SelectOptions): Choice;
}

export const STRATEGY_NAMES = ['epsilon-greedy', 'ucb1', 'thompson-beta', 'thompson-gaussian', 'exp3'] as const;
export type StrategyName = (typeof STRATEGY_NAMES)[number];

/** Index of the largest value; ties go to a uniform draw among them. Returns [index, tie count]. */
export function argmaxRandomTie(values: readonly number[], rng: Rng): [number, number] {
  let best = -Infinity;
  const ties: number[] = [];
  values.forEach((v, i) => {
    if (v > best) {
      best = v;
      ties.length = 0;
      ties.push(i);
    } else if (v === best) ties.push(i);
  });
  if (ties.length === 0) return [0, values.length]; // all NaN: should not happen
  return [ties.length === 1 ? ties[0]! : ties[rng.int(ties.length)]!, ties.length];
}
