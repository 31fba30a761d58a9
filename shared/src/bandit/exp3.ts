import type { Rng } from '../math/rng';
import { drawIndex } from './epsilon-greedy';
import { isExploration, type ArmStats } from './arm-stats';
import { type Choice, type Strategy } from './strategy';

export interface Exp3Params {
  /** Uniform mixing γ: every arm keeps at least γ/K probability (bounded propensities). */
  gamma: number;
  /** Learning rate η; null: the anytime rate sqrt(ln K / (K·t)), t = Σ pulls. */
  eta: number | null;
}

/** The learning rate in force. */
export function exp3Eta(params: Exp3Params, k: number, pulls: number): number {
  if (params.eta !== null) return params.eta;
  return Math.sqrt(Math.log(Math.max(k, 2)) / (k * Math.max(pulls, 1)));
}

/**
 * EXP3 with the loss-based importance-weighted estimator (Lattimore & Szepesvári, Bandit
 * Algorithms §11.4): each reward r of a pull chosen with probability p adds (1 − r)/p to the
 * arm's estimated loss L̂. Weights w_i = exp(−η (L̂_i − min L̂)) and
 *   p_i = (1 − γ) w_i / Σ w + γ / K.
 * Nothing assumes rewards are stationary: an adversary may change them (regret O(√(T K ln K))).
 */
export function exp3Probabilities(arms: readonly ArmStats[], params: Exp3Params): { weights: number[]; probabilities: number[] } {
  const k = arms.length;
  const eta = exp3Eta(params, k, arms.reduce((s, a) => s + a.pulls, 0));
  const minLoss = Math.min(...arms.map((a) => a.iwLoss));
  const weights = arms.map((a) => Math.exp(-eta * (a.iwLoss - minLoss)));
  const total = weights.reduce((s, w) => s + w, 0);
  const probabilities = weights.map((w) => (1 - params.gamma) * (w / total) + params.gamma / k);
  return { weights, probabilities };
}

export const exp3: Strategy<Exp3Params> = {
  name: 'exp3',
  title: 'EXP3 (adversarial)',
  select(arms, params, rng: Rng): Choice {
    const { probabilities } = exp3Probabilities(arms, params);
    const arm = drawIndex(probabilities, rng);
    return { arm, propensity: probabilities[arm]!, probabilities, explore: isExploration(arms, arm) };
  },
};
