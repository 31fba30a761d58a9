import { sql } from 'drizzle-orm';
import { seasonPlaysDatasets } from '@nfl-grid/shared/kernels/cover/plays';
import type { CoverBaselineOutput } from '@nfl-grid/shared/kernels/cover/baseline-kernel';
import type { TrainMlpOutput } from '@nfl-grid/shared/kernels/train/mlp-output';
import type { TrainMlpRescored } from '@nfl-grid/shared/kernels/train/mlp-validate';
import { GAMESTATE_SEASONS } from '@nfl-grid/shared/data/gamestate/datasets';
import type { Grid } from '../grid';
import { int8Array } from '../db/arrays';
import type { Tx } from '../db/index';
import type { NewModel } from './registry';
import { NORMAL_FORMAT } from './cover-predictor';
import { registerModel, registerModelIn, type ModelRow } from './registry';
import { COVER_MODEL_NAME } from './served-model';

/*
 * A validated result that is a cover model, offered to the registry as a candidate: what the
 * assimilator does with each canonical output, in its transaction (kernels it does not know are
 * left alone).
 *   cover.baseline@1 with one test season and a fitted σ: the analytic model at that σ, trained on
 *     the other seasons, its held-out season the test season.
 *   train.mlp@1: the returned network, with the figures the coordinator re-scored it at (the
 *     validation season it was chosen on, and the held-out test season it never saw) rather than
 *     the host's claim. A network trained on one shard of a federated round is not offered: the
 *     plan offers the rounds' average (plans/federated-candidate.ts).
 */

export interface ValidatedResult {
  kernel: string;
  params: Record<string, unknown>;
  output: unknown;
  batchId: string | null;
  wuId: number;
  /** The coordinator's re-scored figures of the canonical output (Kernel.verify), when it has some. */
  rescored?: Record<string, unknown> | null;
}

const OFFERED_KERNELS = ['cover.baseline@1', 'train.mlp@1'];

type Scores = { logLoss: number; brier: number; calibrationError: number; n: number };
const metricsOf = (m: Scores) => ({ logLoss: m.logLoss, brier: m.brier, calibrationError: m.calibrationError, plays: m.n });

function baselineCandidate(r: ValidatedResult, dataHashes: Record<string, string>): NewModel | null {
  const out = r.output as CoverBaselineOutput;
  if (out.sigmaFrom !== 'training log loss' || out.seasons.length !== 1) return null;
  const fold = out.seasons[0]!;
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

function mlpCandidate(r: ValidatedResult, dataHashes: Record<string, string>): NewModel | null {
  const out = r.output as TrainMlpOutput, rescored = r.rescored as TrainMlpRescored | null | undefined;
  if (!rescored?.heldOut || !rescored.validation) return null; // never offered on the host's word alone
  if (r.params.shard) return null; // one shard's share of a federated round; the plan offers the average
  const v = rescored.validation;
  return {
    name: COVER_MODEL_NAME, kernel: r.kernel, params: r.params, dataHashes,
    batchId: r.batchId, wuIds: [r.wuId],
    metrics: {
      overall: {
        ...metricsOf(rescored.heldOut),
        validationSeason: v.season, validationLogLoss: v.logLoss, validationBrier: v.brier, validationCalibrationError: v.calibrationError,
        bestEpoch: out.bestEpoch, epochsRun: out.epochsRun, parameters: out.parameterCount, examples: out.examplesProcessed,
      },
      seasons: { [String(rescored.heldOut.season)]: metricsOf(rescored.heldOut) },
    },
    heldOutSeasons: [rescored.heldOut.season],
    artifact: out.model,
  };
}

/** The registration of a result, or null when it is not a cover model. */
export function candidateOf(r: ValidatedResult, dataHashes: Record<string, string>): NewModel | null {
  if (r.kernel === 'cover.baseline@1') return baselineCandidate(r, dataHashes);
  if (r.kernel === 'train.mlp@1') return mlpCandidate(r, dataHashes);
  return null;
}

/** Dataset hashes of the cover data (every season: a fold trains on some and is scored on the rest). */
export async function coverDataHashes(grid: Grid): Promise<Record<string, string>> {
  const hashes = await grid.inputs.resolve(seasonPlaysDatasets([...GAMESTATE_SEASONS]));
  return Object.fromEntries(hashes.map((h) => [h.name, h.sha256]));
}

/**
 * Offers the canonical outputs of these done WUs that are cover models, in the caller's
 * transaction: once per WU (a WU that already has a model row is skipped), with the data hashes
 * the caller resolved beforehand.
 */
export async function offerCandidatesIn(tx: Tx, wuIds: number[], dataHashes: Record<string, string>): Promise<ModelRow[]> {
  if (wuIds.length === 0) return [];
  const rows = await tx.rows<{ id: number; batch_id: string; kernel: string; params: Record<string, unknown>; output: unknown; check: { rescored?: Record<string, unknown> | null } | null }>(sql`
    SELECT w.id, w.batch_id, w.kernel || '@' || w.kernel_version AS kernel, w.params, r.output, r."check"
      FROM work_units w JOIN replicas r ON r.id = w.canonical_replica_id
     WHERE w.id = ANY(${int8Array(wuIds)}) AND w.state = 'done'
       AND w.kernel || '@' || w.kernel_version IN (${sql.join(OFFERED_KERNELS.map((k) => sql`${k}`), sql`, `)})
       AND NOT EXISTS (SELECT 1 FROM models m WHERE m.name = ${COVER_MODEL_NAME} AND m.wu_ids @> ARRAY[w.id]::bigint[])
     ORDER BY w.id`);
  const offered: ModelRow[] = [];
  for (const r of rows) {
    const body = candidateOf({ kernel: r.kernel, params: r.params, output: r.output, batchId: r.batch_id, wuId: r.id, rescored: r.check?.rescored ?? null }, dataHashes);
    if (body) offered.push(await registerModelIn(tx, body));
  }
  return offered;
}

/** Registers one result on its own (outside the assimilator). */
export async function offerCoverCandidate(grid: Grid, r: ValidatedResult): Promise<ModelRow | null> {
  if (!OFFERED_KERNELS.includes(r.kernel)) return null;
  const body = candidateOf(r, await coverDataHashes(grid));
  if (!body) return null;
  const row = await registerModel(grid.db, body, null);
  grid.log.component('models').info('cover candidate registered', { id: row.id, version: row.version, wuId: r.wuId });
  return row;
}
