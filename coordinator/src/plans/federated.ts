import type { FederatedPlan } from '@nfl-grid/shared/api/plans/federated';
import { TrainMlpParams } from '@nfl-grid/shared/kernels/train/mlp-params';
import type { TrainMlpOutput } from '@nfl-grid/shared/kernels/train/mlp-output';
import { fedAverage, FedAverageError } from '@nfl-grid/shared/learn/fed-average';
import type { MlpArtifact } from '@nfl-grid/shared/models/mlp-artifact';
import { BadRequest } from '../errors';
import { checkParams, unitSeed } from '../queue/expand-batch';
import type { PlanDriver } from './driver';
import { offerFederatedModel } from './federated-candidate';
import { validationScores } from './federated-scores';
import type { FederatedState } from './federated-state';

/*
 * Data-parallel rounds of train.mlp@1 (FedAvg, McMahan et al. 2017). Stage k is round k: one WU
 * per shard, all with the same params but their shard, starting from the same weights — in
 * round 0 the seeded initialisation (every shard gets the round's seed, so the same initial
 * weights) with the scaler each shard fits on all the fit rows alike; from round 1 on, `init`
 * holds the previous round's average and its scaler. When a round is in, the canonical outputs
 * of its done WUs are averaged weighted by their fit rows, the average is scored on the
 * validation rows, and the next round opens unless the plan's rounds are done or the score has
 * not improved for `patience` rounds. The best round's average is then offered to the registry.
 * Each shard's Adam moments start at zero in every round (only weights travel between rounds).
 */

const EMPTY: FederatedState = { rounds: [], bestRound: null, best: null, ended: null };

/** The spec's train.mlp params as every round shares them (no shard, no init). */
function baseParams(params: Record<string, unknown>): Record<string, unknown> {
  const { shard: _s, init: _i, ...base } = params;
  return base;
}

export const federatedDriver: PlanDriver<FederatedPlan> = {
  kind: 'federated',
  initialUnits(spec, kernel) {
    if (kernel.name !== 'train.mlp' || kernel.version !== 1) throw new BadRequest('a federated plan trains train.mlp@1', 'kernel', 'bad_plan');
    if (spec.grid) throw new BadRequest('a federated plan makes its own work units: no grid', 'grid', 'bad_plan');
    if (spec.units) throw new BadRequest('a federated plan makes its own work units: no units', 'units', 'bad_plan');
    if (spec.replicates !== 1) throw new BadRequest('a federated plan makes its own work units: replicates must be 1', 'replicates', 'bad_plan');
    for (const field of ['shard', 'init'] as const) {
      if (spec.params[field] !== undefined) throw new BadRequest(`the federated plan sets params.${field} itself`, `params.${field}`, 'bad_plan');
    }
    const seed = unitSeed(spec.seed, 0);
    return Array.from({ length: spec.plan.shards }, (_, index) => ({
      seq: index, seed, params: checkParams(kernel, { ...spec.params, shard: { index, count: spec.plan.shards } }, 'params'),
    }));
  },
  async stageDone(ctx, batch, stage, wus) {
    const state = (batch.state as FederatedState | null) ?? EMPTY;
    const plan = batch.plan, params = TrainMlpParams.parse(baseParams(wus[0]!.params));
    const done = wus.filter((w) => w.state === 'done' && w.output !== null);
    const end = async (reason: string): Promise<{ state: FederatedState }> => {
      const ended = await offerFederatedModel(ctx, batch, state, params, reason);
      return { state: { ...state, ended } };
    };
    let avg: MlpArtifact;
    try {
      avg = fedAverage(done.map((w) => { const out = w.output as TrainMlpOutput; return { model: out.model, examples: out.rows.fit }; }));
    } catch (e) {
      if (!(e instanceof FedAverageError)) throw e;
      return end(`round ${stage} has nothing to average: ${done.length ? e.message : 'no shard finished'}`);
    }
    const validation = validationScores(ctx.grid.config.inputsDir, params, avg);
    const examples = done.reduce((s, w) => s + (w.output as TrainMlpOutput).examplesProcessed, 0);
    state.rounds = [...state.rounds, { round: stage, wuIds: wus.map((w) => w.id), shardsAveraged: done.length, examples, validation }];
    const bestLoss = state.bestRound === null ? Infinity : state.rounds[state.bestRound]!.validation.logLoss;
    if (validation.logLoss < bestLoss - plan.minDelta) {
      state.bestRound = stage;
      state.best = avg;
    }
    if (stage + 1 >= plan.rounds) return end(`${plan.rounds} rounds done`);
    if (plan.patience !== undefined && stage - (state.bestRound ?? -1) >= plan.patience) {
      return end(`no lower validation log loss for ${plan.patience} rounds`);
    }
    const base = baseParams(wus[0]!.params), seed = unitSeed(batch.spec.seed, stage + 1);
    return {
      state,
      next: Array.from({ length: plan.shards }, (_, index) => ({ seed, params: { ...base, shard: { index, count: plan.shards }, init: avg } })),
    };
  },
};
