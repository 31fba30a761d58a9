import { logGamma } from '../../math/gamma';
import { normalQuantile } from '../../math/normal';

/*
 * Student's t for the copula kernels: CDF, log-density and quantile for integer degrees of
 * freedom. The t-copula here uses integer ν only, so the t CDF is the exact finite sum of
 * Abramowitz & Stegun 26.7.3–4 (as in Genz's STUDNT) instead of an incomplete beta function.
 * Only +, *, /, sqrt, exp, log, atan: reproducible on Node hosts.
 */

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
  return logGamma((nu + 1) / 2) - logGamma(nu / 2) - 0.5 * Math.log(nu * Math.PI);
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
