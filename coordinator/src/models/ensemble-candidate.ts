import { coverRows } from '@nfl-grid/shared/learn/cover-rows';
import type { CoverPlay } from '@nfl-grid/shared/data/gamestate/plays';
import { coverMetrics, type CoverMetrics } from '@nfl-grid/shared/kernels/cover/metrics';
import type { MlpArtifact } from '@nfl-grid/shared/models/mlp-artifact';
import { mlpForward } from '@nfl-grid/shared/models/mlp-artifact';
import { applyPlatt, ENSEMBLE_FORMAT, fitPlatt, type MlpEnsembleArtifact } from '@nfl-grid/shared/models/mlp-ensemble';
import type { NewModel } from './registry';
import { COVER_MODEL_NAME } from './served-model';

/*
 * One fold of an ensemble batch made into one registry candidate: the members (train.mlp@1
 * networks of the same fold, different seeds, each already re-scored by the validator) are
 * averaged; with calibration 'platt' a Platt layer is fitted on the fold's validation season (all
 * its plays; the members chose their best epoch on it too) and never on the test season. The
 * coordinator then scores the combined model on both seasons: the held-out test season gives the
 * registry figures.
 */

export interface EnsembleFold {
  testSeason: number;
  validationSeason: number;
  members: { wuId: number; model: MlpArtifact }[];
  calibration: 'none' | 'platt';
}

/** Mean member probability per play. */
function meanForecasts(members: readonly MlpArtifact[], plays: readonly CoverPlay[]): { p: Float64Array; y: Uint8Array; members: Float64Array[] } {
  const rows = coverRows(plays, members[0]!.features), k = rows.features.length;
  const each = members.map((m) => {
    const out = new Float64Array(rows.n);
    for (let i = 0; i < rows.n; i++) out[i] = mlpForward(m, Array.from(rows.x.subarray(i * k, (i + 1) * k)));
    return out;
  });
  const p = new Float64Array(rows.n);
  for (const e of each) for (let i = 0; i < rows.n; i++) p[i] += e[i]! / members.length;
  return { p, y: rows.y, members: each };
}

export interface CombinedFold {
  artifact: MlpEnsembleArtifact;
  validation: CoverMetrics;
  heldOut: CoverMetrics;
  /** Held-out log loss of each member alone, in member order. */
  memberLogLoss: number[];
}

/** Combines and scores one fold (pure: the caller passes the plays of both seasons). */
export function combineFold(f: EnsembleFold, validationPlays: readonly CoverPlay[], testPlays: readonly CoverPlay[]): CombinedFold {
  const nets = f.members.map((m) => m.model);
  const v = meanForecasts(nets, validationPlays), t = meanForecasts(nets, testPlays);
  const calibration = f.calibration === 'platt' ? fitPlatt(v.p, v.y) : undefined;
  const calibrated = (p: Float64Array) => (calibration ? p.map((x) => applyPlatt(calibration, x)) : p);
  return {
    artifact: { format: ENSEMBLE_FORMAT, members: nets, ...(calibration ? { calibration } : {}) },
    validation: coverMetrics(calibrated(v.p), v.y),
    heldOut: coverMetrics(calibrated(t.p), t.y),
    memberLogLoss: t.members.map((p) => coverMetrics(p, t.y).logLoss),
  };
}

const figures = (m: CoverMetrics) => ({ logLoss: m.logLoss, brier: m.brier, calibrationError: m.calibrationError, plays: m.n });

/** The registration of a combined fold, its lineage the member WUs. */
export function ensembleCandidate(
  f: EnsembleFold, c: CombinedFold,
  lineage: { batchId: string; params: Record<string, unknown>; dataHashes: Record<string, string> },
): NewModel {
  const meanMember = c.memberLogLoss.reduce((s, x) => s + x, 0) / c.memberLogLoss.length;
  return {
    name: COVER_MODEL_NAME, kernel: 'train.mlp@1', params: lineage.params, dataHashes: lineage.dataHashes,
    batchId: lineage.batchId, wuIds: f.members.map((m) => m.wuId),
    metrics: {
      overall: {
        ...figures(c.heldOut),
        validationSeason: f.validationSeason, validationLogLoss: c.validation.logLoss, validationBrier: c.validation.brier,
        validationCalibrationError: c.validation.calibrationError,
        members: f.members.length, meanMemberLogLoss: meanMember,
        ...(c.artifact.calibration ? { plattA: c.artifact.calibration.a, plattB: c.artifact.calibration.b } : {}),
      },
      seasons: { [String(f.testSeason)]: figures(c.heldOut) },
    },
    heldOutSeasons: [f.testSeason],
    artifact: c.artifact,
  };
}
