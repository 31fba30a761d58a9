/*
 * Exact binomial and multinomial draws, for bootstraps over counts: resampling n simulations
 * summarised by a histogram is a multinomial draw over its bins, and resampling a proportion x/n
 * is one Binomial(n, x/n) draw, so neither needs the n simulations themselves.
 *
 *  - n·min(p, 1 − p) < 10: inversion, walking the pmf up from 0 with f(k+1) = f(k)·(n−k)/(k+1)·p/q
 *    (Kachitvichyanukul & Schmeiser 1988, "BINV").
 *  - otherwise: transformed rejection with squeeze (Hörmann 1993, "The generation of binomial
 *    random variates", J. Statist. Comput. Simul. 46:101–110, algorithm BTRS): a candidate k from
 *    the inverse of a hat function of one uniform, accepted against log f(k)/f(m) (m the mode),
 *    with log factorials from Stirling's series plus a table of its error for k < 10. O(1)
 *    expected time for any n.
 * Uniforms carry 53 bits, so the draws are exact up to double rounding of the pmf.
 */
import type { Rng } from '../math/rng';
import { StatsError } from '../math/errors';

const TWO_POW_53 = 9007199254740992;

/** Uniform on [0, 1) with 53 random bits (two 32-bit outputs). */
export function uniform53(rng: Rng): number {
  return ((rng.nextU32() >>> 5) * 67108864 + (rng.nextU32() >>> 6)) / TWO_POW_53;
}

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/** ln k! − [(k + ½)·ln(k + 1) − (k + 1) + ½·ln 2π], exactly for k < 10 (from the sums of logs). */
const STIRLING_ERROR_TABLE: number[] = (() => {
  const out: number[] = [];
  let lnFact = 0;
  for (let k = 0; k < 10; k++) {
    if (k > 0) lnFact += Math.log(k);
    out.push(lnFact - ((k + 0.5) * Math.log(k + 1) - (k + 1) + HALF_LOG_2PI));
  }
  return out;
})();

/** The error of Stirling's approximation to ln k!, the series 1/12z − 1/360z³ + 1/1260z⁵ with z = k + 1. */
function stirlingError(k: number): number {
  if (k < 10) return STIRLING_ERROR_TABLE[k]!;
  const z = k + 1, z2 = z * z;
  return (1 / 12 - (1 / 360 - 1 / (1260 * z2)) / z2) / z;
}

function checkArgs(n: number, p: number): void {
  if (!Number.isInteger(n) || n < 0 || n > TWO_POW_53) throw new StatsError('bad_argument', `binomial n must be a whole number ≥ 0, got ${n}`);
  if (!(p >= 0 && p <= 1)) throw new StatsError('bad_argument', `binomial p must be in [0, 1], got ${p}`);
}

/** Inversion from 0; for n·p < 10 the walk is short. */
function binomialInversion(rng: Rng, n: number, p: number): number {
  const q = 1 - p, s = p / q, a = (n + 1) * s, f0 = q ** n;
  for (;;) {
    let u = uniform53(rng), f = f0;
    for (let k = 0; k <= n; k++) {
      if (u < f) return k;
      u -= f;
      f *= a / (k + 1) - s;
    }
    // u fell past the pmf's double-rounded total: draw again (probability ~1e-16)
  }
}

/** BTRS for n·p ≥ 10, p ≤ ½. */
function binomialBtrs(rng: Rng, n: number, p: number): number {
  const q = 1 - p, spq = Math.sqrt(n * p * q);
  const b = 1.15 + 2.53 * spq;
  const a = -0.0873 + 0.0248 * b + 0.01 * p;
  const c = n * p + 0.5;
  const vr = 0.92 - 4.2 / b;
  const alpha = (2.83 + 5.1 / b) * spq;
  const lpq = Math.log(p / q);
  const m = Math.floor((n + 1) * p);
  const h = stirlingError(m) + stirlingError(n - m);
  for (;;) {
    const u = uniform53(rng) - 0.5;
    let v = uniform53(rng);
    const us = 0.5 - Math.abs(u);
    const k = Math.floor((2 * a / us + b) * u + c);
    if (k < 0 || k > n) continue;
    if (us >= 0.07 && v <= vr) return k; // inside the squeeze: certainly accepted
    v = Math.log(v * alpha / (a / (us * us) + b));
    // log f(k)/f(m) by Stirling: the (k + ½)·ln(k + 1) terms, (k − m)·ln(p/q) and the series' errors
    const logRatio = (m + 0.5) * Math.log((m + 1) / (n - m + 1)) + (n + 1) * Math.log((n - m + 1) / (n - k + 1))
      + (k + 0.5) * Math.log((n - k + 1) / (k + 1)) + (k - m) * lpq + h - stirlingError(k) - stirlingError(n - k);
    if (v <= logRatio) return k;
  }
}

/** One Binomial(n, p) draw. */
export function binomial(rng: Rng, n: number, p: number): number {
  checkArgs(n, p);
  if (n === 0 || p === 0) return 0;
  if (p === 1) return n;
  if (p > 0.5) return n - binomial(rng, n, 1 - p);
  return n * p < 10 ? binomialInversion(rng, n, p) : binomialBtrs(rng, n, p);
}

/**
 * A Multinomial(n, w / Σw) draw into `out` (same length as `weights`): bin by bin, each count
 * Binomial(what is left, its share of the weight left); the last bin with weight takes the rest,
 * so rounding in the running sums cannot lose a draw. Weights are counts or probabilities.
 */
export function multinomial(rng: Rng, n: number, weights: ArrayLike<number>, out: { length: number; [i: number]: number }): void {
  if (out.length !== weights.length) throw new StatsError('bad_argument', 'multinomial: out and weights differ in length');
  let mass = 0, last = -1;
  for (let i = 0; i < weights.length; i++) {
    const w = weights[i]!;
    if (!(w >= 0) || !Number.isFinite(w)) throw new StatsError('bad_argument', `multinomial: weight ${i} is ${w}`);
    mass += w;
    if (w > 0) last = i;
  }
  if (last < 0 && n > 0) throw new StatsError('bad_argument', 'multinomial: the weights sum to 0');
  let left = n;
  for (let i = 0; i < weights.length; i++) {
    const w = weights[i]!;
    let k = 0;
    if (i === last) k = left;
    else if (left > 0 && w > 0) k = binomial(rng, left, Math.min(1, w / mass));
    out[i] = k;
    left -= k;
    mass -= w;
  }
}
