import type { FederatedPlan } from '@nfl-grid/shared/api/plans/federated';
import { parameterCount } from '@nfl-grid/shared/learn/mlp-tf';
import { shapeOf } from '@nfl-grid/shared/kernels/train/mlp-cost';
import type { TrainMlpParams } from '@nfl-grid/shared/kernels/train/mlp-params';
import type { Grid } from '../grid';
import type { Tx } from '../db/index';
import { coverDataHashes } from '../models/offer-candidate';
import { registerModelIn } from '../models/registry';
import { COVER_MODEL_NAME } from '../models/served-model';
import type { PlanBatch } from './driver';
import type { FederatedState } from './federated-state';
import { heldOutScores } from './federated-scores';

/*
 * The end of a federated plan: the best round's averaged model, scored on the held-out test
 * season, is offered to the registry as a cover candidate when it is within the margin of the
 * analytic baseline there (the rule a single train.mlp result passes before it is offered). Its
 * lineage is the batch and the WUs of every round up to the best one, the rounds that made it.
 */
export async function offerFederatedModel(
  ctx: { tx: Tx; grid: Grid }, batch: PlanBatch<FederatedPlan>, state: FederatedState, params: TrainMlpParams, reason: string,
): Promise<NonNullable<FederatedState['ended']>> {
  const bestRound = state.bestRound;
  if (bestRound === null || !state.best) return { reason, modelId: null, heldOut: null, note: 'no round produced an averaged model' };
  const held = heldOutScores(ctx.grid.config.inputsDir, params, state.best);
  if (!held.check.ok) return { reason, modelId: null, heldOut: held.scores, note: `not offered: held-out season ${held.check.failures.join('; ')}` };
  const made = state.rounds.slice(0, bestRound + 1), v = state.rounds[bestRound]!.validation;
  const plays = (m: typeof v) => ({ logLoss: m.logLoss, brier: m.brier, calibrationError: m.calibrationError, plays: m.n });
  const row = await registerModelIn(ctx.tx, {
    name: COVER_MODEL_NAME, kernel: 'train.mlp@1', params: { ...params, plan: batch.plan },
    dataHashes: await coverDataHashes(ctx.grid), batchId: batch.id, wuIds: made.flatMap((r) => r.wuIds),
    metrics: {
      overall: {
        ...plays(held.scores),
        validationLogLoss: v.logLoss, validationBrier: v.brier, validationCalibrationError: v.calibrationError,
        rounds: made.length, bestRound, examples: made.reduce((s, r) => s + r.examples, 0), parameters: parameterCount(shapeOf(params)),
      },
      seasons: { [String(params.fold.testSeason)]: plays(held.scores) },
    },
    heldOutSeasons: [params.fold.testSeason],
    artifact: state.best,
  });
  return { reason, modelId: row.id, heldOut: held.scores, note: null };
}
