/*
 * Storey's q-values (Storey 2002, JRSS B 64:479–498; Storey & Tibshirani 2003, PNAS
 * 100:9440–9445): the BH step-up with m replaced by π̂0·m, where π̂0 estimates the share of true
 * nulls from the flat right part of the p-value histogram:
 *
 *   π̂0(λ) = #{pᵢ > λ} / (m (1 − λ)),      q₍ᵢ₎ = min_{j ≥ i} π̂0 m p₍ⱼ₎ / j   (capped at 1)
 *
 * π0 estimation (`pi0`):
 *  - { method: 'fixed', lambda } (default λ = 0.5): the single-λ estimate above.
 *  - { method: 'bootstrap' }: Storey, Taylor & Siegmund (2004, JRSS B 66:187–205, §6) choose λ
 *    on the grid 0, 0.05, …, 0.95 that minimises the bootstrap MSE
 *    Σ_b (π̂0*ᵇ(λ) − min_λ' π̂0(λ'))² over B resamples of the p-values (seeded; default B = 1,000).
 *    (The qvalue package's default 'smoother' fits a cubic spline to π̂0(λ); not implemented.)
 *  - { method: 'given', value }: a π0 known from elsewhere.
 * π̂0 is capped at 1; π̂0 = 0 (no p-value above λ) is an error, as in the qvalue package.
 * With π0 = 1 the q-values are the BH-adjusted p-values.
 */
import { Rng } from '../math/rng';
import { StatsError } from '../math/errors';
import { bhAdjust, withRejections, type AdjustedPValues } from './p-adjust';
import { requireInteger, requireOpenUnit, requirePValues } from '../math/validate';

export type Pi0Method =
  | { method: 'fixed'; lambda?: number }
  | { method: 'bootstrap'; resamples?: number; seed?: number; stream?: number }
  | { method: 'given'; value: number };

export interface QValueResult extends AdjustedPValues {
  pi0: number;
  /** λ used for π̂0 (undefined for 'given'). */
  lambda?: number;
}

export const LAMBDA_GRID: readonly number[] = Array.from({ length: 20 }, (_, i) => i / 20);

/** π̂0(λ) = #{p > λ} / (m (1 − λ)), uncapped. */
export function pi0AtLambda(p: readonly number[], lambda: number): number {
  let above = 0;
  for (const v of p) if (v > lambda) above++;
  return above / (p.length * (1 - lambda));
}

/** π̂0 by the bootstrap choice of λ; returns the capped estimate and the λ chosen. */
export function pi0Bootstrap(p: readonly number[], resamples = 1000, seed = 1, stream = 0): { pi0: number; lambda: number } {
  requirePValues(p);
  requireInteger('resamples', resamples, 1);
  const m = p.length, L = LAMBDA_GRID.length;
  const estimates = LAMBDA_GRID.map((l) => pi0AtLambda(p, l));
  const target = Math.min(...estimates);
  // bin[i] = number of grid λ strictly below p[i]; a resample's count above λ_k is Σ [bin > k].
  const bin = p.map((v) => LAMBDA_GRID.filter((l) => v > l).length);
  const rng = Rng.create(seed, stream);
  const mse = new Float64Array(L);
  const hist = new Int32Array(L + 1);
  for (let b = 0; b < resamples; b++) {
    hist.fill(0);
    for (let i = 0; i < m; i++) hist[bin[rng.int(m)]]++;
    let above = m - hist[0];
    for (let k = 0; k < L; k++) {
      const est = above / (m * (1 - LAMBDA_GRID[k]));
      mse[k] += (est - target) ** 2;
      above -= hist[k + 1];
    }
  }
  let best = 0;
  for (let k = 1; k < L; k++) if (mse[k] < mse[best]) best = k;
  return { pi0: Math.min(1, estimates[best]), lambda: LAMBDA_GRID[best] };
}

function estimatePi0(p: readonly number[], spec: Pi0Method): { pi0: number; lambda?: number } {
  if (spec.method === 'given') {
    if (!(spec.value > 0 && spec.value <= 1)) throw new StatsError('bad_argument', `pi0 must be in (0, 1], got ${spec.value}`);
    return { pi0: spec.value };
  }
  if (spec.method === 'bootstrap') return pi0Bootstrap(p, spec.resamples, spec.seed, spec.stream);
  if (spec.method !== 'fixed') throw new StatsError('bad_argument', `unknown pi0 method ${String((spec as { method: unknown }).method)}`);
  const lambda = spec.lambda ?? 0.5;
  if (!(lambda >= 0 && lambda < 1)) throw new StatsError('bad_argument', `lambda must be in [0, 1), got ${lambda}`);
  return { pi0: Math.min(1, pi0AtLambda(p, lambda)), lambda };
}

export function storeyQValues(p: readonly number[], opts: { alpha?: number; pi0?: Pi0Method } = {}): QValueResult {
  requirePValues(p);
  const alpha = opts.alpha ?? 0.05;
  requireOpenUnit('alpha', alpha);
  const { pi0, lambda } = estimatePi0(p, opts.pi0 ?? { method: 'fixed', lambda: 0.5 });
  if (!(pi0 > 0)) throw new StatsError('degenerate', `estimated π0 is ${pi0} (no p-value above λ); use a smaller λ or give π0`);
  return { ...withRejections(bhAdjust(p, pi0), alpha), pi0, lambda };
}
