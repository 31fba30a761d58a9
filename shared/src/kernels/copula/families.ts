import { bvnCdf, bvtCdf } from './bivariate';
import { logGamma } from '../../math/gamma';
import { normalQuantile } from '../../math/normal';
import { studentQuantile } from './student-t';

/*
 * The one-parameter copula families (Gaussian, Clayton, Gumbel) and the Student t copula, with
 * their log-densities, CDFs and Kendall's tau, plus rotations by 90°, 180° (survival) and 270°
 * for Clayton and Gumbel, which only model positive (lower- or upper-tail) dependence:
 *   90°:  C(u,v) = v − C₀(1−u, v),        c(u,v) = c₀(1−u, v)
 *   180°: C(u,v) = u + v − 1 + C₀(1−u,1−v), c(u,v) = c₀(1−u, 1−v)
 *   270°: C(u,v) = u − C₀(u, 1−v),        c(u,v) = c₀(u, 1−v)
 * (the VineCopula conventions). θ is ρ for Gaussian and t, ν the t's integer degrees of freedom.
 */

export const COPULA_FAMILIES = [
  'gaussian', 't', 'clayton', 'gumbel',
  'clayton90', 'clayton180', 'clayton270', 'gumbel90', 'gumbel180', 'gumbel270',
] as const;
export type CopulaFamily = (typeof COPULA_FAMILIES)[number];
export type BaseFamily = 'gaussian' | 't' | 'clayton' | 'gumbel';
export type Rotation = 0 | 90 | 180 | 270;

export interface CopulaParam {
  /** ρ (Gaussian, t), θ > 0 (Clayton), θ ≥ 1 (Gumbel). */
  theta: number;
  /** Degrees of freedom of the t copula (integer). */
  nu?: number;
}

export function splitFamily(f: CopulaFamily): { base: BaseFamily; rotation: Rotation } {
  const m = /^(clayton|gumbel)(90|180|270)$/.exec(f);
  if (m) return { base: m[1] as BaseFamily, rotation: Number(m[2]) as Rotation };
  return { base: f as BaseFamily, rotation: 0 };
}

/** Number of free parameters (for AIC/BIC). */
export const parameterCount = (f: CopulaFamily): number => (f === 't' ? 2 : 1);

/** Kendall's tau of a fitted copula. */
export function kendallTau(f: CopulaFamily, p: CopulaParam): number {
  const { base, rotation } = splitFamily(f);
  let tau: number;
  if (base === 'gaussian' || base === 't') tau = (2 / Math.PI) * Math.asin(p.theta);
  else if (base === 'clayton') tau = p.theta / (p.theta + 2);
  else tau = 1 - 1 / p.theta;
  return rotation === 90 || rotation === 270 ? -tau : tau;
}

/**
 * The parameter with a given Kendall's tau (inversion of tau): ρ = sin(πτ/2),
 * Clayton θ = 2τ/(1−τ), Gumbel θ = 1/(1−τ). Rotated 90°/270° families take −τ. Returns null
 * when the family cannot have that tau (e.g. negative tau for an unrotated Clayton).
 */
export function thetaFromTau(f: CopulaFamily, tau: number): number | null {
  const { base, rotation } = splitFamily(f);
  const t = rotation === 90 || rotation === 270 ? -tau : tau;
  if (base === 'gaussian' || base === 't') return Math.sin((Math.PI * t) / 2);
  if (!(t > 0 && t < 1)) return null;
  return base === 'clayton' ? (2 * t) / (1 - t) : 1 / (1 - t);
}

function rotate(rotation: Rotation, u: number, v: number): [number, number] {
  if (rotation === 90) return [1 - u, v];
  if (rotation === 180) return [1 - u, 1 - v];
  if (rotation === 270) return [u, 1 - v];
  return [u, v];
}

/**
 * ln(u^−θ + v^−θ − 1) for θ > 0: through expm1 while the powers are small (exact as θ → 0),
 * as a log-sum-exp once they are large (no overflow for large θ or tiny u).
 */
function claytonLogSum(theta: number, lu: number, lv: number): number {
  const a = -theta * lu, b = -theta * lv; // both ≥ 0
  const m = a > b ? a : b;
  if (m < 30) return Math.log1p(Math.expm1(a) + Math.expm1(b));
  return m + Math.log(Math.exp(a - m) + Math.exp(b - m) - Math.exp(-m));
}

/** ln c(u, v) of the Clayton copula, θ > 0; stable as θ → 0 (independence). */
export function claytonLogDensity(theta: number, u: number, v: number): number {
  const lu = Math.log(u), lv = Math.log(v);
  return Math.log1p(theta) - (1 + theta) * (lu + lv) - (2 + 1 / theta) * claytonLogSum(theta, lu, lv);
}

function claytonCdf(theta: number, u: number, v: number): number {
  if (u <= 0 || v <= 0) return 0;
  return Math.exp(-claytonLogSum(theta, Math.log(u), Math.log(v)) / theta);
}

/** ln(x^θ + y^θ) from ln x, ln y, as a log-sum-exp (no underflow to ln 0 for large θ). */
function gumbelLogSum(theta: number, lx: number, ly: number): number {
  const a = theta * lx, b = theta * ly;
  const m = a > b ? a : b;
  return m + Math.log1p(Math.exp((a > b ? b : a) - m));
}

/** ln c(u, v) of the Gumbel copula, θ ≥ 1. */
export function gumbelLogDensity(theta: number, u: number, v: number): number {
  const x = -Math.log(u), y = -Math.log(v);
  const lx = Math.log(x), ly = Math.log(y);
  const lA = gumbelLogSum(theta, lx, ly);
  const m = Math.exp(lA / theta);
  return -m + x + y + (theta - 1) * (lx + ly) + (1 / theta - 2) * lA + Math.log(m + theta - 1);
}

function gumbelCdf(theta: number, u: number, v: number): number {
  if (u <= 0 || v <= 0) return 0;
  return Math.exp(-Math.exp(gumbelLogSum(theta, Math.log(-Math.log(u)), Math.log(-Math.log(v))) / theta));
}

/** ln c of the Gaussian copula at normal scores a = Φ⁻¹(u), b = Φ⁻¹(v). */
export function gaussianLogDensityScores(rho: number, a: number, b: number): number {
  const o = 1 - rho * rho;
  return -0.5 * Math.log(o) - (rho * rho * (a * a + b * b) - 2 * rho * a * b) / (2 * o);
}

/** The constant part of the t copula's log-density: ln Γ((ν+2)/2) + ln Γ(ν/2) − 2 ln Γ((ν+1)/2). */
export function tLogConst(nu: number): number {
  return logGamma((nu + 2) / 2) + logGamma(nu / 2) - 2 * logGamma((nu + 1) / 2);
}

/** ln c of the t copula at t scores x = t_ν⁻¹(u), y = t_ν⁻¹(v); `k` is tLogConst(ν). */
export function tLogDensityScores(rho: number, nu: number, x: number, y: number, k = tLogConst(nu)): number {
  const o = 1 - rho * rho;
  const q = (x * x + y * y - 2 * rho * x * y) / (nu * o);
  return k - 0.5 * Math.log(o) - ((nu + 2) / 2) * Math.log1p(q) + ((nu + 1) / 2) * (Math.log1p((x * x) / nu) + Math.log1p((y * y) / nu));
}

/** ln c(u, v) of any family (pointwise; the fitters use vectorised versions over scores). */
export function logDensity(f: CopulaFamily, p: CopulaParam, u: number, v: number): number {
  const { base, rotation } = splitFamily(f);
  const [a, b] = rotate(rotation, u, v);
  switch (base) {
    case 'gaussian': return gaussianLogDensityScores(p.theta, normalQuantile(a), normalQuantile(b));
    case 't': return tLogDensityScores(p.theta, p.nu!, studentQuantile(p.nu!, a), studentQuantile(p.nu!, b));
    case 'clayton': return claytonLogDensity(p.theta, a, b);
    case 'gumbel': return gumbelLogDensity(p.theta, a, b);
  }
}

function baseCdf(base: BaseFamily, p: CopulaParam, u: number, v: number): number {
  if (u <= 0 || v <= 0) return 0;
  if (u >= 1) return Math.min(v, 1);
  if (v >= 1) return u;
  switch (base) {
    case 'gaussian': return bvnCdf(normalQuantile(u), normalQuantile(v), p.theta);
    case 't': return bvtCdf(p.nu!, studentQuantile(p.nu!, u), studentQuantile(p.nu!, v), p.theta);
    case 'clayton': return claytonCdf(p.theta, u, v);
    case 'gumbel': return gumbelCdf(p.theta, u, v);
  }
}

/** C(u, v) of any family. */
export function copulaCdf(f: CopulaFamily, p: CopulaParam, u: number, v: number): number {
  const { base, rotation } = splitFamily(f);
  if (rotation === 90) return v - baseCdf(base, p, 1 - u, v);
  if (rotation === 180) return u + v - 1 + baseCdf(base, p, 1 - u, 1 - v);
  if (rotation === 270) return u - baseCdf(base, p, u, 1 - v);
  return baseCdf(base, p, u, v);
}

/** (u, v) of the base family → of the rotated family (an involution, used by the samplers too). */
export const rotatePoint = rotate;
