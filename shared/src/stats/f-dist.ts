/*
 * Fisher–Snedecor F distribution with d1, d2 > 0 degrees of freedom. With u = d1·x,
 *
 *   P(F ≤ x) = I_{u/(u+d2)}(d1/2, d2/2),   P(F > x) = I_{d2/(u+d2)}(d2/2, d1/2)    (A&S 26.6.2)
 *
 * both passed to the incomplete beta with their complements, so each tail keeps its accuracy.
 * The quantile inverts the smaller tail by safeguarded Newton.
 */
import { incompleteBetaXY, logBeta } from '../math/beta';
import { expandUpper, solveIncreasing } from './invert';
import { requireNotNaN, requirePositive, requireProbability } from '../math/validate';

function checkArgs(x: number, d1: number, d2: number): void {
  requireNotNaN('x', x);
  requirePositive('df1', d1);
  requirePositive('df2', d2);
}

/** P(F ≤ x). */
export function fCdf(x: number, d1: number, d2: number): number {
  checkArgs(x, d1, d2);
  if (x <= 0) return 0;
  if (x === Infinity) return 1;
  const u = d1 * x;
  return incompleteBetaXY(u / (u + d2), d2 / (u + d2), d1 / 2, d2 / 2);
}

/** P(F > x), the p-value of an F statistic. */
export function fSf(x: number, d1: number, d2: number): number {
  checkArgs(x, d1, d2);
  if (x <= 0) return 1;
  if (x === Infinity) return 0;
  const u = d1 * x;
  return incompleteBetaXY(d2 / (u + d2), u / (u + d2), d2 / 2, d1 / 2);
}

/** Density (d1/d2)^{d1/2} x^{d1/2−1} (1 + d1x/d2)^{−(d1+d2)/2} / B(d1/2, d2/2). */
export function fPdf(x: number, d1: number, d2: number): number {
  checkArgs(x, d1, d2);
  if (x < 0 || x === Infinity) return 0;
  if (x === 0) return d1 < 2 ? Infinity : d1 === 2 ? 1 : 0;
  const a = d1 / 2;
  const logDensity = a * Math.log(d1 / d2) + (a - 1) * Math.log(x) - ((d1 + d2) / 2) * Math.log1p((d1 * x) / d2) - logBeta(a, d2 / 2);
  return Math.exp(logDensity);
}

/** x such that P(F ≤ x) = p; +Infinity at p = 1. */
export function fQuantile(p: number, d1: number, d2: number): number {
  requireProbability('p', p);
  requirePositive('df1', d1);
  requirePositive('df2', d2);
  if (p === 0) return 0;
  if (p === 1) return Infinity;
  const dg = (x: number) => fPdf(x, d1, d2);
  if (p <= 0.5) {
    const g = (x: number) => fCdf(x, d1, d2) - p;
    return solveIncreasing(g, dg, 1, 0, expandUpper(g, 1));
  }
  const q = 1 - p;
  const g = (x: number) => q - fSf(x, d1, d2);
  return solveIncreasing(g, dg, 1, 0, expandUpper(g, 1));
}
