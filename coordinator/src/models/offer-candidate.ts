import { seasonPlaysDatasets } from '@nfl-grid/shared/kernels/cover/plays';
import type { CoverBaselineOutput } from '@nfl-grid/shared/kernels/cover/baseline-kernel';
import { GAMESTATE_SEASONS } from '@nfl-grid/shared/data/gamestate/datasets';
import type { Grid } from '../grid';
import type { RegisterModelBody } from './api-schemas';
import { NORMAL_FORMAT } from './cover-predictor';
import { registerModel, type ModelRow } from './registry';
import { COVER_MODEL_NAME } from './served-model';

/*
 * A validated result that is a cover model, offered to the registry as a candidate: what the
 * assimilator calls for each canonical output (kernels it does not know are left alone).
 *   cover.baseline@1 with one test season and a fitted σ: the analytic model at that σ, trained on
 *   the other seasons, its held-out season the test season.
 * Other training kernels (train.mlp@1) add their case here when their output format is settled.
 */

export interface ValidatedResult {
  kernel: string;
  params: Record<string, unknown>;
  output: unknown;
  batchId: string | null;
  wuId: number;
}

/** The registration of a result, or null when it is not a cover model. */
export function candidateOf(r: ValidatedResult, dataHashes: Record<string, string>): RegisterModelBody | null {
  if (r.kernel !== 'cover.baseline@1') return null;
  const out = r.output as CoverBaselineOutput;
  if (out.sigmaFrom !== 'training log loss' || out.seasons.length !== 1) return null;
  const fold = out.seasons[0]!;
  const metricsOf = (m: { logLoss: number; brier: number; calibrationError: number; n: number }) =>
    ({ logLoss: m.logLoss, brier: m.brier, calibrationError: m.calibrationError, plays: m.n });
  return {
    name: COVER_MODEL_NAME, kernel: r.kernel, params: r.params, dataHashes,
    batchId: r.batchId, wuIds: [r.wuId],
    metrics: {
      overall: { ...metricsOf(out.overall), ...(fold.trainLogLoss === null ? {} : { trainLogLoss: fold.trainLogLoss }) },
      seasons: { [String(fold.season)]: metricsOf(fold) },
    },
    heldOutSeasons: [fold.season],
    artifact: { format: NORMAL_FORMAT, sigma: fold.sigma },
  };
}

export async function offerCoverCandidate(grid: Grid, r: ValidatedResult): Promise<ModelRow | null> {
  if (r.kernel !== 'cover.baseline@1') return null;
  const hashes = await grid.inputs.resolve(seasonPlaysDatasets([...GAMESTATE_SEASONS]));
  const body = candidateOf(r, Object.fromEntries(hashes.map((h) => [h.name, h.sha256])));
  if (!body) return null;
  const row = await registerModel(grid.db, body, null);
  grid.log.info('cover candidate registered', { id: row.id, version: row.version, wuId: r.wuId });
  return row;
}
