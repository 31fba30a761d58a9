/*
 * Quantiles of the continuous distributions by safeguarded Newton iteration on the CDF: Newton
 * steps (x − g(x)/g'(x), with g' the density) while they stay inside the current bracket, a
 * bisection step otherwise. The bracket shrinks on every evaluation, so it always converges;
 * near the root Newton converges quadratically, giving full double precision in a few steps.
 */
import { StatsError } from '../math/errors';

const MAX_ITER = 300;
const REL_TOL = 1e-15;

/**
 * Root of an increasing function g in [lo, hi], where g(lo) ≤ 0 ≤ g(hi) (finite bounds),
 * starting from x0 (clamped into the bracket). dg is g's derivative.
 */
export function solveIncreasing(g: (x: number) => number, dg: (x: number) => number, x0: number, lo: number, hi: number): number {
  let x = x0 > lo && x0 < hi ? x0 : 0.5 * (lo + hi);
  for (let iter = 0; iter < MAX_ITER; iter++) {
    const gx = g(x);
    if (gx === 0) return x;
    if (gx < 0) lo = x;
    else hi = x;
    const slope = dg(x);
    let next = slope > 0 && Number.isFinite(slope) ? x - gx / slope : NaN;
    if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
    if (Math.abs(next - x) <= REL_TOL * Math.abs(next) || hi - lo <= REL_TOL * Math.max(Math.abs(lo), Math.abs(hi))) return next;
    x = next;
  }
  throw new StatsError('no_convergence', `quantile search did not converge (bracket [${lo}, ${hi}])`);
}

/** Doubles `hi` from `start` until g(hi) ≥ 0 (for upper brackets of unbounded supports). */
export function expandUpper(g: (x: number) => number, start: number): number {
  let hi = start;
  for (let i = 0; i < 2100 && g(hi) < 0; i++) hi *= 2;
  if (!Number.isFinite(hi)) throw new StatsError('no_convergence', 'quantile lies beyond the double range');
  return hi;
}
