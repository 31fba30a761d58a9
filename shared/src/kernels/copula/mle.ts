import {
  claytonLogDensity, gumbelLogDensity, kendallTau, parameterCount, splitFamily,
  thetaFromTau, tLogConst, tLogDensityScores, type CopulaFamily, type CopulaParam, type Rotation,
} from './families';
import { maximise1d } from './optim';
import { kendallTauB } from './rank';
import { scores } from './scores';

/*
 * Fits of one copula family to pseudo-observations (u, v) in (0, 1)²:
 * - `mle`: maximum (pseudo-)likelihood. One-parameter families by a grid scan + Brent in a
 *   transformed parameter: ρ itself on [-0.995, 0.995], ln θ for Clayton (θ ∈ [1e-6, 100]),
 *   ln(θ − 1) for Gumbel (θ ∈ [1 + 1e-6, 101]). The t copula by profile likelihood: ρ maximised
 *   for every ν of an integer grid, ν̂ the best grid point (the t CDF is then exact, which the
 *   Cramér–von Mises statistic needs).
 * - `itau`: inversion of Kendall's tau (ρ = sin(πτ/2), θ = 2τ/(1−τ), θ = 1/(1−τ)); for t, ρ so and
 *   ν by profile likelihood at that ρ (Demarta & McNeil's two-step method).
 * The log-likelihood, AIC = 2k − 2ℓ and BIC = k ln n − 2ℓ are reported at the estimate.
 */

export type FitMethod = 'mle' | 'itau';

/** Integer ν grid of the t copula's profile likelihood. */
export const DEFAULT_NU_GRID = [2, 3, 4, 5, 6, 7, 8, 10, 12, 15, 20, 25, 30, 40, 50, 70, 100];

export interface CopulaFit {
  family: CopulaFamily;
  theta: number;
  nu: number | null;
  logLik: number;
  aic: number;
  bic: number;
  /** Kendall's tau implied by the fitted parameter. */
  tau: number;
  /** The estimate is at an end of the search range (e.g. independence for Clayton). */
  atBoundary: boolean;
  /** t only: the profile log-likelihood over the ν grid. */
  nuProfile?: Array<{ nu: number; rho: number; logLik: number }>;
}

export interface FitOptions {
  method: FitMethod;
  nuGrid?: number[];
  /** Kendall's tau of (u, v), if already known (itau). */
  tau?: number;
}

const RHO_MAX = 0.995;
const LOG_THETA_MIN = Math.log(1e-6);
const LOG_THETA_MAX = Math.log(100);

function rotated(rotation: Rotation, u: Float64Array, v: Float64Array): [Float64Array, Float64Array] {
  if (rotation === 0) return [u, v];
  const ru = rotation === 90 || rotation === 180 ? u.map((x) => 1 - x) : u;
  const rv = rotation === 180 || rotation === 270 ? v.map((x) => 1 - x) : v;
  return [ru, rv];
}

/** Gaussian log-likelihood from sufficient sums: S2 = Σ(a² + b²), S11 = Σ ab over normal scores. */
function gaussianLogLik(rho: number, n: number, s2: number, s11: number): number {
  const o = 1 - rho * rho;
  return -0.5 * n * Math.log(o) - (rho * rho * s2 - 2 * rho * s11) / (2 * o);
}

function tLogLik(rho: number, nu: number, x: Float64Array, y: Float64Array): number {
  const k = tLogConst(nu);
  let s = 0;
  for (let i = 0; i < x.length; i++) s += tLogDensityScores(rho, nu, x[i], y[i], k);
  return s;
}

export function claytonLogLik(theta: number, u: Float64Array, v: Float64Array): number {
  let s = 0;
  for (let i = 0; i < u.length; i++) s += claytonLogDensity(theta, u[i], v[i]);
  return s;
}

export function gumbelLogLik(theta: number, u: Float64Array, v: Float64Array): number {
  let s = 0;
  for (let i = 0; i < u.length; i++) s += gumbelLogDensity(theta, u[i], v[i]);
  return s;
}

function finishFit(family: CopulaFamily, p: CopulaParam, logLik: number, n: number, atBoundary: boolean): CopulaFit {
  const k = parameterCount(family);
  return {
    family, theta: p.theta, nu: p.nu ?? null, logLik, aic: 2 * k - 2 * logLik, bic: k * Math.log(n) - 2 * logLik,
    tau: kendallTau(family, p), atBoundary,
  };
}

function fitT(u: Float64Array, v: Float64Array, opts: FitOptions, tau: () => number): CopulaFit {
  const grid = opts.nuGrid ?? DEFAULT_NU_GRID;
  const n = u.length;
  const x = new Float64Array(n), y = new Float64Array(n);
  const fixedRho = opts.method === 'itau' ? Math.max(-RHO_MAX, Math.min(RHO_MAX, thetaFromTau('t', tau())!)) : null;
  const profile: Array<{ nu: number; rho: number; logLik: number; atBoundary: boolean }> = [];
  for (const nu of grid) {
    scores(nu, u, x);
    scores(nu, v, y);
    if (fixedRho !== null) {
      profile.push({ nu, rho: fixedRho, logLik: tLogLik(fixedRho, nu, x, y), atBoundary: false });
    } else {
      const m = maximise1d((r) => tLogLik(r, nu, x, y), -RHO_MAX, RHO_MAX, 12);
      profile.push({ nu, rho: m.x, logLik: m.value, atBoundary: m.atBoundary });
    }
  }
  let best = profile[0];
  for (const p of profile) if (p.logLik > best.logLik) best = p;
  const fit = finishFit('t', { theta: best.rho, nu: best.nu }, best.logLik, n, best.atBoundary || best.nu === grid[grid.length - 1]);
  fit.nuProfile = profile.map(({ nu, rho, logLik }) => ({ nu, rho, logLik }));
  return fit;
}

/** Fits `family` to pseudo-observations by `opts.method`. */
export function fitCopula(family: CopulaFamily, u0: Float64Array, v0: Float64Array, opts: FitOptions): CopulaFit {
  const { base, rotation } = splitFamily(family);
  const [u, v] = rotated(rotation, u0, v0);
  const n = u.length;
  let tauCache = opts.tau;
  const tau = () => (tauCache ??= kendallTauB(u0, v0));
  if (base === 't') return fitT(u, v, opts, tau);
  if (base === 'gaussian') {
    const a = scores(0, u), b = scores(0, v);
    let s2 = 0, s11 = 0;
    for (let i = 0; i < n; i++) {
      s2 += a[i] * a[i] + b[i] * b[i];
      s11 += a[i] * b[i];
    }
    if (opts.method === 'itau') {
      const rho = Math.max(-RHO_MAX, Math.min(RHO_MAX, thetaFromTau(family, tau())!));
      return finishFit(family, { theta: rho }, gaussianLogLik(rho, n, s2, s11), n, Math.abs(rho) === RHO_MAX);
    }
    const m = maximise1d((r) => gaussianLogLik(r, n, s2, s11), -RHO_MAX, RHO_MAX, 16);
    return finishFit(family, { theta: m.x }, m.value, n, m.atBoundary);
  }
  const ll = base === 'clayton' ? (t: number) => claytonLogLik(t, u, v) : (t: number) => gumbelLogLik(t, u, v);
  // search variable s: θ = e^s (Clayton), θ = 1 + e^s (Gumbel)
  const toTheta = base === 'clayton' ? (s: number) => Math.exp(s) : (s: number) => 1 + Math.exp(s);
  if (opts.method === 'itau') {
    const t = thetaFromTau(family, tau());
    const s = t === null ? LOG_THETA_MIN : Math.min(LOG_THETA_MAX, Math.max(LOG_THETA_MIN, Math.log(base === 'clayton' ? t : t - 1)));
    const theta = toTheta(s);
    return finishFit(family, { theta }, ll(theta), n, s === LOG_THETA_MIN || s === LOG_THETA_MAX);
  }
  const m = maximise1d((s) => ll(toTheta(s)), LOG_THETA_MIN, LOG_THETA_MAX, 16);
  return finishFit(family, { theta: toTheta(m.x) }, m.value, n, m.atBoundary);
}
