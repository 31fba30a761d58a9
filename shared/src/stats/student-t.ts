/*
 * Student's t distribution with ν > 0 degrees of freedom (ν need not be an integer: Welch's test
 * uses the Welch–Satterthwaite ν). With r = ν/t²,
 *
 *   P(T > |t|) = ½ I_{ν/(ν+t²)}(ν/2, ½) = ½ I_{r/(1+r)}(ν/2, ½)          (A&S 26.7.1, DLMF 8.17)
 *
 * and the quantile inverts that by safeguarded Newton (invert.ts), with the closed forms for
 * ν = 1 (Cauchy: tan π(p − ½)) and ν = 2 ((2p − 1)/√(2p(1 − p))).
 */
import { incompleteBetaXY } from '../math/beta';
import { logGamma } from '../math/gamma';
import { normalQuantile } from '../math/normal';
import { solveIncreasing } from './invert';
import { requireNotNaN, requirePositive, requireProbability } from '../math/validate';

/** P(T > |t|), the one-sided tail beyond |t|, without cancellation. */
function tailBeyond(t: number, df: number): number {
  if (t === 0) return 0.5;
  if (!Number.isFinite(t)) return 0;
  const r = df / (t * t);
  return 0.5 * incompleteBetaXY(r / (1 + r), 1 / (1 + r), df / 2, 0.5);
}

/** P(T ≤ t). */
export function studentTCdf(t: number, df: number): number {
  requireNotNaN('t', t);
  requirePositive('df', df);
  const tail = tailBeyond(t, df);
  return t < 0 ? tail : 1 - tail;
}

/** P(T > t) = 1 − CDF, accurate in the upper tail. */
export function studentTSf(t: number, df: number): number {
  requireNotNaN('t', t);
  requirePositive('df', df);
  const tail = tailBeyond(t, df);
  return t > 0 ? tail : 1 - tail;
}

/** Density Γ((ν+1)/2) / (√(νπ) Γ(ν/2)) · (1 + t²/ν)^−(ν+1)/2. */
export function studentTPdf(t: number, df: number): number {
  requireNotNaN('t', t);
  requirePositive('df', df);
  if (!Number.isFinite(t)) return 0;
  const logC = logGamma((df + 1) / 2) - logGamma(df / 2) - 0.5 * Math.log(df * Math.PI);
  return Math.exp(logC - ((df + 1) / 2) * Math.log1p((t * t) / df));
}

/** Lower quantile for p < ½ (a negative t). */
function lowerQuantile(p: number, df: number): number {
  if (df === 1) return Math.tan(Math.PI * (p - 0.5));
  if (df === 2) return (2 * p - 1) / Math.sqrt(2 * p * (1 - p));
  const g = (x: number) => tailBeyond(x, df) - p; // increasing in x for x < 0
  const dg = (x: number) => studentTPdf(x, df);
  // Start from the Cornish–Fisher expansion z + (z³ + z)/(4ν) (A&S 26.7.5, first term).
  const z = normalQuantile(p);
  const x0 = z + (z * z * z + z) / (4 * df);
  let lo = Math.min(-1, x0);
  for (let i = 0; i < 2100 && g(lo) > 0; i++) lo *= 2;
  return solveIncreasing(g, dg, x0, lo, 0);
}

/** t such that P(T ≤ t) = p; ±Infinity at p = 0 or 1. */
export function studentTQuantile(p: number, df: number): number {
  requireProbability('p', p);
  requirePositive('df', df);
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  if (p === 0.5) return 0;
  return p < 0.5 ? lowerQuantile(p, df) : -lowerQuantile(1 - p, df);
}
