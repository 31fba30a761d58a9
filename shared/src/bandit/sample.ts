import type { Rng } from '../math/rng';

/*
 * Gamma and Beta draws from the seeded Rng of math/rng.ts, so Thompson sampling is reproducible.
 * Gamma by Marsaglia & Tsang (2000), "A simple method for generating gamma variables": for
 * shape a ≥ 1, d = a − 1/3, c = 1/√(9d), accept d·v with v = (1 + c·x)³, x ~ N(0,1); for a < 1,
 * Gamma(a) = Gamma(a + 1) · U^(1/a).
 */
export function sampleGamma(shape: number, rng: Rng): number {
  if (!(shape > 0)) throw new RangeError(`sampleGamma: shape must be > 0, got ${shape}`);
  if (shape < 1) return sampleGamma(shape + 1, rng) * Math.pow(rng.next(), 1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    const x = rng.normal();
    const t = 1 + c * x;
    if (t <= 0) continue;
    const v = t * t * t;
    const u = rng.next();
    if (u < 1 - 0.0331 * x * x * x * x) return d * v;
    if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

/** Beta(a, b) as X / (X + Y) with X ~ Gamma(a), Y ~ Gamma(b). */
export function sampleBeta(a: number, b: number, rng: Rng): number {
  const x = sampleGamma(a, rng);
  const y = sampleGamma(b, rng);
  return x + y > 0 ? x / (x + y) : 0.5;
}
