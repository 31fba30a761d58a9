import type { Rng } from '../math/rng';
import { argmaxRandomTie, type Choice, type Strategy } from './strategy';
import { isExploration, meanOf, type ArmStats } from './arm-stats';

export interface Ucb1Params {
  /** Exploration constant c in mean + sqrt(c ln N / pulls); Auer et al.'s UCB1 has c = 2. */
  c: number;
}

/**
 * UCB1 index of each arm: mean + sqrt(c · ln N / pulls), N = Σ pulls. The mean is over observed
 * rewards (0.5 before the first one, while a pull is still waiting for its reward); the bonus
 * counts pulls, so a dispatched arm's bonus shrinks before its rewards come back. An arm never
 * pulled has index +∞.
 */
export function ucb1Indices(arms: readonly ArmStats[], c: number): number[] {
  const total = arms.reduce((s, a) => s + a.pulls, 0);
  const logN = Math.log(Math.max(total, 1));
  return arms.map((a) => (a.pulls === 0 ? Infinity : meanOf(a) + Math.sqrt((c * logN) / a.pulls)));
}

/** Deterministic: the highest index wins (ties drawn uniformly), so its propensity is 1 / ties. */
export const ucb1: Strategy<Ucb1Params> = {
  name: 'ucb1',
  title: 'UCB1 (upper confidence bound)',
  select(arms, params, rng: Rng): Choice {
    const idx = ucb1Indices(arms, params.c);
    const [arm, ties] = argmaxRandomTie(idx, rng);
    const top = idx[arm]!;
    const probabilities = idx.map((v) => (v === top ? 1 / ties : 0));
    return { arm, propensity: 1 / ties, probabilities, explore: isExploration(arms, arm) };
  },
};
