import { describe, expect, it } from 'vitest';
import { Rng } from '../math/rng';
import { estimatedRegret, meanInterval } from './arm-summary';
import { epsilonAt, epsilonGreedy, epsilonGreedyProbabilities } from './epsilon-greedy';
import { exp3, exp3Eta, exp3Probabilities } from './exp3';
import { sampleBeta, sampleGamma } from './sample';
import { DEFAULT_STRATEGY, StrategySpec, selectArm, strategyParams } from './strategies';
import { betaPosterior, gaussianPosterior, thompsonBeta } from './thompson';
import { emptyStats, greedyArms, observe, type ArmStats } from './arm-stats';
import { ucb1, ucb1Indices } from './ucb1';

/*
 * Each strategy's selection and update math on small cases worked out by hand.
 */

const arm = (pulls: number, sum: number, extra: Partial<ArmStats> = {}): ArmStats => ({ ...emptyStats(), pulls, n: pulls, sum, sumSq: 0, ...extra });

describe('UCB1', () => {
  it('index = mean + sqrt(2 ln N / pulls): by hand for pulls 2 and 3, means 0.5 and 0.8', () => {
    // N = 5, ln 5 = 1.6094379. Arm 0: 0.5 + sqrt(2·1.6094379/2) = 0.5 + 1.2686362 = 1.7686362.
    // Arm 1: 0.8 + sqrt(2·1.6094379/3) = 0.8 + 1.0358372 = 1.8358372.
    const arms = [arm(2, 1), arm(3, 2.4)];
    const [a, b] = ucb1Indices(arms, 2);
    expect(a).toBeCloseTo(1.7686362, 6);
    expect(b).toBeCloseTo(1.8358372, 6);
    const c = ucb1.select(arms, { c: 2 }, Rng.create(1));
    expect(c).toMatchObject({ arm: 1, propensity: 1, probabilities: [0, 1], explore: false });
  });

  it('plays an arm never pulled first (index +∞), and the exploration constant scales the bonus', () => {
    expect(ucb1Indices([arm(4, 3), emptyStats()], 2)).toEqual([0.75 + Math.sqrt((2 * Math.log(4)) / 4), Infinity]);
    expect(ucb1.select([arm(4, 3), emptyStats()], { c: 2 }, Rng.create(1))).toMatchObject({ arm: 1, explore: true });
    // With c = 0 UCB1 is greedy.
    expect(ucb1.select([arm(2, 1), arm(3, 2.4)], { c: 0 }, Rng.create(1)).arm).toBe(1);
    // With c = 8: 0.5 + sqrt(8·ln5/2) = 3.0372725 > 0.8 + sqrt(8·ln5/3) = 2.8716743.
    expect(ucb1.select([arm(2, 1), arm(3, 2.4)], { c: 8 }, Rng.create(1))).toMatchObject({ arm: 0, explore: true });
  });

  it('a pull waiting for its reward shrinks the bonus; its mean stays the 0.5 prior until a reward comes', () => {
    const waiting: ArmStats = { ...emptyStats(), pulls: 3 };
    expect(ucb1Indices([arm(1, 1), waiting], 2)[1]).toBeCloseTo(0.5 + Math.sqrt((2 * Math.log(4)) / 3), 12);
  });

  it('splits ties evenly: propensity 1/ties', () => {
    const c = ucb1.select([arm(2, 1), arm(2, 1)], { c: 2 }, Rng.create(3));
    expect(c.propensity).toBe(0.5);
    expect(c.probabilities).toEqual([0.5, 0.5]);
  });
});

describe('Thompson sampling', () => {
  it('Beta posterior: fractional rewards add r to α and 1 − r to β; the Bernoulli trick counts drawn successes', () => {
    // Four rewards 1, 0.5, 0.75, 0.25: Σr = 2.5, so Beta(1 + 2.5, 1 + 4 − 2.5) = Beta(3.5, 2.5).
    const rng = Rng.create(9);
    let a = emptyStats();
    for (const r of [1, 0.5, 0.75, 0.25]) a = observe(a, r, 1, rng);
    expect(betaPosterior(a, { alpha0: 1, beta0: 1, update: 'fractional' })).toEqual({ alpha: 3.5, beta: 2.5 });
    // Bernoulli: with 3 successes of 4, Beta(1 + 3, 1 + 1).
    expect(betaPosterior({ ...a, successes: 3 }, { alpha0: 1, beta0: 1, update: 'bernoulli' })).toEqual({ alpha: 4, beta: 2 });
    // A stronger prior Beta(2, 3) adds to both.
    expect(betaPosterior(a, { alpha0: 2, beta0: 3, update: 'fractional' })).toEqual({ alpha: 4.5, beta: 4.5 });
    // The Bernoulli trick counts a success with probability r: over many draws of r = 0.3, about 30%.
    let b = emptyStats();
    const r2 = Rng.create(4);
    for (let i = 0; i < 10_000; i++) b = observe(b, 0.3, 1, r2);
    expect(b.successes / b.n).toBeCloseTo(0.3, 1.5);
  });

  it('Gaussian posterior with known noise: precision 1/τ0² + n/σ², mean (μ0/τ0² + Σr/σ²)/precision', () => {
    // Prior N(0.5, 1), σ² = 0.25, four rewards summing to 2.8: precision 1 + 16 = 17,
    // mean (0.5 + 11.2)/17 = 0.6882353, variance 1/17 = 0.0588235.
    const p = gaussianPosterior({ ...emptyStats(), n: 4, pulls: 4, sum: 2.8 }, { priorMean: 0.5, priorVar: 1, noiseVar: 0.25 });
    expect(p.mean).toBeCloseTo(0.6882353, 7);
    expect(p.variance).toBeCloseTo(0.0588235, 7);
  });

  it('samples Gamma and Beta with the right means', () => {
    const rng = Rng.create(11);
    const n = 20_000;
    let g = 0;
    let gs = 0;
    let bsum = 0;
    for (let i = 0; i < n; i++) {
      g += sampleGamma(2.5, rng);
      gs += sampleGamma(0.4, rng);
      bsum += sampleBeta(3.5, 2.5, rng);
    }
    expect(g / n).toBeCloseTo(2.5, 1);
    expect(gs / n).toBeCloseTo(0.4, 1);
    expect(bsum / n).toBeCloseTo(3.5 / 6, 2);
  });

  it('estimates its propensity by Monte Carlo, reproducibly, and never 0 for the chosen arm', () => {
    const strong = { ...emptyStats(), pulls: 101, n: 101, sum: 100 };
    const weak = { ...emptyStats(), pulls: 101, n: 101, sum: 1 };
    const params = strategyParams('thompson-beta') as never;
    const c = thompsonBeta.select([weak, strong], params, Rng.create(5));
    expect(c.arm).toBe(1);
    expect(c.propensity).toBeGreaterThan(0.99);
    expect(c.probabilities.reduce((s, p) => s + p, 0)).toBeCloseTo(1, 12);
    expect(thompsonBeta.select([weak, strong], params, Rng.create(5))).toEqual(c);
    // Two identical arms: about even.
    const even = thompsonBeta.select([arm(10, 5), arm(10, 5)], params, Rng.create(6));
    expect(even.probabilities[0]).toBeGreaterThan(0.4);
    expect(even.probabilities[0]).toBeLessThan(0.6);
  });
});

describe('ε-greedy', () => {
  it('gives the greedy arm 1 − ε and splits ε among the others', () => {
    const arms = [arm(5, 1), arm(5, 3), emptyStats()];
    expect(epsilonGreedyProbabilities(arms, { epsilon: 0.2, decay: 0 })).toEqual([0.1, 0.8, 0.1]);
    // Tied greedy arms share 1 − ε.
    const tied = [arm(5, 3), arm(5, 3), arm(5, 1), arm(5, 0)];
    expect(epsilonGreedyProbabilities(tied, { epsilon: 0.2, decay: 0 })).toEqual([0.4, 0.4, 0.1, 0.1]);
    // Before any reward: uniform.
    expect(epsilonGreedyProbabilities([emptyStats(), emptyStats()], { epsilon: 0.2, decay: 0 })).toEqual([0.5, 0.5]);
  });

  it('explores in about ε of its decisions, and its propensity is the probability it used', () => {
    const arms = [arm(5, 1), arm(5, 3), arm(5, 2)];
    const rng = Rng.create(21);
    let explored = 0;
    let wrong = 0;
    for (let i = 0; i < 20_000; i++) {
      const c = epsilonGreedy.select(arms, { epsilon: 0.2, decay: 0 }, rng);
      if (c.propensity !== (c.arm === 1 ? 0.8 : 0.1)) wrong++;
      if (c.explore) explored++;
    }
    expect(wrong).toBe(0);
    expect(explored / 20_000).toBeCloseTo(0.2, 2);
  });

  it('with decay c, ε_t = min(ε, c·K/t)', () => {
    expect(epsilonAt({ epsilon: 0.2, decay: 5 }, 3, 300)).toBeCloseTo(0.05, 12);
    expect(epsilonAt({ epsilon: 0.2, decay: 5 }, 3, 30)).toBe(0.2);
    expect(epsilonAt({ epsilon: 0.2, decay: 0 }, 3, 1e9)).toBe(0.2);
  });
});

describe('EXP3', () => {
  it('weights exp(−η (L̂ − min L̂)) and probabilities (1 − γ) w/Σw + γ/K: by hand for L̂ = 0, 2, 4, η = 0.5, γ = 0.1', () => {
    // w = 1, e^−1 = 0.3678794, e^−2 = 0.1353353; Σw = 1.5032147.
    // p0 = 0.9 · 1/1.5032147 + 0.1/3 = 0.5987169 + 0.0333333 = 0.6320502
    // p1 = 0.9 · 0.3678794/1.5032147 + 0.0333333 = 0.2535890, p2 = 0.1143608.
    const arms = [0, 2, 4].map((l) => ({ ...emptyStats(), pulls: 4, iwLoss: l }));
    const { weights, probabilities } = exp3Probabilities(arms, { gamma: 0.1, eta: 0.5 });
    expect(weights[1]).toBeCloseTo(0.3678794, 7);
    expect(weights[2]).toBeCloseTo(0.1353353, 7);
    expect(probabilities[0]).toBeCloseTo(0.6320502, 7);
    expect(probabilities[1]).toBeCloseTo(0.2535890, 7);
    expect(probabilities[2]).toBeCloseTo(0.1143608, 7);
    const c = exp3.select(arms, { gamma: 0.1, eta: 0.5 }, Rng.create(2));
    expect(c.propensity).toBe(probabilities[c.arm]);
  });

  it('the anytime learning rate is sqrt(ln K / (K t)); the loss estimate grows by (1 − r)/p', () => {
    expect(exp3Eta({ gamma: 0, eta: null }, 3, 12)).toBeCloseTo(0.1746912, 7);
    expect(exp3Eta({ gamma: 0, eta: 0.3 }, 3, 12)).toBe(0.3);
    // A reward of 0.25 on a pull chosen with probability 0.5 adds 0.75/0.5 = 1.5.
    const a = observe(emptyStats(), 0.25, 0.5, Rng.create(1));
    expect(a.iwLoss).toBe(1.5);
    expect(observe(a, 1, 0.2, Rng.create(1)).iwLoss).toBe(1.5);
  });
});

describe('shared stats and specs', () => {
  it('observe() sums rewards (clamped to [0, 1]) and squares', () => {
    let a = emptyStats();
    for (const r of [0.5, 2, -1]) a = observe(a, r, 1, Rng.create(1));
    expect(a).toMatchObject({ n: 3, sum: 1.5, sumSq: 1.25 });
    expect(greedyArms([arm(2, 1), arm(2, 1.5), emptyStats()])).toEqual([1]);
  });

  it('mean reward interval: Student t by hand for 0.2, 0.4, 0.6, 0.8', () => {
    // mean 0.5, s² = 0.2/3, se = 0.1290994, t(3, 0.975) = 3.1824463: half-width 0.4108521.
    const ci = meanInterval({ n: 4, sum: 2, sumSq: 0.04 + 0.16 + 0.36 + 0.64 });
    expect(ci.lower).toBeCloseTo(0.0891479, 6);
    expect(ci.upper).toBeCloseTo(0.9108521, 6);
    expect(meanInterval({ n: 1, sum: 1, sumSq: 1 })).toEqual({ lower: 0, upper: 1, level: 0.95 });
  });

  it('estimated regret weighs each arm\'s pulls by its gap to the best mean', () => {
    expect(estimatedRegret([{ pulls: 10, n: 10, sum: 5 }, { pulls: 30, n: 30, sum: 24 }, { pulls: 3, n: 0, sum: 0 }]))
      .toEqual({ regret: 10 * (0.8 - 0.5), bestMean: 0.8, best: 1 });
  });

  it('checks strategy specs, filling defaults and refusing unknown parameters', () => {
    expect(StrategySpec.parse({ strategy: 'ucb1' })).toEqual({ strategy: 'ucb1', params: { c: 2 } });
    expect(StrategySpec.safeParse({ strategy: 'ucb1', params: { c: -1 } }).success).toBe(false);
    expect(StrategySpec.safeParse({ strategy: 'ucb1', params: { epsilon: 0.1 } }).success).toBe(false);
    expect(StrategySpec.safeParse({ strategy: 'greedy' }).success).toBe(false);
    expect(DEFAULT_STRATEGY).toEqual({ strategy: 'epsilon-greedy', params: { epsilon: 0.2, decay: 0 } });
    expect(selectArm(StrategySpec.parse({ strategy: 'exp3', params: { gamma: 1 } }), [emptyStats(), emptyStats()], Rng.create(1)).probabilities).toEqual([0.5, 0.5]);
  });
});
