/*
 * Input checks shared by the special functions and every statistical test. Each throws
 * StatsError with a code; none coerces or drops values, so a NaN in the data is reported rather
 * than averaged away.
 */
import { StatsError } from './errors';

/** A finite sample of at least `min` values. */
export function requireSample(name: string, xs: readonly number[], min = 1): void {
  if (!Array.isArray(xs)) throw new StatsError('bad_argument', `${name} must be an array of numbers`);
  if (xs.length === 0) throw new StatsError('empty_sample', `${name} is empty`);
  for (let i = 0; i < xs.length; i++) {
    const v = xs[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new StatsError('not_finite', `${name}[${i}] is ${String(v)}, not a finite number`);
  }
  if (xs.length < min) throw new StatsError('too_small', `${name} has ${xs.length} value(s); at least ${min} needed`);
}

/** A finite number (NaN and ±Infinity rejected). */
export function requireFinite(name: string, x: number): void {
  if (typeof x !== 'number' || !Number.isFinite(x)) throw new StatsError('not_finite', `${name} is ${String(x)}, not a finite number`);
}

/** A number that is not NaN (±Infinity allowed, e.g. CDF arguments). */
export function requireNotNaN(name: string, x: number): void {
  if (typeof x !== 'number' || Number.isNaN(x)) throw new StatsError('not_finite', `${name} is NaN`);
}

/** A finite number > 0 (degrees of freedom, shape parameters). */
export function requirePositive(name: string, x: number): void {
  requireFinite(name, x);
  if (!(x > 0)) throw new StatsError('bad_argument', `${name} must be > 0, got ${x}`);
}

/** A probability in [0, 1]. */
export function requireProbability(name: string, p: number): void {
  requireFinite(name, p);
  if (p < 0 || p > 1) throw new StatsError('bad_argument', `${name} must be in [0, 1], got ${p}`);
}

/** A confidence level or significance level strictly inside (0, 1). */
export function requireOpenUnit(name: string, x: number): void {
  requireFinite(name, x);
  if (!(x > 0 && x < 1)) throw new StatsError('bad_argument', `${name} must be in (0, 1), got ${x}`);
}

/** An integer ≥ min. */
export function requireInteger(name: string, x: number, min: number): void {
  if (!Number.isInteger(x) || x < min) throw new StatsError('bad_argument', `${name} must be an integer ≥ ${min}, got ${String(x)}`);
}

/** A list of p-values: non-empty, each in [0, 1]. */
export function requirePValues(ps: readonly number[]): void {
  requireSample('p-values', ps);
  for (let i = 0; i < ps.length; i++) {
    if (ps[i] < 0 || ps[i] > 1) throw new StatsError('bad_argument', `p-values[${i}] = ${ps[i]} is outside [0, 1]`);
  }
}
