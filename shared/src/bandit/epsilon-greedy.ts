import type { Rng } from '../math/rng';
import { greedyArms, type ArmStats } from './arm-stats';
import { type Choice, type Strategy } from './strategy';

export interface EpsilonGreedyParams {
  /** Share of decisions that explore. The scheduler's default 0.2 keeps 20% exploration. */
  epsilon: number;
  /**
   * 0: ε stays fixed (the default; right for a grid whose rewards drift). c > 0: ε_t =
   * min(ε, c·K / t) with t = Σ pulls (Auer et al.'s ε_n-greedy), which makes regret logarithmic.
   */
  decay: number;
}

/** ε in force after `pulls` pulls among `k` arms. */
export function epsilonAt(params: EpsilonGreedyParams, k: number, pulls: number): number {
  if (params.decay <= 0) return params.epsilon;
  return Math.min(params.epsilon, (params.decay * k) / Math.max(pulls, 1));
}

/**
 * Selection probabilities. Greedy arms G (highest empirical mean) share 1 − ε; the other arms
 * share ε, so exactly an ε share of decisions explores (this variant explores among non-greedy
 * arms only, where textbook ε-greedy would spend some of ε on the greedy arm again). Before any
 * reward, or when every arm is greedy, the choice is uniform.
 */
export function epsilonGreedyProbabilities(arms: readonly ArmStats[], params: EpsilonGreedyParams): number[] {
  const k = arms.length;
  const greedy = greedyArms(arms);
  if (greedy.length === 0 || greedy.length === k) return arms.map(() => 1 / k);
  const eps = epsilonAt(params, k, arms.reduce((s, a) => s + a.pulls, 0));
  const g = new Set(greedy);
  return arms.map((_, i) => (g.has(i) ? (1 - eps) / greedy.length : eps / (k - greedy.length)));
}

export const epsilonGreedy: Strategy<EpsilonGreedyParams> = {
  name: 'epsilon-greedy',
  title: 'ε-greedy',
  select(arms, params, rng: Rng): Choice {
    const probabilities = epsilonGreedyProbabilities(arms, params);
    const arm = drawIndex(probabilities, rng);
    const greedy = greedyArms(arms);
    return { arm, propensity: probabilities[arm]!, probabilities, explore: !greedy.includes(arm) };
  },
};

/** Draws an index with the given probabilities (they sum to 1). */
export function drawIndex(probabilities: readonly number[], rng: Rng): number {
  const u = rng.next();
  let acc = 0;
  for (let i = 0; i < probabilities.length; i++) {
    acc += probabilities[i]!;
    if (u < acc) return i;
  }
  // Rounding left u above the total: the last arm with positive probability.
  for (let i = probabilities.length - 1; i >= 0; i--) if (probabilities[i]! > 0) return i;
  return 0;
}
