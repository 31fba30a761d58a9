import { normalCdf } from '../math/erfc';

/*
 * Univariate special functions for the copula kernels: log-gamma, the standard normal quantile,
 * and Student's t (CDF, log-density, quantile) for integer degrees of freedom. The t-copula here
 * uses integer ν only, so the t CDF is the exact finite sum of Abramowitz & Stegun 26.7.3–4
 * (as in Genz's STUDNT) instead of an incomplete beta function. Only +, *, /, sqrt, exp, log,
 * atan: reproducible on Node hosts.
 */

const LANCZOS_G = 7;
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];
const HALF_LN_2PI = 0.5 * Math.log(2 * Math.PI);

/** ln Γ(x) for x > 0 (Lanczos, g = 7, n = 9; relative error ~1e-15). */
export function lnGamma(x: number): number {
  if (!(x > 0)) throw new RangeError(`lnGamma: x must be > 0, got ${x}`);
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - lnGamma(1 - x);
  const z = x - 1;
  let a = LANCZOS[0];
  const t = z + LANCZOS_G + 0.5;
  for (let i = 1; i < 9; i++) a += LANCZOS[i] / (z + i);
  return HALF_LN_2PI + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

// Acklam's rational approximation (relative error 1.15e-9), refined below by one Halley step.
const A = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
const B = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
const C = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549671010336243, 4.374664141464968, 2.938163982698783];
const D = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
const P_LOW = 0.02425;
const SQRT_2PI = Math.sqrt(2 * Math.PI);

/** Φ⁻¹(p) for 0 < p < 1, to ~1e-15 (Acklam, then one Halley step against normalCdf). */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) {
    if (p === 0) return -Infinity;
    if (p === 1) return Infinity;
    throw new RangeError(`normalQuantile: p must be in [0, 1], got ${p}`);
  }
  let x: number;
  if (p < P_LOW) {
    const q = Math.sqrt(-2 * Math.log(p));
    x = (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5]) / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1);
  } else if (p <= 1 - P_LOW) {
    const q = p - 0.5, r = q * q;
    x = ((((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q)
      / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1);
  } else {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    x = -(((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5]) / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1);
  }
  // Halley: e = Φ(x) − p, u = e / φ(x)
  const e = normalCdf(x) - p;
  const u = e * SQRT_2PI * Math.exp((x * x) / 2);
  return x - u / (1 + (x * u) / 2);
}

function checkNu(nu: number): void {
  if (!Number.isInteger(nu) || nu < 1) throw new RangeError(`Student t: ν must be a positive integer, got ${nu}`);
}

/** Student t CDF with integer ν ≥ 1 (finite sums; absolute error ~1e-16). */
export function studentCdf(nu: number, t: number): number {
  checkNu(nu);
  if (t === Infinity) return 1;
  if (t === -Infinity) return 0;
  let p: number;
  if (nu === 1) p = (1 + (2 * Math.atan(t)) / Math.PI) / 2;
  else if (nu === 2) p = (1 + t / Math.sqrt(2 + t * t)) / 2;
  else {
    const tt = t * t;
    const cs = 1 / (1 + tt / nu);
    let poly = 1;
    for (let j = nu - 2; j >= 2; j -= 2) poly = 1 + ((j - 1) * cs * poly) / j;
    if (nu % 2 === 1) {
      const ts = t / Math.sqrt(nu);
      p = (1 + (2 * (Math.atan(ts) + ts * cs * poly)) / Math.PI) / 2;
    } else {
      p = (1 + (t / Math.sqrt(nu + tt)) * poly) / 2;
    }
  }
  return p < 0 ? 0 : p > 1 ? 1 : p;
}

/** ln of the Student t density's normalising constant Γ((ν+1)/2) / (Γ(ν/2) √(νπ)). */
export function studentLogConst(nu: number): number {
  return lnGamma((nu + 1) / 2) - lnGamma(nu / 2) - 0.5 * Math.log(nu * Math.PI);
}

/** ln of the Student t density (any ν > 0). */
export function studentLogPdf(nu: number, t: number): number {
  return studentLogConst(nu) - ((nu + 1) / 2) * Math.log1p((t * t) / nu);
}

/**
 * Student t quantile for integer ν. Closed forms for ν = 1, 2; otherwise Newton on the lower half
 * (p < ½; the upper half by symmetry), started from the Cornish–Fisher-type expansion of
 * Abramowitz & Stegun 26.7.5 in the normal quantile z. The CDF is convex there, so after at most
 * one step from the left of the root (clamped at 0) the iterates decrease monotonically to it.
 */
export function studentQuantile(nu: number, p: number): number {
  checkNu(nu);
  if (!(p > 0 && p < 1)) {
    if (p === 0) return -Infinity;
    if (p === 1) return Infinity;
    throw new RangeError(`studentQuantile: p must be in [0, 1], got ${p}`);
  }
  if (nu === 1) return Math.tan(Math.PI * (p - 0.5));
  if (nu === 2) return (2 * p - 1) / Math.sqrt(2 * p * (1 - p));
  if (p === 0.5) return 0;
  const lower = p < 0.5 ? p : 1 - p;
  const lc = studentLogConst(nu);
  const z = normalQuantile(lower), z2 = z * z;
  const g1 = (z2 + 1) * z / 4;
  const g2 = ((5 * z2 + 16) * z2 + 3) * z / 96;
  const g3 = (((3 * z2 + 19) * z2 + 17) * z2 - 15) * z / 384;
  const g4 = ((((79 * z2 + 776) * z2 + 1482) * z2 - 1920) * z2 - 945) * z / 92160;
  let x = Math.min(z + (g1 + (g2 + (g3 + g4 / nu) / nu) / nu) / nu, 0);
  for (let it = 0; it < 200; it++) {
    const f = Math.exp(lc - ((nu + 1) / 2) * Math.log1p((x * x) / nu));
    const dx = (studentCdf(nu, x) - lower) / f;
    x = Math.min(x - dx, 0);
    if (!(Math.abs(dx) > 1e-14 * (1 + Math.abs(x)))) break;
  }
  return p < 0.5 ? x : -x;
}
