import { describe, expect, it } from 'vitest';
import { Rng } from '../math/rng';
import { binomial, multinomial, uniform53 } from './binomial';
import { chiSquareGoodnessOfFit } from './chi-square-test';
import { logGamma } from '../math/gamma';
import { resampleCounts } from './resample-counts';

/** Exact Binomial(n, p) pmf from log-gamma. */
function pmf(n: number, p: number, k: number): number {
  return Math.exp(logGamma(n + 1) - logGamma(k + 1) - logGamma(n - k + 1) + k * Math.log(p) + (n - k) * Math.log1p(-p));
}

/**
 * Chi-square goodness of fit of `draws` draws against the exact pmf, cells pooled so each expects
 * at least 20 (the tails go into the end cells).
 */
function fitPValue(n: number, p: number, draws: number, seed: number): number {
  const rng = Rng.create(seed, 1);
  const seen = new Map<number, number>();
  for (let i = 0; i < draws; i++) {
    const k = binomial(rng, n, p);
    seen.set(k, (seen.get(k) ?? 0) + 1);
  }
  const probs: number[] = [], obs: number[] = [];
  let accP = 0, accO = 0;
  for (let k = 0; k <= n; k++) {
    accP += pmf(n, p, k);
    accO += seen.get(k) ?? 0;
    if (accP * draws >= 20 && (1 - probs.reduce((a, x) => a + x, 0) - accP) * draws >= 20) {
      probs.push(accP); obs.push(accO); accP = 0; accO = 0;
    }
  }
  probs[probs.length - 1]! += accP;
  obs[obs.length - 1]! += accO;
  const total = probs.reduce((a, x) => a + x, 0);
  return chiSquareGoodnessOfFit(obs, { probabilities: probs.map((x) => x / total) }).pValue;
}

describe('binomial', () => {
  it('fits the exact pmf by inversion (n·p < 10) and by BTRS (n·p ≥ 10), on both sides of ½', () => {
    // 9 independent checks at the 0.1 % level: a correct sampler fails one about 1 % of the time,
    // but the seeds are fixed, so this is a deterministic regression check of that draw.
    const cases: [number, number][] = [[20, 0.3], [1000, 0.004], [50, 0.5], [60, 0.25], [1000, 0.02], [10_000, 0.5], [1_000_000, 0.37], [400_000, 0.97], [300, 0.9]];
    cases.forEach(([n, p], i) => expect(fitPValue(n, p, 40_000, 100 + i), `n=${n} p=${p}`).toBeGreaterThan(0.001));
  });

  it('has the binomial mean and variance for large n', () => {
    const rng = Rng.create(5, 0);
    const n = 2_000_000, p = 0.123, B = 20_000;
    let s = 0, s2 = 0;
    for (let i = 0; i < B; i++) { const k = binomial(rng, n, p); s += k; s2 += k * k; }
    const m = s / B, v = s2 / B - m * m;
    expect(Math.abs(m - n * p)).toBeLessThan(5 * Math.sqrt((n * p * (1 - p)) / B));
    expect(v / (n * p * (1 - p))).toBeGreaterThan(0.95);
    expect(v / (n * p * (1 - p))).toBeLessThan(1.05);
  });

  it('handles the edges and rejects bad arguments', () => {
    const rng = Rng.create(1);
    expect(binomial(rng, 0, 0.5)).toBe(0);
    expect(binomial(rng, 10, 0)).toBe(0);
    expect(binomial(rng, 10, 1)).toBe(10);
    for (const [n, p] of [[-1, 0.5], [2.5, 0.5], [10, -0.1], [10, 1.1], [10, NaN]]) expect(() => binomial(rng, n!, p!)).toThrow(/binomial/);
  });

  it('draws 53-bit uniforms in [0, 1)', () => {
    const rng = Rng.create(2);
    let lo = 1, hi = 0, fine = 0;
    for (let i = 0; i < 10_000; i++) {
      const u = uniform53(rng);
      lo = Math.min(lo, u); hi = Math.max(hi, u);
      if (u * 2 ** 32 !== Math.floor(u * 2 ** 32)) fine++;
    }
    expect(lo).toBeGreaterThanOrEqual(0);
    expect(hi).toBeLessThan(1);
    expect(fine).toBeGreaterThan(9990); // more than 32 bits of resolution
  });
});

describe('multinomial', () => {
  it('sums to n and has the right bin means, with counts or probabilities as weights', () => {
    const rng = Rng.create(9);
    const w = [0, 5, 0, 30, 15, 0, 50, 0];
    const out = new Int32Array(w.length), sum = new Float64Array(w.length);
    const B = 4000, n = 10_000;
    for (let b = 0; b < B; b++) {
      multinomial(rng, n, b % 2 ? w : w.map((x) => x / 100), out);
      expect(out.reduce((a, x) => a + x, 0)).toBe(n);
      out.forEach((c, i) => { sum[i] += c; });
    }
    w.forEach((x, i) => {
      const p = x / 100, sd = Math.sqrt((n * p * (1 - p)) / B);
      if (x === 0) expect(sum[i]).toBe(0);
      else expect(Math.abs(sum[i]! / B - n * p)).toBeLessThan(5 * sd);
    });
  });

  it('rejects weights that are negative or all zero', () => {
    const out = new Int32Array(2);
    expect(() => multinomial(Rng.create(1), 3, [1, -1], out)).toThrow(/weight 1/);
    expect(() => multinomial(Rng.create(1), 3, [0, 0], out)).toThrow(/sum to 0/);
    expect(() => multinomial(Rng.create(1), 3, [1], out)).toThrow(/length/);
  });
});

describe('resampleCounts', () => {
  it('always sums to n, and is reproducible by seed', () => {
    for (const n of [1, 2, 7, 1000, 54_321]) {
      const rng = Rng.create(n, 3);
      const c = new Int32Array(n);
      for (let b = 0; b < 20; b++) {
        resampleCounts(rng, c);
        expect(c.reduce((a, x) => a + x, 0)).toBe(n);
      }
    }
    const a = new Int32Array(500), b = new Int32Array(500);
    resampleCounts(Rng.create(4, 1), a);
    resampleCounts(Rng.create(4, 1), b);
    expect(b).toEqual(a);
  });

  it('gives each item Binomial(n, 1/n) multiplicity and the multinomial covariance −1/n', () => {
    // n = 5: exact marginal law Binomial(5, 0.2); Cov(c0, c1) = −n·(1/n)² = −0.2.
    const n = 5, B = 60_000, rng = Rng.create(77, 0);
    const c = new Int32Array(n);
    const hist = new Array<number>(n + 1).fill(0);
    let s01 = 0, s0 = 0, s1 = 0;
    for (let b = 0; b < B; b++) {
      resampleCounts(rng, c);
      hist[c[0]!]++;
      s0 += c[0]!; s1 += c[1]!; s01 += c[0]! * c[1]!;
    }
    const probs = hist.map((_, k) => pmf(n, 1 / n, k));
    // pool the two rarest cells (k = 4, 5) so every cell expects ≥ 20
    const obs = [...hist.slice(0, 4), hist[4]! + hist[5]!];
    const p = [...probs.slice(0, 4), probs[4]! + probs[5]!];
    expect(chiSquareGoodnessOfFit(obs, { probabilities: p }).pValue).toBeGreaterThan(0.001);
    const cov = s01 / B - (s0 / B) * (s1 / B);
    expect(Math.abs(cov - -0.2)).toBeLessThan(0.02);
  });

  it('matches the law of counts of uniform draws for n = 3 (all 10 compositions)', () => {
    // P(composition) = 3! / (c0! c1! c2!) / 27
    const fact = [1, 1, 2, 6];
    const comps: number[][] = [];
    for (let a = 0; a <= 3; a++) for (let b = 0; a + b <= 3; b++) comps.push([a, b, 3 - a - b]);
    const probs = comps.map((k) => 6 / (fact[k[0]!]! * fact[k[1]!]! * fact[k[2]!]!) / 27);
    const seen = new Array<number>(comps.length).fill(0);
    const rng = Rng.create(12, 0), c = new Int32Array(3), B = 50_000;
    for (let b = 0; b < B; b++) {
      resampleCounts(rng, c);
      seen[comps.findIndex((k) => k[0] === c[0] && k[1] === c[1])]++;
    }
    expect(chiSquareGoodnessOfFit(seen, { probabilities: probs }).pValue).toBeGreaterThan(0.001);
  });
});
