/*
 * Chi-square distribution with k > 0 degrees of freedom, as a gamma(k/2, scale 2):
 * CDF = P(k/2, x/2), upper tail = Q(k/2, x/2) (A&S 26.4.19). The quantile inverts whichever
 * tail is smaller by safeguarded Newton, started from the Wilson–Hilferty approximation
 * k(1 − 2/(9k) + z√(2/(9k)))³ (A&S 26.4.17), or from the small-x limit P ≈ (x/2)^{k/2}/Γ(k/2+1).
 */
import { logGamma, regularizedGammaP, regularizedGammaQ } from '../math/gamma';
import { expandUpper, solveIncreasing } from './invert';
import { normalQuantile } from '../math/normal';
import { requireNotNaN, requirePositive, requireProbability } from '../math/validate';

function checkArgs(x: number, k: number): void {
  requireNotNaN('x', x);
  requirePositive('df', k);
}

/** P(X ≤ x). */
export function chiSquareCdf(x: number, k: number): number {
  checkArgs(x, k);
  return x <= 0 ? 0 : regularizedGammaP(k / 2, x / 2);
}

/** P(X > x), accurate in the upper tail (the p-value of a chi-square statistic). */
export function chiSquareSf(x: number, k: number): number {
  checkArgs(x, k);
  return x <= 0 ? 1 : regularizedGammaQ(k / 2, x / 2);
}

/** Density x^{k/2−1} e^{−x/2} / (2^{k/2} Γ(k/2)). */
export function chiSquarePdf(x: number, k: number): number {
  checkArgs(x, k);
  if (x < 0 || x === Infinity) return 0;
  if (x === 0) return k < 2 ? Infinity : k === 2 ? 0.5 : 0;
  const h = k / 2;
  return Math.exp((h - 1) * Math.log(x) - x / 2 - h * Math.LN2 - logGamma(h));
}

/** x such that P(X ≤ x) = p; +Infinity at p = 1. */
export function chiSquareQuantile(p: number, k: number): number {
  requireProbability('p', p);
  requirePositive('df', k);
  if (p === 0) return 0;
  if (p === 1) return Infinity;
  const h = k / 2;
  const z = normalQuantile(p);
  const c = 2 / (9 * k);
  const wh = k * (1 - c + z * Math.sqrt(c)) ** 3;
  const small = 2 * Math.exp((Math.log(p) + logGamma(h + 1)) / h);
  const x0 = wh > 0 && p > 0.01 ? wh : Math.min(small, wh > 0 ? wh : Infinity);
  const dg = (x: number) => chiSquarePdf(x, k);
  if (p <= 0.5) {
    const g = (x: number) => chiSquareCdf(x, k) - p;
    return solveIncreasing(g, dg, x0, 0, expandUpper(g, Math.max(k, 1)));
  }
  const q = 1 - p;
  const g = (x: number) => q - chiSquareSf(x, k);
  return solveIncreasing(g, dg, x0, 0, expandUpper(g, Math.max(k, 1)));
}
