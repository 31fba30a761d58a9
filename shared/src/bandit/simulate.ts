import { Rng } from '../math/rng';
import { getStrategy, strategyParams, type StrategySpec } from './strategies';
import { clamp01, emptyStats, greedyArms, type ArmStats } from './arm-stats';

/*
 * Strategy comparison by simulation: every contender plays the same environment for `pulls`
 * pulls in each of `runs` runs, with common random numbers (arm i's k-th reward is the same
 * draw whichever strategy pulls it), and we record the pseudo-regret Σ (μ* − μ_{A_t}) at
 * log-spaced pulls. Everything is seeded: the same options give the same curves.
 */

export interface SimEnvironment {
  readonly arms: string[];
  readonly means: number[];
  draw(arm: number, rng: Rng): number;
}

/** Bernoulli rewards with known means: the synthetic environment with a known best arm. */
export function bernoulliEnvironment(means: number[], arms = means.map((m, i) => `arm${i + 1} (μ=${m})`)): SimEnvironment {
  return { arms, means, draw: (i, rng) => (rng.next() < means[i]! ? 1 : 0) };
}

/** The default synthetic environment: five arms, the best (0.7) 0.1 ahead of the next. */
export const DEFAULT_MEANS = [0.2, 0.35, 0.45, 0.6, 0.7];

/** Rewards resampled (bootstrap) from each arm's recorded rewards; means are their averages. */
export function recordedEnvironment(recorded: Record<string, number[]>): SimEnvironment {
  const arms = Object.keys(recorded).filter((k) => recorded[k]!.length > 0).sort();
  if (arms.length < 2) throw new RangeError('a recorded environment needs rewards of at least two arms');
  const samples = arms.map((a) => recorded[a]!.map(clamp01));
  const means = samples.map((s) => s.reduce((x, y) => x + y, 0) / s.length);
  return { arms, means, draw: (i, rng) => samples[i]![rng.int(samples[i]!.length)]! };
}

export interface Contender { label: string; spec: StrategySpec }

/** Every strategy with its defaults, plus ε-greedy with decaying ε (the sublinear variant). */
export function defaultContenders(): Contender[] {
  const spec = (strategy: StrategySpec['strategy'], params: Record<string, unknown> = {}): StrategySpec => ({ strategy, params: strategyParams(strategy, params) });
  return [
    { label: 'eps-greedy 0.2', spec: spec('epsilon-greedy') },
    { label: 'eps-greedy decay', spec: spec('epsilon-greedy', { decay: 5 }) },
    { label: 'ucb1', spec: spec('ucb1') },
    { label: 'thompson-beta', spec: spec('thompson-beta') },
    { label: 'thompson-gauss', spec: spec('thompson-gaussian') },
    { label: 'exp3', spec: spec('exp3') },
  ];
}

/** 1, 2, 5, 10, 20, 50, … up to and including `max`. */
export function logSpacedPulls(max: number): number[] {
  const out: number[] = [];
  for (let d = 1; d <= max; d *= 10) for (const m of [1, 2, 5]) if (m * d <= max) out.push(m * d);
  if (out[out.length - 1] !== max) out.push(max);
  return out;
}

/** Least-squares slope of log y on log x over the points with x ≥ fromX and y > 0. */
export function logLogSlope(xs: readonly number[], ys: readonly number[], fromX = 1): number {
  const pts = xs.map((x, i) => [x, ys[i]!] as const).filter(([x, y]) => x >= fromX && y > 0).map(([x, y]) => [Math.log(x), Math.log(y)]);
  if (pts.length < 2) return NaN;
  const mx = pts.reduce((s, p) => s + p[0]!, 0) / pts.length;
  const my = pts.reduce((s, p) => s + p[1]!, 0) / pts.length;
  const sxy = pts.reduce((s, p) => s + (p[0]! - mx) * (p[1]! - my), 0);
  const sxx = pts.reduce((s, p) => s + (p[0]! - mx) ** 2, 0);
  return sxy / sxx;
}

export interface SimOptions {
  pulls: number;
  seed: number;
  runs: number;
  /** Pulls at which regret is recorded (default log-spaced up to `pulls`). */
  checkpoints?: number[];
  /** The slope is fitted from this pull on (default pulls / 100, at least 10). */
  slopeFrom?: number;
}

export interface SimCurve {
  label: string;
  spec: StrategySpec;
  /** Mean cumulative pseudo-regret over the runs at each checkpoint. */
  regret: number[];
  /** Share of all pulls that went to the best arm. */
  bestArmShare: number;
  /** Share of the last 10% of pulls that went to the best arm. */
  finalBestArmShare: number;
  /** Share of decisions that explored (arm not among the empirically best at that moment). */
  explorationShare: number;
  /** log-log slope of regret against pulls: below 1 means sublinear. */
  slope: number;
}

export interface SimResult {
  arms: string[];
  means: number[];
  bestArm: number;
  pulls: number;
  runs: number;
  seed: number;
  checkpoints: number[];
  curves: SimCurve[];
}

function runOnce(env: SimEnvironment, spec: StrategySpec, opts: SimOptions, run: number, checkpoints: number[]) {
  const best = Math.max(...env.means);
  const bestArm = env.means.indexOf(best);
  const stats: ArmStats[] = env.means.map(() => emptyStats());
  // Arm i's rewards come from its own stream: common random numbers across strategies.
  const armRng = env.means.map((_, i) => Rng.create(opts.seed, run * 4099 + i + 1));
  const decide = Rng.create(opts.seed ^ 0x5eed, run);
  const strategy = getStrategy(spec.strategy);
  const tail = Math.floor(opts.pulls * 0.9);
  const regretAt: number[] = [];
  let regret = 0;
  let bestPulls = 0;
  let tailBest = 0;
  let explores = 0;
  let next = 0;
  for (let t = 1; t <= opts.pulls; t++) {
    const c = strategy.select(stats, spec.params, decide, { propensities: false });
    const explore = !greedyArms(stats).includes(c.arm);
    if (explore) explores++;
    const a = stats[c.arm]!;
    a.pulls++;
    const r = clamp01(env.draw(c.arm, armRng[c.arm]!));
    a.n++;
    a.sum += r;
    a.sumSq += r * r;
    a.successes += armRng[c.arm]!.next() < r ? 1 : 0;
    // Only EXP3 needs the propensity; the others' selection ignores iwLoss.
    if (spec.strategy === 'exp3') a.iwLoss += (1 - r) / c.propensity;
    regret += best - env.means[c.arm]!;
    if (c.arm === bestArm) {
      bestPulls++;
      if (t > tail) tailBest++;
    }
    while (next < checkpoints.length && checkpoints[next] === t) {
      regretAt.push(regret);
      next++;
    }
  }
  return { regretAt, bestShare: bestPulls / opts.pulls, tailShare: tailBest / (opts.pulls - tail), exploreShare: explores / opts.pulls };
}

export function simulate(env: SimEnvironment, contenders: Contender[], opts: SimOptions): SimResult {
  if (!(opts.pulls >= 1) || !(opts.runs >= 1)) throw new RangeError('simulate: pulls and runs must be at least 1');
  const checkpoints = (opts.checkpoints ?? logSpacedPulls(opts.pulls)).filter((c) => c >= 1 && c <= opts.pulls);
  const bestArm = env.means.indexOf(Math.max(...env.means));
  const slopeFrom = opts.slopeFrom ?? Math.max(10, Math.floor(opts.pulls / 100));
  const curves = contenders.map(({ label, spec }) => {
    const sum = checkpoints.map(() => 0);
    let best = 0;
    let tail = 0;
    let explore = 0;
    for (let run = 0; run < opts.runs; run++) {
      const r = runOnce(env, spec, opts, run, checkpoints);
      r.regretAt.forEach((v, i) => { sum[i] += v; });
      best += r.bestShare;
      tail += r.tailShare;
      explore += r.exploreShare;
    }
    const regret = sum.map((s) => s / opts.runs);
    return {
      label, spec, regret,
      bestArmShare: best / opts.runs,
      finalBestArmShare: tail / opts.runs,
      explorationShare: explore / opts.runs,
      slope: logLogSlope(checkpoints, regret, slopeFrom),
    };
  });
  return { arms: env.arms, means: env.means, bestArm, pulls: opts.pulls, runs: opts.runs, seed: opts.seed, checkpoints, curves };
}
