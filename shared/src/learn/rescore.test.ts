import { describe, expect, it } from 'vitest';
import { playsDataset, type ParsedPlays } from '../data/gamestate/plays';
import { DEFAULT_DATA_DIR, loadLocalKernelData } from '../data/local';
import { gamestateDatasets } from '../data/gamestate/datasets';
import { coverMetrics } from '../kernels/cover/metrics';
import { Rng } from '../math/rng';
import { MLP_FORMAT, type MlpArtifact } from '../models/mlp-artifact';
import { coverRows, evenlySpaced, fitColumnScaler, type CoverRows } from './cover-rows';
import { baselineScores, checkClaim, checkNotWorse, HELD_OUT_MARGIN, rescorePlays, rescoreRows, SAME_ROWS_TOLERANCE } from './rescore';

const data = loadLocalKernelData(DEFAULT_DATA_DIR, gamestateDatasets([2018, 2019]));
const plays = (s: number) => data.dataset<ParsedPlays>(playsDataset(s)).rows;

/** A one-feature logistic model on coverZ, fitted on `rows` by Newton's method: an honest, decent model. */
function logisticOnCoverZ(rows: CoverRows): MlpArtifact {
  const scaler = fitColumnScaler(rows);
  const z = Array.from(rows.x, (v) => (v - scaler.mean[0]) / scaler.sd[0]);
  let a = 0, b = 0;
  for (let it = 0; it < 25; it++) {
    let ga = 0, gb = 0, haa = 0, hab = 0, hbb = 0;
    z.forEach((x, i) => {
      const p = 1 / (1 + Math.exp(-(a * x + b))), w = p * (1 - p), r = p - rows.y[i];
      ga += r * x; gb += r; haa += w * x * x; hab += w * x; hbb += w;
    });
    const det = haa * hbb - hab * hab;
    a -= (hbb * ga - hab * gb) / det;
    b -= (haa * gb - hab * ga) / det;
  }
  return { format: MLP_FORMAT, features: ['coverZ'], scaler, layers: [{ inputs: 1, units: 1, activation: 'sigmoid', weights: [a], bias: [b] }] };
}

function randomModel(seed: number): MlpArtifact {
  const rng = Rng.create(seed), u = () => 2 * rng.next() - 1;
  const hidden = Array.from({ length: 5 * 8 }, u), out = Array.from({ length: 8 }, u);
  return {
    format: MLP_FORMAT, features: ['t', 'lead', 'line', 'leadVsLine', 'coverZ'], scaler: { mean: [0, 0, 0, 0, 0], sd: [1, 1, 1, 1, 1] },
    layers: [{ inputs: 5, units: 8, activation: 'relu', weights: hidden, bias: new Array(8).fill(0) },
      { inputs: 8, units: 1, activation: 'sigmoid', weights: out, bias: [0] }],
  };
}

describe('cover rows', () => {
  it('spreads a row cap evenly and picks feature columns in order', () => {
    expect(evenlySpaced(10, 4)).toEqual([0, 2, 5, 7]);
    expect(evenlySpaced(3, 5)).toEqual([0, 1, 2]);
    const r = coverRows(plays(2019).slice(0, 3), ['line', 'down', 't']);
    expect(r.n).toBe(3);
    expect(r.x[0]).toBe(plays(2019)[0].line);
    expect(Number.isNaN(r.x[1])).toBe(plays(2019)[0].down === null);
    expect(() => coverRows(plays(2019), ['nope'])).toThrow(/unknown feature/);
  });
});

describe('re-scoring a returned model', () => {
  const train = coverRows(plays(2018), ['coverZ']);
  const good = logisticOnCoverZ(train);
  const claim = rescoreRows(good, train);

  it('matches the metrics of the same forecasts, and an honest claim passes', () => {
    expect(claim.n).toBe(train.n);
    expect(claim.logLoss).toBeLessThan(0.5);
    const pooled = rescorePlays(good, plays(2019));
    expect(pooled.n).toBe(plays(2019).length);
    expect(checkClaim(claim, rescoreRows(good, train), SAME_ROWS_TOLERANCE)).toEqual({ ok: true, failures: [] });
    expect(checkNotWorse(pooled, baselineScores(plays(2019)), HELD_OUT_MARGIN).ok).toBe(true);
  });

  it('fails random and poisoned weights that claim the good model’s scores', () => {
    for (const bad of [randomModel(1), randomModel(2)]) {
      const c = checkNotWorse(rescorePlays(bad, plays(2019)), baselineScores(plays(2019)), HELD_OUT_MARGIN);
      expect(c.ok).toBe(false);
      expect(c.failures.some((f) => f.startsWith('logLoss'))).toBe(true);
    }
    const flipped: MlpArtifact = { ...good, layers: [{ ...good.layers[0], weights: [-good.layers[0].weights[0]] }] };
    expect(checkNotWorse(rescorePlays(flipped, plays(2019)), baselineScores(plays(2019)), HELD_OUT_MARGIN).ok).toBe(false);
    const shrunk: MlpArtifact = { ...good, layers: [{ ...good.layers[0], weights: [good.layers[0].weights[0] * 0.8] }] };
    expect(checkClaim(claim, rescoreRows(shrunk, train), SAME_ROWS_TOLERANCE).ok).toBe(false);
  });

  it('judges a held-out season against the baseline on the same plays, within the margin and not past it', () => {
    const base = baselineScores(plays(2019));
    expect(base.logLoss).toBeCloseTo(0.4763, 3); // σ 18 on 2019: the cover.baseline@1 fold (σ 18.07) gives 0.4763
    const at = { logLoss: base.logLoss + HELD_OUT_MARGIN.logLoss - 1e-9, brier: base.brier, calibrationError: base.calibrationError };
    expect(checkNotWorse(at, base, HELD_OUT_MARGIN).ok).toBe(true);
    expect(checkNotWorse({ ...at, logLoss: at.logLoss + 2e-9 }, base, HELD_OUT_MARGIN).failures).toEqual([expect.stringMatching(/^logLoss/)]);
  });

  it('refuses rows of other features and never passes NaN', () => {
    expect(() => rescoreRows(good, coverRows(plays(2019), ['t']))).toThrow(/features/);
    expect(checkClaim({ ...claim, brier: NaN }, claim, SAME_ROWS_TOLERANCE).failures).toEqual([expect.stringMatching(/^brier/)]);
    expect(checkNotWorse({ ...claim, brier: NaN }, claim, HELD_OUT_MARGIN).failures).toEqual([expect.stringMatching(/^brier/)]);
    const constant = coverMetrics(new Array(train.n).fill(train.y.reduce((s, y) => s + y, 0) / train.n), train.y);
    expect(claim.logLoss).toBeLessThan(constant.logLoss);
  });
});
