import { normalCdf } from '../../math/normal';
import { splitFamily, rotatePoint, type CopulaFamily, type CopulaParam } from './families';
import { studentCdf } from './student-t';
import type { Rng } from '../../math/rng';

/*
 * Samplers for the parametric bootstrap of copula.gof:
 * - Gaussian and t: a Cholesky factor of [[1, ρ], [ρ, 1]] applied to two independent normals,
 *   divided by √(W/ν) with W ~ χ²_ν for the t; margins mapped by Φ or T_ν.
 * - Clayton: Marshall–Olkin with a gamma frailty V ~ Gamma(1/θ): U_i = (1 + E_i/V)^(−1/θ).
 * - Gumbel: Marshall–Olkin with a positive stable frailty S (Laplace transform exp(−t^α), α = 1/θ)
 *   drawn by Chambers–Mallows–Stuck: U_i = exp(−(E_i/S)^α).
 * E_i ~ Exp(1). Rotated families flip the base sample (families.ts).
 */

/** Exp(1); 1 − next() lies in (0, 1], so the log is finite. */
export function exponential(rng: Rng): number {
  return -Math.log(1 - rng.next());
}

/** Gamma(shape, 1) by Marsaglia & Tsang (2000); shape < 1 via Gamma(shape + 1)·U^(1/shape). */
export function gamma(rng: Rng, shape: number): number {
  if (!(shape > 0)) throw new RangeError(`gamma: shape must be > 0, got ${shape}`);
  if (shape < 1) return gamma(rng, shape + 1) * Math.exp(Math.log(1 - rng.next()) / shape);
  const d = shape - 1 / 3, c = 1 / Math.sqrt(9 * d);
  for (;;) {
    const x = rng.normal();
    let v = 1 + c * x;
    if (v <= 0) continue;
    v = v * v * v;
    const u = 1 - rng.next();
    if (u < 1 - 0.0331 * x * x * x * x) return d * v;
    if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

/**
 * Positive α-stable variable, 0 < α < 1, with E[exp(−tS)] = exp(−t^α): Chambers–Mallows–Stuck
 * with β = 1 and scale cos(πα/2)^(1/α), which simplifies (Θ = V + π/2 uniform on (0, π)) to
 * Kanter's form S = sin(αΘ)/sin(Θ)^(1/α) · (sin((1−α)Θ)/W)^((1−α)/α), W ~ Exp(1).
 */
export function positiveStable(rng: Rng, alpha: number): number {
  if (alpha === 1) return 1;
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`positiveStable: α must be in (0, 1], got ${alpha}`);
  let th = Math.PI * rng.next();
  if (th === 0) th = Math.PI / 2 ** 33; // next() may return 0; keep Θ inside (0, π)
  const w = exponential(rng);
  return (Math.sin(alpha * th) / Math.sin(th) ** (1 / alpha)) * (Math.sin((1 - alpha) * th) / w) ** ((1 - alpha) / alpha);
}

export interface CopulaSample {
  u: Float64Array;
  v: Float64Array;
}

/** n draws from the copula. */
export function sampleCopula(f: CopulaFamily, p: CopulaParam, n: number, rng: Rng): CopulaSample {
  const { base, rotation } = splitFamily(f);
  const u = new Float64Array(n), v = new Float64Array(n);
  const th = p.theta;
  for (let i = 0; i < n; i++) {
    let a: number, b: number;
    if (base === 'gaussian' || base === 't') {
      const z1 = rng.normal(), z2 = rng.normal();
      const x = z1, y = th * z1 + Math.sqrt(1 - th * th) * z2;
      if (base === 'gaussian') { a = normalCdf(x); b = normalCdf(y); } else {
        const nu = p.nu!;
        const s = Math.sqrt((2 * gamma(rng, nu / 2)) / nu);
        a = studentCdf(nu, x / s);
        b = studentCdf(nu, y / s);
      }
    } else if (base === 'clayton') {
      const fr = gamma(rng, 1 / th);
      a = Math.exp(-Math.log1p(exponential(rng) / fr) / th);
      b = Math.exp(-Math.log1p(exponential(rng) / fr) / th);
    } else {
      const alpha = 1 / th;
      const s = positiveStable(rng, alpha);
      a = Math.exp(-((exponential(rng) / s) ** alpha));
      b = Math.exp(-((exponential(rng) / s) ** alpha));
    }
    [u[i], v[i]] = rotatePoint(rotation, a, b);
  }
  return { u, v };
}
