import { describe, expect, it } from 'vitest';
import type { ObdLog } from '../../data/obd';
import { estimateAll, estimatorNames, resampleCounts, type OpeGrids, type OpeRows } from './estimators';
import { policyMatrix, replayValue } from './policies';
import { choleskySolve, fitRewardModel } from './reward-model';
import { Rng } from '../../math/rng';

const rows = (w: number[], r: number[], q: number[], d: number[], slot: number[]): OpeRows => ({
  n: w.length, w: Float64Array.from(w), r: Float64Array.from(r), q: Float64Array.from(q), d: Float64Array.from(d), slot: Int32Array.from(slot), nSlots: 2,
});

/** Four rows worked by hand: weights 2, ½, 1, 4; rewards 1, 0, 1, 0; two slots. */
const tiny = rows([2, 0.5, 1, 4], [1, 0, 1, 0], [0.5, 0.2, 0.6, 0.1], [0.4, 0.3, 0.5, 0.2], [0, 0, 1, 1]);
const G: OpeGrids = { clip: [1, 10], switchTau: [1.5, Infinity], shrink: [2] };

const byName = (x: OpeRows, g: OpeGrids = G, counts?: Int32Array) => {
  const v = estimateAll(x, g, counts);
  return Object.fromEntries(estimatorNames(g).map((n, i) => [n, v[i]]));
};

describe('estimators on a hand-made log', () => {
  it('gives the values worked by hand', () => {
    const e = byName(tiny);
    expect(e.ips).toBeCloseTo(3 / 4, 15); // (2 + 0 + 1 + 0) / 4
    expect(e.snips).toBeCloseTo(3 / 7.5, 15); // Σw = 7.5
    expect(e.wis_pos).toBeCloseTo(0.5 * (2 / 2.5) + 0.5 * (1 / 5), 15);
    expect(e.dm).toBeCloseTo(1.4 / 4, 15);
    // residuals r − q: 0.5, −0.2, 0.4, −0.1; Σ w(r − q) = 1 − 0.1 + 0.4 − 0.4 = 0.9
    expect(e.dr).toBeCloseTo(0.35 + 0.9 / 4, 15);
    expect(e.sndr).toBeCloseTo(0.35 + 0.9 / 7.5, 15);
    // λ = 1: clipped weights 1, ½, 1, 1
    expect(e['ips_clip@1']).toBeCloseTo(2 / 4, 15);
    expect(e['dr_clip@1']).toBeCloseTo(0.35 + (0.5 - 0.1 + 0.4 - 0.1) / 4, 15);
    // τ = 1.5 keeps the corrections of rows 2 and 3 only
    expect(e['switch_dr@1.5']).toBeCloseTo(0.35 + (-0.1 + 0.4) / 4, 15);
    // λ = 2: w̃ = 2w/(w² + 2) = 2/3, 4/9, 2/3, 4/9
    expect(e['dr_os@2']).toBeCloseTo(0.35 + ((2 / 3) * 0.5 - (4 / 9) * 0.2 + (2 / 3) * 0.4 - (4 / 9) * 0.1) / 4, 15);
  });

  it('DR = IPS without a reward model, DR = DM with an exact one, switch-DR at τ = ∞ is DR', () => {
    const noModel = rows([2, 0.5, 1, 4], [1, 0, 1, 0], [0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 1, 1]);
    expect(byName(noModel).dr).toBeCloseTo(byName(noModel).ips, 15);
    const exact = rows([2, 0.5, 1, 4], [1, 0, 1, 0], [1, 0, 1, 0], [0.4, 0.3, 0.5, 0.2], [0, 0, 1, 1]);
    expect(byName(exact).dr).toBeCloseTo(byName(exact).dm, 15);
    expect(byName(exact).sndr).toBeCloseTo(byName(exact).dm, 15);
    const e = byName(tiny);
    expect(e['switch_dr@Infinity']).toBe(e.dr);
    expect(byName(tiny, { clip: [], switchTau: [0.1], shrink: [] })['switch_dr@0.1']).toBe(e.dm); // τ below every weight
    expect(e['ips_clip@10']).toBe(e.ips); // λ above every weight
    expect(e['dr_clip@10']).toBe(e.dr);
    expect(byName(tiny, { clip: [], switchTau: [], shrink: [1e12] })['dr_os@1000000000000']).toBeCloseTo(e.dr, 9);
    // unit weights: IPS and SNIPS are the mean reward
    const onPolicy = rows([1, 1, 1, 1], [1, 0, 1, 0], [0.5, 0.2, 0.6, 0.1], [0.4, 0.3, 0.5, 0.2], [0, 0, 1, 1]);
    expect(byName(onPolicy).ips).toBe(0.5);
    expect(byName(onPolicy).snips).toBe(0.5);
  });

  it('counts act as repeated rows (a bootstrap resample)', () => {
    const counts = Int32Array.from([2, 0, 1, 3]);
    const expanded = rows([2, 2, 1, 4, 4, 4], [1, 1, 1, 0, 0, 0], [0.5, 0.5, 0.6, 0.1, 0.1, 0.1], [0.4, 0.4, 0.5, 0.2, 0.2, 0.2], [0, 0, 1, 1, 1, 1]);
    const a = estimateAll(tiny, G, counts), b = estimateAll(expanded, G);
    a.forEach((x, i) => expect(x).toBeCloseTo(b[i], 14));
    const rng = Rng.create(1);
    const c = resampleCounts(1000, (n) => rng.int(n));
    expect(c.reduce((s, x) => s + x, 0)).toBe(1000);
  });
});

/** A synthetic log: 3 items, 2 slots used, no user signal. */
function synthetic(n: number): ObdLog {
  const rng = Rng.create(5);
  const nItems = 3;
  const log: ObdLog = {
    campaign: 'men', policy: 'random', nItems, nRows: n, timestamp: Array(n).fill(''),
    itemId: new Int32Array(n), position: new Int32Array(n), click: new Uint8Array(n), propensity: new Float64Array(n).fill(1 / nItems),
    userFeatures: [new Int32Array(n), new Int32Array(n), new Int32Array(n), new Int32Array(n)],
    userFeatureLevels: [['a'], ['a'], ['a'], ['a']], affinity: new Float64Array(n * nItems),
  };
  const rate = [0.1, 0.3, 0.5];
  for (let i = 0; i < n; i++) {
    log.itemId[i] = rng.int(nItems);
    log.position[i] = 1 + rng.int(3);
    log.click[i] = rng.next() < rate[log.itemId[i]] ? 1 : 0;
  }
  return log;
}

describe('reward models and policies', () => {
  const log = synthetic(3000);

  it('item-position rates with no prior are the cell means, cross-fitted on the other fold', () => {
    const q = fitRewardModel(log, { kind: 'item_position', prior: 0 }, 1);
    const m = log.nItems;
    let c = 0, k = 0;
    for (let i = 0; i < log.nRows; i++) if (log.itemId[i] === 2 && log.position[i] === 1) { c += log.click[i]; k++; }
    const row = [...Array(log.nRows).keys()].find((i) => log.position[i] === 1)!;
    expect(q[row * m + 2]).toBeCloseTo(c / k, 14);
    // cross-fitting: flipping row 0's click leaves its own prediction unchanged
    const q2 = fitRewardModel(log, { kind: 'item_position', prior: 10 }, 2);
    const flipped = { ...log, click: Uint8Array.from(log.click, (x, i) => (i === 0 ? 1 - x : x)) };
    const q3 = fitRewardModel(flipped, { kind: 'item_position', prior: 10 }, 2);
    expect(q3[0 * m + log.itemId[0]]).toBe(q2[0 * m + log.itemId[0]]);
    expect(q3[1 * m + log.itemId[0]]).not.toBe(q2[1 * m + log.itemId[0]]);
  });

  it('logistic regression recovers the item click rates', () => {
    const q = fitRewardModel(log, { kind: 'logistic', l2: 1e-3, maxIter: 30 }, 1);
    for (let a = 0; a < 3; a++) expect(Math.abs(q[a] - [0.1, 0.3, 0.5][a])).toBeLessThan(0.05);
    const x = choleskySolve(Float64Array.from([4, 2, 2, 3]), Float64Array.from([2, 1]), 2);
    expect([...x].map((v) => +v.toFixed(12))).toEqual([0.5, 0]);
  });

  it('policies are distributions; replay of the uniform policy is the mean click', () => {
    const scores = Float64Array.from([0.1, 0.3, 0.2, 0.5, 0.1, 0.1, 0.2, 0.2, 0.9]);
    for (const spec of [{ kind: 'uniform' }, { kind: 'logging' }, { kind: 'greedy' }, { kind: 'epsilon_greedy', epsilon: 0.3 }, { kind: 'softmax', beta: 3 }] as const) {
      const pi = policyMatrix(spec, log, scores);
      for (let k = 0; k < 3; k++) expect(pi.subarray(k * 3, k * 3 + 3).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 14);
    }
    expect([...policyMatrix({ kind: 'greedy' }, log, scores)]).toEqual([0, 1, 0, 1, 0, 0, 0, 0, 1]);
    expect([...policyMatrix({ kind: 'softmax', beta: 0 }, log, scores)].every((p) => Math.abs(p - 1 / 3) < 1e-15)).toBe(true);
    const uni = replayValue(log, policyMatrix({ kind: 'uniform' }, log), 0);
    expect(uni.value).toBeCloseTo(log.click.reduce((a, b) => a + b, 0) / log.nRows, 14);
  });
});
