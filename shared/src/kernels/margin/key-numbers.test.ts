import { describe, expect, it } from 'vitest';
import type { GameRow } from '../../data/spreadspoke';
import { DEFAULT_DATA_DIR, loadLocalKernelData } from '../../data/local';
import { marginKeyNumbers, MarginKeyNumbersParams } from './key-numbers';
import { at, bucketCounts, bucketOf, groupMargins, iterateMultipliers, keyPmf, MARGIN_K, normalPmf } from './model';
import { getKernel } from '../registry';
import { runKernelSync } from '../runner';
import { runWithRestarts } from '../testing';

const data = loadLocalKernelData(DEFAULT_DATA_DIR, marginKeyNumbers.datasets(MarginKeyNumbersParams.parse({})));
const small = MarginKeyNumbersParams.parse({ trainFrom: 2014, trainTo: 2017, testFrom: 2018, testTo: 2019, iterations: 40, iterationsPerStep: 10 });

describe('margin model', () => {
  it('discretises the Normal: sums to 1, symmetric about a whole-number mean, peaks at the mean', () => {
    const p = normalPmf(3, 13.5);
    expect(p.reduce((a, v) => a + v, 0)).toBeCloseTo(1, 14);
    for (let k = 1; k <= 30; k++) expect(p[at(3 + k)]).toBeCloseTo(p[at(3 - k)], 14);
    expect(Math.max(...p)).toBe(p[at(3)]);
    expect(p[at(3)]).toBeCloseTo(0.02953, 4); // ≈ φ(0)/σ
  });

  it('with all multipliers 1 the key model is the Normal; multipliers reweight by |margin|', () => {
    const base = normalPmf(2.5, 13);
    const w = new Array<number>(32).fill(1);
    expect(Array.from(keyPmf(base, w, 30))).toEqual(Array.from(base).map((v) => v / base.reduce((a, x) => a + x, 0)));
    w[3] = 3;
    const k = keyPmf(base, w, 30);
    expect(k[at(3)] / k[at(4)]).toBeCloseTo(3 * (base[at(3)] / base[at(4)]), 12);
    expect(k[at(-3)] / k[at(-4)]).toBeCloseTo(3 * (base[at(-3)] / base[at(-4)]), 12);
    expect(bucketOf(-45, 30)).toBe(31);
    expect(bucketOf(MARGIN_K, 30)).toBe(31);
  });

  it('iterates to the smoothed fixed point c_b + s = ê_b + s·w_b', () => {
    const games = data.dataset<GameRow[]>('spreadspoke.games').filter((g) => g.season >= 2015 && g.season <= 2017)
      .map((g) => ({ homeLine: g.homeLine, margin: g.homeScore - g.awayScore }));
    const groups = groupMargins(games), maxKey = 20, s = 5;
    const bases = groups.map((g) => normalPmf(-g.line, 13.4));
    const counts = bucketCounts(groups, maxKey);
    const w = new Array<number>(maxKey + 2).fill(1);
    const change = iterateMultipliers(w, groups, bases, counts, s, maxKey, 400);
    expect(change).toBeLessThan(1e-9);
    const expected = new Array<number>(maxKey + 2).fill(0);
    groups.forEach((g, gi) => {
      const pmf = keyPmf(bases[gi], w, maxKey);
      for (let k = -MARGIN_K; k <= MARGIN_K; k++) expected[bucketOf(k, maxKey)] += g.margins.length * pmf[at(k)];
    });
    counts.forEach((c, b) => expect(c + s).toBeCloseTo(expected[b] + s * w[b], 6));
    expect(w[3]).toBeGreaterThan(2); // 3 is the key number
    expect(w[7]).toBeGreaterThan(1.3);
  });
});

describe('margins.key_numbers kernel', () => {
  const out = runKernelSync(marginKeyNumbers, small, 1, data);

  it('is registered and rejects bad params', () => {
    expect(getKernel('margins.key_numbers@1')).toBe(marginKeyNumbers);
    expect(MarginKeyNumbersParams.parse(small)).toEqual(small);
    for (const bad of [{ trainFrom: 2015, trainTo: 2019, testFrom: 2018, testTo: 2020 }, { trainFrom: 2019, trainTo: 2018 },
      { sigma: 2 }, { smoothing: -1 }, { pushLines: [3.25] }, { maxKey: 0 }, { iterations: 0 }, { seasons: 3 }]) {
      expect(MarginKeyNumbersParams.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });

  it('beats the Normal on held-out exact margins and predicts more pushes at 3', () => {
    expect(out.sigmaFitted).toBe(true);
    expect(out.sigma).toBeGreaterThan(12);
    expect(out.sigma).toBeLessThan(15);
    expect(out.test.diffPerGame).toBeGreaterThan(0);
    expect(out.test.logLik.keyNumbers).toBeGreaterThan(out.test.logLik.normal);
    const three = out.pushes.find((x) => x.line === 3)!;
    expect(three.keyRate!).toBeGreaterThan(2 * three.normalRate!);
    expect(out.pushes.find((x) => x.line === 2.5)).toMatchObject({ pushes: 0, normalRate: 0, keyRate: 0 });
    expect(out.marginFrequencies.reduce((a, f) => a + f.observed, 0)).toBeLessThanOrEqual(out.test.n);
    expect(out.iterations).toBe(40);
  });

  it('is identical on a rerun and when checkpointed and restored at several steps', () => {
    expect(runKernelSync(marginKeyNumbers, small, 1, data)).toEqual(out);
    const fresh = loadLocalKernelData(DEFAULT_DATA_DIR, marginKeyNumbers.datasets(small));
    expect(runWithRestarts(marginKeyNumbers, small, 1, data, [0, 1, 3], fresh)).toEqual(out);
    expect(runWithRestarts(marginKeyNumbers, small, 1, data, [2, 4, 5])).toEqual(out);
  });

  it('comparator accepts a rerun and rejects a perturbed output', () => {
    const again = runKernelSync(marginKeyNumbers, small, 9, data);
    expect(marginKeyNumbers.compare(out, again)).toBe(true);
    const bumped = structuredClone(again);
    bumped.multipliers[3].w *= 1 + 1e-7;
    expect(marginKeyNumbers.compare(out, bumped)).toBe(false);
    expect(marginKeyNumbers.compare(out, runKernelSync(marginKeyNumbers, { ...small, sigma: 13.45 }, 1, data))).toBe(false);
  });

  it('refuses a snapshot of other params', () => {
    const s = marginKeyNumbers.init(small, 1, data);
    expect(() => marginKeyNumbers.restore({ ...small, smoothing: 3 }, marginKeyNumbers.checkpoint(s), data)).toThrow();
  });
});
