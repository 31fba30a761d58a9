import { Rng } from '../math/rng';
import { sampleBeta } from './sample';
import { argmaxRandomTie, type Choice, type SelectOptions, type Strategy } from './strategy';
import { isExploration, type ArmStats } from './arm-stats';

/*
 * Thompson sampling: draw a plausible mean for each arm from its posterior and play the largest.
 * Its propensity has no closed form, so it is estimated by Monte Carlo: `propensitySamples` more
 * posterior draws (on a second stream of the same seed) plus the decision's own draw, giving
 * p̂_i = (wins_i + [i chosen]) / (M + 1), never 0 for the chosen arm.
 */

export interface ThompsonBetaParams {
  alpha0: number;
  beta0: number;
  /**
   * `fractional`: a reward r in [0,1] adds r to α and 1 − r to β. `bernoulli`: the Bernoulli
   * trick (Agrawal & Goyal), a success drawn with probability r adds 1 to α, a failure 1 to β.
   */
  update: 'fractional' | 'bernoulli';
  propensitySamples: number;
}

export interface ThompsonGaussianParams {
  priorMean: number;
  priorVar: number;
  /** Known reward variance σ² of the Normal likelihood; 0.25 is the largest a [0,1] reward has. */
  noiseVar: number;
  propensitySamples: number;
}

/** Beta posterior of an arm: (α0 + S, β0 + n − S), S the fractional or Bernoulli successes. */
export function betaPosterior(a: ArmStats, p: Pick<ThompsonBetaParams, 'alpha0' | 'beta0' | 'update'>): { alpha: number; beta: number } {
  const s = p.update === 'bernoulli' ? a.successes : a.sum;
  return { alpha: p.alpha0 + s, beta: p.beta0 + Math.max(0, a.n - s) };
}

/** Normal posterior of an arm's mean with a N(μ0, τ0²) prior and known noise σ²: precision adds n/σ². */
export function gaussianPosterior(a: ArmStats, p: Pick<ThompsonGaussianParams, 'priorMean' | 'priorVar' | 'noiseVar'>): { mean: number; variance: number } {
  const precision = 1 / p.priorVar + a.n / p.noiseVar;
  const variance = 1 / precision;
  return { mean: variance * (p.priorMean / p.priorVar + a.sum / p.noiseVar), variance };
}

function thompson(arms: readonly ArmStats[], draw: (i: number, rng: Rng) => number, samples: number, rng: Rng, opts?: SelectOptions): Choice {
  const draws = arms.map((_, i) => draw(i, rng));
  const [arm] = argmaxRandomTie(draws, rng);
  const explore = isExploration(arms, arm);
  if (opts?.propensities === false || samples <= 0) return { arm, propensity: NaN, probabilities: [], explore };
  // The estimate's stream is derived from the decision's next draw, so it is seeded too.
  const mc = Rng.create(rng.nextU32(), 0x7470);
  const wins = arms.map(() => 0);
  for (let m = 0; m < samples; m++) wins[argmaxRandomTie(arms.map((_, i) => draw(i, mc)), mc)[0]]!++;
  wins[arm]!++;
  const probabilities = wins.map((w) => w / (samples + 1));
  return { arm, propensity: probabilities[arm]!, probabilities, explore };
}

export const thompsonBeta: Strategy<ThompsonBetaParams> = {
  name: 'thompson-beta',
  title: 'Thompson sampling, Beta–Bernoulli',
  select(arms, params, rng, opts) {
    const post = arms.map((a) => betaPosterior(a, params));
    return thompson(arms, (i, r) => sampleBeta(post[i]!.alpha, post[i]!.beta, r), params.propensitySamples, rng, opts);
  },
};

export const thompsonGaussian: Strategy<ThompsonGaussianParams> = {
  name: 'thompson-gaussian',
  title: 'Thompson sampling, Gaussian',
  select(arms, params, rng, opts) {
    const post = arms.map((a) => gaussianPosterior(a, params));
    return thompson(arms, (i, r) => post[i]!.mean + Math.sqrt(post[i]!.variance) * r.normal(), params.propensitySamples, rng, opts);
  },
};
