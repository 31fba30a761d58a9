import { describe, expect, it } from 'vitest';
import type { CoverPlay } from '@nfl-grid/shared/data/gamestate/plays';
import { coverMetrics } from '@nfl-grid/shared/kernels/cover/metrics';
import { MLP_FORMAT, type MlpArtifact } from '@nfl-grid/shared/models/mlp-artifact';
import { applyPlatt, ENSEMBLE_FORMAT, fitPlatt } from '@nfl-grid/shared/models/mlp-ensemble';
import { coverPredictor, parseCoverArtifact } from './cover-predictor';
import { combineFold, ensembleCandidate, type EnsembleFold } from './ensemble-candidate';

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
/** p = σ(w · lead + b): one sigmoid unit on the favourite's lead. */
const unit = (w: number, b: number): MlpArtifact => ({
  format: MLP_FORMAT, features: ['lead'], scaler: { mean: [0], sd: [1] },
  layers: [{ inputs: 1, units: 1, activation: 'sigmoid', weights: [w], bias: [b] }],
});
const play = (season: number, i: number, lead: number, covered: 0 | 1): CoverPlay => ({
  gameId: `${season}-${i >> 1}`, season, playoff: false, playId: i, qtr: 2, secondsLeft: 2000, lead, line: 3,
  favoriteHasBall: null, yardline100: null, down: null, ydstogo: null, covered,
});
const validation = [[-7, 0], [-3, 0], [-3, 1], [0, 1], [0, 0], [3, 1], [7, 1], [10, 0], [10, 1], [14, 1]].map(([l, y], i) => play(2018, i, l!, y as 0 | 1));
const test = [[-10, 0], [-1, 1], [2, 0], [6, 1], [21, 1]].map(([l, y], i) => play(2019, i, l!, y as 0 | 1));

const members = [{ wuId: 11, model: unit(0.2, -0.1) }, { wuId: 12, model: unit(0.05, 0.3) }];
const mean = (lead: number) => (sigmoid(0.2 * lead - 0.1) + sigmoid(0.05 * lead + 0.3)) / 2;
const fold = (calibration: 'none' | 'platt'): EnsembleFold => ({ testSeason: 2019, validationSeason: 2018, members, calibration });
const labels = (ps: CoverPlay[]) => ps.map((p) => p.covered);

describe('combining one fold of an ensemble batch', () => {
  it('averages the members and scores the mean on both seasons (no calibration)', () => {
    const c = combineFold(fold('none'), validation, test);
    expect(c.artifact).toEqual({ format: ENSEMBLE_FORMAT, members: [members[0]!.model, members[1]!.model] });
    const expected = coverMetrics(test.map((p) => mean(p.lead)), labels(test));
    expect(c.heldOut.n).toBe(5);
    expect(c.heldOut.logLoss).toBeCloseTo(expected.logLoss, 14);
    expect(c.heldOut.brier).toBeCloseTo(expected.brier, 14);
    expect(c.heldOut.calibrationError).toBeCloseTo(expected.calibrationError, 14);
    expect(c.validation.logLoss).toBeCloseTo(coverMetrics(validation.map((p) => mean(p.lead)), labels(validation)).logLoss, 14);
    expect(c.memberLogLoss[0]).toBeCloseTo(coverMetrics(test.map((p) => sigmoid(0.2 * p.lead - 0.1)), labels(test)).logLoss, 14);
  });

  it('fits the Platt layer on the validation season, never the test season', () => {
    const c = combineFold(fold('platt'), validation, test);
    const onValidation = fitPlatt(validation.map((p) => mean(p.lead)), labels(validation));
    expect(c.artifact.calibration!.a).toBeCloseTo(onValidation.a, 10);
    expect(c.artifact.calibration!.b).toBeCloseTo(onValidation.b, 10);
    const onTest = fitPlatt(test.map((p) => mean(p.lead)), labels(test));
    expect(Math.abs(c.artifact.calibration!.a - onTest.a)).toBeGreaterThan(0.1);
    const expected = coverMetrics(test.map((p) => applyPlatt(onValidation, mean(p.lead))), labels(test));
    expect(c.heldOut.logLoss).toBeCloseTo(expected.logLoss, 9);
    // fitted by maximum likelihood on the validation season, it cannot score worse there than none
    expect(c.validation.logLoss).toBeLessThanOrEqual(combineFold(fold('none'), validation, test).validation.logLoss + 1e-12);
  });

  it('registers the fold with its member WUs as lineage, and the registry serves the artifact', () => {
    const c = combineFold(fold('platt'), validation, test);
    const body = ensembleCandidate(fold('platt'), c, { batchId: '00000000-0000-4000-8000-000000000001', params: { hidden: [1] }, dataHashes: {} });
    expect(body).toMatchObject({ name: 'cover', kernel: 'train.mlp@1', wuIds: [11, 12], heldOutSeasons: [2019] });
    expect(body.metrics.seasons['2019']).toEqual({ logLoss: c.heldOut.logLoss, brier: c.heldOut.brier, calibrationError: c.heldOut.calibrationError, plays: 5 });
    expect(body.metrics.overall).toMatchObject({ members: 2, validationSeason: 2018, plattA: c.artifact.calibration!.a });
    const served = coverPredictor(parseCoverArtifact(body.artifact));
    expect(served.features).toEqual(['lead']);
    expect(served.predict({ lead: 6, line: 3, secondsLeft: 100 })).toBeCloseTo(applyPlatt(c.artifact.calibration!, mean(6)), 14);
  });
});
