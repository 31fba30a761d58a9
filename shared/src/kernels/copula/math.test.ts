import { describe, expect, it } from 'vitest';
import { logGamma } from '../../math/gamma';
import { normalCdf, normalQuantile } from '../../math/normal';
import { bvnCdf, bvtCdf } from './bivariate';
import { cvmStatistic } from './cvm';
import {
  COPULA_FAMILIES, copulaCdf, kendallTau, logDensity, thetaFromTau, type CopulaFamily, type CopulaParam,
} from './families';
import { claytonLogLik, fitCopula, gumbelLogLik } from './mle';
import { empiricalCopulaAtPoints, kendallTauB, pseudoObservations, ranks } from './rank';
import { positiveStable, sampleCopula } from './sample';
import { studentCdf, studentLogConst, studentQuantile } from './student-t';
import { Rng } from '../../math/rng';

/** ln of the Student t density, the integrand of the CDF checks. */
const studentLogPdf = (nu: number, t: number): number => studentLogConst(nu) - ((nu + 1) / 2) * Math.log1p((t * t) / nu);

const PARAMS: Record<CopulaFamily, CopulaParam> = {
  gaussian: { theta: 0.5 }, t: { theta: 0.5, nu: 4 },
  clayton: { theta: 2 }, clayton90: { theta: 1.5 }, clayton180: { theta: 2 }, clayton270: { theta: 1 },
  gumbel: { theta: 2 }, gumbel90: { theta: 1.5 }, gumbel180: { theta: 1.8 }, gumbel270: { theta: 2.5 },
};

/** ∫∫ over (0, hu) × (0, hv) of c(u, v), in normal-score space by the midpoint rule. */
function integrate(f: CopulaFamily, p: CopulaParam, hu = 1, hv = 1, m = 240, lo = -6.5): number {
  const xu = hu >= 1 ? 6.5 : normalQuantile(hu), xv = hv >= 1 ? 6.5 : normalQuantile(hv);
  const dx = (xu - lo) / m, dy = (xv - lo) / m;
  const us = Array.from({ length: m }, (_, i) => lo + (i + 0.5) * dx);
  const vs = Array.from({ length: m }, (_, j) => lo + (j + 0.5) * dy);
  const phi = (x: number) => Math.exp(-x * x / 2) / Math.sqrt(2 * Math.PI);
  let s = 0;
  for (const x of us) for (const y of vs) s += Math.exp(logDensity(f, p, normalCdf(x), normalCdf(y))) * phi(x) * phi(y);
  return s * dx * dy;
}

describe('special functions', () => {
  it('log-gamma, normal and t quantiles', () => {
    expect(logGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 14);
    expect(logGamma(10)).toBeCloseTo(Math.log(362_880), 12);
    for (const p of [1e-9, 1e-4, 0.025, 0.3, 0.5, 0.8, 0.999]) expect(normalCdf(normalQuantile(p)) / p).toBeCloseTo(1, 12);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 13);
    expect(studentQuantile(3, 0.975)).toBeCloseTo(3.182446305284263, 10);
    expect(studentQuantile(10, 0.05)).toBeCloseTo(-1.812461122811676, 10);
    expect(studentQuantile(1, 0.75)).toBeCloseTo(1, 14);
    for (const nu of [3, 4, 5, 12, 30, 100]) {
      for (const p of [1e-4, 0.01, 0.3, 0.7, 0.9999]) expect(Math.abs(studentCdf(nu, studentQuantile(nu, p)) - p)).toBeLessThan(1e-13);
    }
    // ν = 2 in closed form: F(t) = (1 + t/√(2 + t²))/2
    expect(studentCdf(2, 1)).toBeCloseTo((1 + 1 / Math.sqrt(3)) / 2, 15);
    expect(Math.exp(studentLogPdf(1, 0))).toBeCloseTo(1 / Math.PI, 15);
  });

  it('bivariate normal and t CDFs: orthant probabilities and numerical integrals', () => {
    // P(X ≤ 0, Y ≤ 0) = 1/4 + asin(ρ)/(2π) for every elliptical law
    for (const r of [-0.97, -0.6, 0, 0.2, 0.5, 0.8, 0.95]) {
      expect(bvnCdf(0, 0, r)).toBeCloseTo(0.25 + Math.asin(r) / (2 * Math.PI), 13);
      for (const nu of [1, 2, 3, 6]) expect(bvtCdf(nu, 0, 0, r)).toBeCloseTo(0.25 + Math.asin(r) / (2 * Math.PI), 12);
    }
    // P(X ≤ h, Y ≤ k) = ∫_{-∞}^{h} f(x) F_{Y|X=x}(k) dx, by Simpson's rule in x = tan(s)
    const integral = (density: (x: number) => number, cond: (x: number) => number, h: number) => {
      const a = Math.atan(-1e4), b = Math.atan(h), m = 20_000, ds = (b - a) / m;
      let s = 0;
      for (let i = 0; i <= m; i++) {
        const t = a + i * ds, x = Math.tan(t);
        s += (i === 0 || i === m ? 1 : i % 2 ? 4 : 2) * density(x) * cond(x) / Math.cos(t) ** 2;
      }
      return (s * ds) / 3;
    };
    for (const [h, k, r] of [[1, -0.5, 0.2], [-1, 2, -0.6], [0.5, 0.3, 0.95], [-0.3, 0.4, -0.93]]) {
      const nrm = integral((x) => Math.exp(-x * x / 2) / Math.sqrt(2 * Math.PI), (x) => normalCdf((k - r * x) / Math.sqrt(1 - r * r)), h);
      expect(bvnCdf(h, k, r)).toBeCloseTo(nrm, 9);
      for (const nu of [3, 4]) {
        const cond = (x: number) => studentCdf(nu + 1, (k - r * x) * Math.sqrt((nu + 1) / ((nu + x * x) * (1 - r * r))));
        expect(bvtCdf(nu, h, k, r)).toBeCloseTo(integral((x) => Math.exp(studentLogPdf(nu, x)), cond, h), 8);
      }
    }
  });
});

describe('copula densities and CDFs', () => {
  it('log-densities at hand-computed points', () => {
    // Clayton θ=1 at (½,½): 2·(¼)^(−2)·(2+2−1)^(−3) = 32/27
    expect(logDensity('clayton', { theta: 1 }, 0.5, 0.5)).toBeCloseTo(Math.log(32 / 27), 14);
    // Gumbel θ=2 at (½,½): 2^(−√2)·(2 + √2/ln 2)
    expect(logDensity('gumbel', { theta: 2 }, 0.5, 0.5)).toBeCloseTo(Math.log(2 ** -Math.SQRT2 * (2 + Math.SQRT2 / Math.LN2)), 14);
    // Gaussian ρ=½ at scores (1, −1): (2/√3)·e^(−1)
    expect(logDensity('gaussian', { theta: 0.5 }, normalCdf(1), normalCdf(-1))).toBeCloseTo(Math.log(2 / Math.sqrt(3)) - 1, 12);
    // t, ρ=0, ν=2 at scores (1, 1): (4/π)·(1/4)·(3/2)³ = 27/(8π)
    const u = (1 + 1 / Math.sqrt(3)) / 2;
    expect(logDensity('t', { theta: 0, nu: 2 }, u, u)).toBeCloseTo(Math.log(27 / (8 * Math.PI)), 12);
    // independence limits
    expect(logDensity('clayton', { theta: 1e-12 }, 0.3, 0.8)).toBeCloseTo(0, 9);
    expect(logDensity('gumbel', { theta: 1 }, 0.3, 0.8)).toBeCloseTo(0, 14);
    // a 3-point log-likelihood is the sum of the pointwise values
    const us = Float64Array.from([0.5, 0.2, 0.9]), vs = Float64Array.from([0.5, 0.3, 0.6]);
    const byHand = Math.log(32 / 27) + Math.log(2 * (0.06 ** -2) * (1 / 0.2 + 1 / 0.3 - 1) ** -3) + Math.log(2 * (0.54 ** -2) * (1 / 0.9 + 1 / 0.6 - 1) ** -3);
    expect(claytonLogLik(1, us, vs)).toBeCloseTo(byHand, 12);
    expect(gumbelLogLik(1, us, vs)).toBeCloseTo(0, 14);
  });

  it('every density integrates to 1, and to C(u, v) on a rectangle', () => {
    for (const f of COPULA_FAMILIES) {
      const p = PARAMS[f];
      expect(Math.abs(integrate(f, p, 1, 1, 120) - 1), f).toBeLessThan(1e-6);
      expect(Math.abs(integrate(f, p, 0.3, 0.6, 120) - copulaCdf(f, p, 0.3, 0.6)), f).toBeLessThan(1e-4);
    }
  });

  it('CDFs have uniform margins and the Fréchet bounds', () => {
    for (const f of COPULA_FAMILIES) {
      const p = PARAMS[f];
      for (const [u, v] of [[0.2, 0.7], [0.5, 0.5], [0.9, 0.1]]) {
        const c = copulaCdf(f, p, u, v);
        expect(c, f).toBeGreaterThanOrEqual(Math.max(0, u + v - 1) - 1e-12);
        expect(c, f).toBeLessThanOrEqual(Math.min(u, v) + 1e-12);
        expect(copulaCdf(f, p, u, 1), f).toBeCloseTo(u, 12);
        expect(copulaCdf(f, p, 1, v), f).toBeCloseTo(v, 12);
      }
    }
  });
});

describe('ranks and Kendall tau', () => {
  it('tau-b and the empirical copula agree with brute force, ties included', () => {
    const rng = Rng.create(3);
    const x = Array.from({ length: 60 }, () => rng.int(7));
    const y = x.map((a) => a + rng.int(5));
    let conc = 0, disc = 0, tx = 0, ty = 0;
    for (let i = 0; i < x.length; i++) {
      for (let j = i + 1; j < x.length; j++) {
        const s = Math.sign(x[i] - x[j]) * Math.sign(y[i] - y[j]);
        if (s > 0) conc++; else if (s < 0) disc++;
        if (x[i] !== x[j]) tx++;
        if (y[i] !== y[j]) ty++;
      }
    }
    expect(kendallTauB(x, y)).toBeCloseTo((conc - disc) / Math.sqrt(tx * ty), 14);
    const { u, v } = pseudoObservations(x, y, 'average');
    const cn = empiricalCopulaAtPoints(u, v);
    for (let i = 0; i < x.length; i++) {
      expect(cn[i]).toBe(u.filter((a, j) => a <= u[i] && v[j] <= v[i]).length / x.length);
    }
    expect([...ranks([3, 1, 3, 2])]).toEqual([3.5, 1, 3.5, 2]);
    // jitter breaks ties, deterministically by tieSeed
    const j1 = pseudoObservations(x, y, 'jitter', 5);
    expect(new Set(j1.u).size).toBe(x.length);
    expect(pseudoObservations(x, y, 'jitter', 5)).toEqual(j1);
    expect([...j1.u].sort((a, b) => a - b)).toEqual(x.map((_, i) => (i + 1) / 61));
  });
});

describe('samplers and tau identities', () => {
  it('positive stable frailty has Laplace transform exp(−t^α)', () => {
    const rng = Rng.create(11);
    let s = 0;
    const n = 20_000;
    for (let i = 0; i < n; i++) s += Math.exp(-positiveStable(rng, 0.5));
    expect(s / n).toBeCloseTo(Math.exp(-1), 2);
  });

  it('simulated data have the tau of the parameter; itau and ML recover it', () => {
    // τ = 0.4: Clayton θ = 2τ/(1−τ) = 4/3, Gumbel θ = 1/(1−τ) = 5/3, Gaussian ρ = sin(πτ/2)
    expect(thetaFromTau('clayton', 0.4)).toBeCloseTo(4 / 3, 14);
    expect(thetaFromTau('gumbel', 0.4)).toBeCloseTo(5 / 3, 14);
    expect(thetaFromTau('gaussian', 0.4)).toBeCloseTo(Math.sin(0.2 * Math.PI), 14);
    expect(thetaFromTau('clayton', -0.2)).toBeNull();
    const rng = Rng.create(42);
    const n = 1500;
    for (const f of ['gaussian', 't', 'clayton', 'gumbel', 'clayton90', 'gumbel180'] as CopulaFamily[]) {
      const tau = f.endsWith('90') ? -0.4 : 0.4;
      const p: CopulaParam = { theta: thetaFromTau(f, tau)!, nu: f === 't' ? 5 : undefined };
      expect(kendallTau(f, p), f).toBeCloseTo(tau, 12);
      const s = sampleCopula(f, p, n, rng);
      expect(Math.abs(kendallTauB(s.u, s.v) - tau), f).toBeLessThan(0.04);
      const po = pseudoObservations(s.u, s.v, 'average');
      const it = fitCopula(f, po.u, po.v, { method: 'itau', nuGrid: [3, 5, 8] });
      expect(Math.abs(it.tau - tau), f).toBeLessThan(0.04);
      const ml = fitCopula(f, po.u, po.v, { method: 'mle', nuGrid: [3, 5, 8] });
      expect(Math.abs(ml.tau - tau), f).toBeLessThan(0.05);
      expect(ml.logLik, f).toBeGreaterThanOrEqual(it.logLik - 1e-9); // ML maximises what itau only evaluates
      if (f === 't') expect(ml.nu).toBe(5);
    }
  });

  it('S_n is small under the true family and large under a wrong one', () => {
    const rng = Rng.create(9);
    const s = sampleCopula('clayton', { theta: 3 }, 800, rng);
    const po = pseudoObservations(s.u, s.v, 'average');
    const right = fitCopula('clayton', po.u, po.v, { method: 'mle' });
    const wrong = fitCopula('gumbel', po.u, po.v, { method: 'mle' });
    const sr = cvmStatistic('clayton', right, po.u, po.v), sw = cvmStatistic('gumbel', wrong, po.u, po.v);
    expect(sr).toBeLessThan(0.1);
    expect(sw).toBeGreaterThan(3 * sr);
  });
});
