import { describe, expect, it } from 'vitest';
import { Rng } from '../math/rng';
import { MLP_FORMAT, type MlpArtifact } from './mlp-artifact';
import { applyPlatt, ENSEMBLE_FORMAT, ensembleForward, ensembleMean, fitPlatt, MlpEnsembleArtifact } from './mlp-ensemble';

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
const logit = (p: number) => Math.log(p / (1 - p));

/** One sigmoid unit on one feature: p = σ(w·x + b). */
const unit = (w: number, b: number, feature = 't'): MlpArtifact => ({
  format: MLP_FORMAT, features: [feature], scaler: { mean: [0], sd: [1] },
  layers: [{ inputs: 1, units: 1, activation: 'sigmoid', weights: [w], bias: [b] }],
});

describe('mlp ensemble artifact', () => {
  const a = unit(1, 0), b = unit(-2, 0.5);

  it('averages the members’ probabilities, then applies the Platt layer', () => {
    for (const x of [-1.5, 0, 0.3, 2]) {
      const mean = (sigmoid(x) + sigmoid(-2 * x + 0.5)) / 2;
      expect(ensembleMean([a, b], [x])).toBeCloseTo(mean, 15);
      expect(ensembleForward({ format: ENSEMBLE_FORMAT, members: [a, b] }, [x])).toBeCloseTo(mean, 15);
      const calibrated: MlpEnsembleArtifact = { format: ENSEMBLE_FORMAT, members: [a, b], calibration: { kind: 'platt', a: 2, b: -0.25 } };
      expect(ensembleForward(calibrated, [x])).toBeCloseTo(sigmoid(2 * logit(mean) - 0.25), 14);
    }
    // a one-member ensemble without calibration is that member
    expect(ensembleForward({ format: ENSEMBLE_FORMAT, members: [b] }, [0.7])).toBe(sigmoid(-1.4 + 0.5));
  });

  it('refuses members with other features, naming the member', () => {
    const r = MlpEnsembleArtifact.safeParse({ format: ENSEMBLE_FORMAT, members: [a, unit(1, 0, 'lead')] });
    expect(r.success).toBe(false);
    expect(r.error!.issues[0]!.path).toEqual(['members', 1, 'features']);
    expect(MlpEnsembleArtifact.safeParse({ format: ENSEMBLE_FORMAT, members: [] }).success).toBe(false);
    expect(MlpEnsembleArtifact.safeParse({ format: ENSEMBLE_FORMAT, members: [a], calibration: { kind: 'platt', a: 1 } }).success).toBe(false);
    expect(MlpEnsembleArtifact.safeParse({ format: ENSEMBLE_FORMAT, members: [a, b], calibration: { kind: 'platt', a: 1, b: 0 } }).success).toBe(true);
  });

  it('fits the Platt layer that generated the labels, and the identity on calibrated forecasts', () => {
    const rng = Rng.create(11);
    const n = 40_000, p = new Float64Array(n), y = new Uint8Array(n), yId = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      p[i] = 0.02 + 0.96 * rng.next();
      y[i] = rng.next() < applyPlatt({ kind: 'platt', a: 0.7, b: 0.3 }, p[i]!) ? 1 : 0;
      yId[i] = rng.next() < p[i]! ? 1 : 0;
    }
    const fit = fitPlatt(p, y);
    // the standard errors of (a, b) at n = 40,000 are about 0.012 and 0.011
    expect(fit.a).toBeCloseTo(0.7, 1);
    expect(fit.b).toBeCloseTo(0.3, 1);
    const id = fitPlatt(p, yId);
    expect(Math.abs(id.a - 1)).toBeLessThan(0.05);
    expect(Math.abs(id.b)).toBeLessThan(0.05);
    // at the maximum the score equations hold: Σ (y − q) = 0 and Σ (y − q)·logit(p) = 0
    let g0 = 0, g1 = 0;
    for (let i = 0; i < n; i++) {
      const r = y[i]! - applyPlatt(fit, p[i]!);
      g0 += r;
      g1 += r * logit(p[i]!);
    }
    expect(Math.abs(g0)).toBeLessThan(1e-6);
    expect(Math.abs(g1)).toBeLessThan(1e-6);
  });
});
