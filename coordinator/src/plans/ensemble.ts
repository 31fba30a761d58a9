import type { z } from 'zod';
import type { EnsemblePlan } from '@nfl-grid/shared/api/plans/ensemble';
import { GAMESTATE_SEASONS } from '@nfl-grid/shared/data/gamestate/datasets';
import { kernelRef } from '@nfl-grid/shared/kernels/types';
import type { TrainMlpOutput } from '@nfl-grid/shared/kernels/train/mlp-output';
import { validationSeason } from '@nfl-grid/shared/kernels/train/mlp-params';
import { BadRequest } from '../errors';
import { combineFold, ensembleCandidate, type EnsembleFold } from '../models/ensemble-candidate';
import { evaluationPlays } from '../models/evaluate';
import { coverDataHashes } from '../models/offer-candidate';
import { registerModelIn } from '../models/registry';
import { unitSeed, type ExpandedUnit } from '../queue/expand-batch';
import type { PlanDriver } from './driver';

const KERNEL = 'train.mlp@1';

/** What the plan keeps in batches.plan_state when its one stage is done. */
export interface EnsemblePlanState {
  folds: { testSeason: number; modelId: string | null; version: number | null; memberWuIds: number[]; logLoss: number | null; reason?: string }[];
}

/*
 * Stage 0: for each test season, `members` train.mlp@1 WUs of the batch's params with that fold,
 * seeded from the batch seed. When they are all in, each fold's done members become one registry
 * candidate (models/ensemble-candidate.ts), in the assimilator's transaction; a fold with no done
 * member registers nothing and says so in the plan state.
 */
export const ensembleDriver: PlanDriver<EnsemblePlan> = {
  kind: 'ensemble',
  initialUnits(spec, kernel) {
    if (kernelRef(kernel) !== KERNEL) throw new BadRequest(`an ensemble plan trains ${KERNEL}, not ${kernelRef(kernel)}`, 'kernel', 'bad_plan');
    if (spec.grid || spec.units) throw new BadRequest('an ensemble plan makes its own work units: give params, not grid or units', spec.grid ? 'grid' : 'units', 'bad_plan');
    if (spec.replicates !== 1) throw new BadRequest('an ensemble plan seeds its members itself (plan.members), not replicates', 'replicates', 'bad_plan');
    spec.plan.testSeasons.forEach((s, i) => {
      if (!(GAMESTATE_SEASONS as readonly number[]).includes(s)) {
        throw new BadRequest(`test season ${s} is not in the data (${GAMESTATE_SEASONS[0]}–${GAMESTATE_SEASONS[GAMESTATE_SEASONS.length - 1]})`, `plan.testSeasons.${i}`, 'bad_plan');
      }
    });
    const units: ExpandedUnit[] = [];
    for (const testSeason of spec.plan.testSeasons) {
      const parsed = (kernel.paramsSchema as z.ZodType).safeParse({ ...spec.params, fold: { testSeason } });
      if (!parsed.success) {
        const path = ['params', ...parsed.error.issues[0]!.path.map(String)].join('.');
        throw new BadRequest(`${path}: ${parsed.error.issues[0]!.message}`, path, 'bad_params');
      }
      for (let m = 0; m < spec.plan.members; m++) {
        const seq = units.length;
        units.push({ seq, params: parsed.data as Record<string, unknown>, seed: unitSeed(spec.seed, seq) });
      }
    }
    return units;
  },
  async stageDone({ tx, grid }, batch, _stage, wus) {
    const dataHashes = await coverDataHashes(grid);
    const state: EnsemblePlanState = { folds: [] };
    for (const testSeason of batch.plan.testSeasons) {
      const mine = wus.filter((w) => (w.params.fold as { testSeason: number }).testSeason === testSeason);
      const done = mine.filter((w) => w.state === 'done' && w.output !== null);
      if (done.length === 0) {
        state.folds.push({ testSeason, modelId: null, version: null, memberWuIds: [], logLoss: null, reason: `none of its ${mine.length} members is done` });
        continue;
      }
      const fold: EnsembleFold = {
        testSeason, validationSeason: validationSeason(testSeason), calibration: batch.plan.calibration,
        members: done.map((w) => ({ wuId: w.id, model: (w.output as TrainMlpOutput).model })),
      };
      const combined = combineFold(fold, evaluationPlays(grid.config.inputsDir, [fold.validationSeason]), evaluationPlays(grid.config.inputsDir, [testSeason]));
      const row = await registerModelIn(tx, ensembleCandidate(fold, combined, { batchId: batch.id, params: { ...done[0]!.params, ensemble: batch.plan }, dataHashes }));
      grid.log.component('plans').info('ensemble candidate registered', { id: row.id, version: row.version, testSeason, members: fold.members.length, logLoss: combined.heldOut.logLoss });
      state.folds.push({ testSeason, modelId: row.id, version: row.version, memberWuIds: fold.members.map((m) => m.wuId), logLoss: combined.heldOut.logLoss });
    }
    return { state };
  },
};
