/*
 * Standardised mean difference of two independent samples.
 *
 *   d = (x̄ − ȳ) / s_p,   s_p² = ((nx − 1)sx² + (ny − 1)sy²) / (nx + ny − 2)      (Cohen 1988, §2.5)
 *   g = J(ν) d,           ν = nx + ny − 2
 *   J(ν) = Γ(ν/2) / (√(ν/2) Γ((ν − 1)/2))                     exact (Hedges 1981, eq. 6e)
 *   J(ν) ≈ 1 − 3/(4ν − 1) = 1 − 3/(4(nx + ny) − 9)           (Hedges 1981; Hedges & Olkin 1985)
 *
 * g is the unbiased estimator of the population effect under normality. J is computed from the
 * difference ln Γ(ν/2) − ln Γ((ν−1)/2) (Stirling form for large ν), so it stays accurate for any
 * ν (J → 1 as ν → ∞).
 */
import { mean, sumOfSquares } from './descriptive';
import { StatsError } from '../math/errors';
import { logGammaDifference } from '../math/gamma';
import { requirePositive, requireSample } from '../math/validate';

export interface CohensDResult {
  /** Cohen's d with the pooled SD. */
  d: number;
  /** Hedges' g = J(ν)·d with the exact J. */
  g: number;
  /** g with the approximation J ≈ 1 − 3/(4ν − 1). */
  gApprox: number;
  /** Exact small-sample correction factor J(ν). */
  j: number;
  jApprox: number;
  pooledSd: number;
  /** ν = nx + ny − 2. */
  df: number;
}

/** Exact Hedges correction J(ν) = Γ(ν/2) / (√(ν/2) Γ((ν−1)/2)), ν > 1. */
export function hedgesJ(df: number): number {
  requirePositive('df', df);
  if (df <= 1) throw new StatsError('too_small', `J(ν) needs ν > 1, got ${df}`);
  return Math.exp(logGammaDifference((df - 1) / 2, 0.5) - 0.5 * Math.log(df / 2));
}

/** Hedges' approximation J(ν) ≈ 1 − 3/(4ν − 1). */
export function hedgesJApprox(df: number): number {
  requirePositive('df', df);
  if (df <= 1) throw new StatsError('too_small', `J(ν) needs ν > 1, got ${df}`);
  return 1 - 3 / (4 * df - 1);
}

export function cohensD(x: readonly number[], y: readonly number[]): CohensDResult {
  requireSample('x', x);
  requireSample('y', y);
  const df = x.length + y.length - 2;
  if (df < 2) throw new StatsError('too_small', `need nx + ny ≥ 4 for d and g, got ${x.length + y.length}`);
  const pooledSd = Math.sqrt((sumOfSquares(x) + sumOfSquares(y)) / df);
  if (pooledSd === 0) throw new StatsError('zero_variance', 'both samples are constant: pooled SD is 0, d undefined');
  const d = (mean(x) - mean(y)) / pooledSd;
  const j = hedgesJ(df);
  const jApprox = hedgesJApprox(df);
  return { d, g: j * d, gApprox: jApprox * d, j, jApprox, pooledSd, df };
}
