/*
 * Nonparametric bootstrap confidence intervals for any statistic of a sample of items (numbers,
 * pairs, rows), reproducible from a seed.
 *
 *  - percentile: the α/2 and 1 − α/2 quantiles of the B bootstrap replicates θ*.
 *  - BCa (Efron 1987, JASA 82:171–185; Efron & Tibshirani 1993, ch. 14): the replicate quantiles
 *    at α1 = Φ(z0 + (z0 + z_{α/2}) / (1 − a(z0 + z_{α/2}))) and α2 likewise with z_{1−α/2}, where
 *      z0 = Φ⁻¹(share of θ* below θ̂, ties counted half)                      (bias correction)
 *      a  = Σ(θ̄₍.₎ − θ₍ᵢ₎)³ / (6 [Σ(θ̄₍.₎ − θ₍ᵢ₎)²]^{3/2})                       (acceleration)
 *    with θ₍ᵢ₎ the jackknife (leave-one-out) values and θ̄₍.₎ their mean (E&T eq. 14.15).
 *    With z0 = a = 0 it is the percentile interval.
 *
 * Quantiles interpolate linearly between order statistics (descriptive.ts, Hyndman–Fan type 7).
 * Resamples draw indices with Rng.int, so a (seed, stream) pair fixes the interval bit for bit.
 */
import { Rng } from '../math/rng';
import { mean, quantileSorted } from './descriptive';
import { StatsError } from '../math/errors';
import { normalCdf, normalQuantile } from '../math/normal';
import { requireInteger, requireOpenUnit } from '../math/validate';

export type Statistic<T> = (sample: readonly T[]) => number;

export interface BootstrapOptions {
  method?: 'percentile' | 'bca';
  /** Confidence level, default 0.95. */
  level?: number;
  /** Bootstrap resamples B, default 10,000 (at least 1,000). */
  resamples?: number;
  /** Seed and stream of the seeded Rng (math/rng.ts) (defaults 1 and 0). */
  seed?: number;
  stream?: number;
}

export interface BootstrapInterval {
  method: 'percentile' | 'bca';
  level: number;
  /** θ̂, the statistic of the original sample. */
  estimate: number;
  lower: number;
  upper: number;
  resamples: number;
  /** Standard deviation of the replicates (bootstrap standard error). */
  standardError: number;
  /** mean(θ*) − θ̂. */
  bias: number;
  /** Quantile levels of the replicate distribution used for the endpoints. */
  probabilities: [number, number];
  /** BCa only: bias correction z0 and acceleration a. */
  z0?: number;
  acceleration?: number;
}

export const DEFAULT_RESAMPLES = 10_000;
export const MIN_RESAMPLES = 1_000;

function checkData<T>(data: readonly T[], min: number): void {
  if (!Array.isArray(data)) throw new StatsError('bad_argument', 'data must be an array');
  if (data.length === 0) throw new StatsError('empty_sample', 'data is empty');
  if (data.length < min) throw new StatsError('too_small', `data has ${data.length} item(s); at least ${min} needed`);
}

function finiteStatistic(v: number, where: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new StatsError('not_finite', `statistic returned ${String(v)} on ${where}`);
  return v;
}

/** B bootstrap replicates θ* of `statistic`, in draw order. */
export function bootstrapReplicates<T>(data: readonly T[], statistic: Statistic<T>, resamples = DEFAULT_RESAMPLES, seed = 1, stream = 0): Float64Array {
  checkData(data, 1);
  requireInteger('resamples', resamples, 1);
  const n = data.length;
  const rng = Rng.create(seed, stream);
  const sample = new Array<T>(n);
  const out = new Float64Array(resamples);
  for (let b = 0; b < resamples; b++) {
    for (let i = 0; i < n; i++) sample[i] = data[rng.int(n)];
    out[b] = finiteStatistic(statistic(sample), `resample ${b}`);
  }
  return out;
}

/** Jackknife values θ₍ᵢ₎, the statistic with item i left out. */
export function jackknifeValues<T>(data: readonly T[], statistic: Statistic<T>): Float64Array {
  checkData(data, 2);
  const n = data.length;
  const out = new Float64Array(n);
  const rest = new Array<T>(n - 1);
  for (let i = 0; i < n; i++) {
    for (let j = 0, k = 0; j < n; j++) if (j !== i) rest[k++] = data[j];
    out[i] = finiteStatistic(statistic(rest), `jackknife sample without item ${i}`);
  }
  return out;
}

/** BCa acceleration a from the jackknife values (0 when they are all equal). */
export function accelerationFromJackknife(jack: ArrayLike<number>): number {
  const m = mean(jack);
  let s2 = 0, s3 = 0;
  for (let i = 0; i < jack.length; i++) {
    const d = m - jack[i];
    s2 += d * d;
    s3 += d * d * d;
  }
  return s2 === 0 ? 0 : s3 / (6 * s2 ** 1.5);
}

/** What every interval reads of B replicates: their mean, their sd (the standard error), and them sorted. */
export function summariseReplicates(reps: Float64Array): { mean: number; standardError: number; sorted: Float64Array } {
  const m = mean(reps);
  let ss = 0;
  for (const v of reps) ss += (v - m) ** 2;
  return { mean: m, standardError: Math.sqrt(ss / (reps.length - 1)), sorted: reps.slice().sort() };
}

/** Bootstrap confidence interval (percentile or BCa) for statistic(data). */
export function bootstrapCi<T>(data: readonly T[], statistic: Statistic<T>, opts: BootstrapOptions = {}): BootstrapInterval {
  const method = opts.method ?? 'bca';
  if (method !== 'percentile' && method !== 'bca') throw new StatsError('bad_argument', `unknown method ${String(method)}`);
  const level = opts.level ?? 0.95;
  requireOpenUnit('level', level);
  const resamples = opts.resamples ?? DEFAULT_RESAMPLES;
  requireInteger('resamples', resamples, MIN_RESAMPLES);
  checkData(data, method === 'bca' ? 2 : 1);

  const estimate = finiteStatistic(statistic(data), 'the original sample');
  const reps = bootstrapReplicates(data, statistic, resamples, opts.seed ?? 1, opts.stream ?? 0);
  const { mean: repMean, standardError, sorted } = summariseReplicates(reps);
  const alpha = 1 - level;
  const base = { level, estimate, resamples, standardError, bias: repMean - estimate };

  if (method === 'percentile') {
    const probabilities: [number, number] = [alpha / 2, 1 - alpha / 2];
    return { method, ...base, lower: quantileSorted(sorted, probabilities[0]), upper: quantileSorted(sorted, probabilities[1]), probabilities };
  }

  let below = 0, ties = 0;
  for (const v of reps) {
    if (v < estimate) below++;
    else if (v === estimate) ties++;
  }
  const share = (below + 0.5 * ties) / resamples;
  if (share === 0 || share === 1) {
    throw new StatsError('degenerate', `every bootstrap replicate lies ${share === 0 ? 'above' : 'below'} the estimate; BCa bias correction is infinite`);
  }
  const z0 = normalQuantile(share);
  const acceleration = accelerationFromJackknife(jackknifeValues(data, statistic));
  const adjust = (z: number): number => {
    const w = z0 + z;
    const denom = 1 - acceleration * w;
    if (!(denom > 0)) throw new StatsError('degenerate', `BCa adjustment undefined (1 − a(z0 + z) = ${denom})`);
    return normalCdf(z0 + w / denom);
  };
  const probabilities: [number, number] = [adjust(normalQuantile(alpha / 2)), adjust(normalQuantile(1 - alpha / 2))];
  return {
    method, ...base, z0, acceleration, probabilities,
    lower: quantileSorted(sorted, probabilities[0]), upper: quantileSorted(sorted, probabilities[1]),
  };
}
