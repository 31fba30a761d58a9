import type { HalvingEntry, HalvingPlan, HalvingState } from '@nfl-grid/shared/api/plans/halving';
import type { TrainMlpOutput } from '@nfl-grid/shared/kernels/train/mlp-output';
import { BadRequest } from '../errors';
import { expandBatch, unitSeed } from '../queue/expand-batch';
import type { PlanDriver, StageWorkUnit } from './driver';
import { rungEpochs, survivors } from './halving-rungs';

/*
 * Successive halving of train.mlp configurations. Stage r of the batch is rung r. A continuing
 * configuration's next WU starts from the weights and scaler its last WU returned (`init`) and
 * trains the epochs between the two rungs' totals. Adam's moments start again from zero: the
 * artifact carries no optimiser state, and the weights it returns are those of the best epoch,
 * which the moments at the end of the WU would not belong to anyway.
 */

const KERNEL = 'train.mlp';

/** A done WU's validated output, read only for what the rung needs. */
function lossOf(w: StageWorkUnit): { loss: number; bestEpoch: number; model: unknown } | null {
  if (w.state !== 'done' || !w.output || typeof w.output !== 'object') return null;
  const out = w.output as Partial<TrainMlpOutput>;
  const loss = out.claimed?.logLoss;
  if (typeof loss !== 'number' || !Number.isFinite(loss) || !out.model) return null;
  return { loss, bestEpoch: out.bestEpoch ?? 0, model: out.model };
}

/** What a configuration is, as readers see it: its params less the ones the plan sets. */
function configurationOf(params: Record<string, unknown>): Record<string, unknown> {
  const { epochs: _e, init: _i, ...rest } = params;
  return rest;
}

function refuseEpochs(spec: Parameters<PlanDriver<HalvingPlan>['initialUnits']>[0]): void {
  const unit = spec.units?.findIndex((u) => 'epochs' in u.params) ?? -1;
  const where = 'epochs' in spec.params ? 'params.epochs'
    : spec.grid && 'epochs' in spec.grid ? 'grid.epochs'
    : spec.search && 'epochs' in spec.search.space ? 'search.space.epochs'
    : unit >= 0 ? `units.${unit}.params.epochs` : null;
  if (where) throw new BadRequest(`${where}: a halving plan sets the epochs of each rung (plan.minEpochs, plan.maxEpochs)`, where, 'bad_plan');
}

export const halvingDriver: PlanDriver<HalvingPlan> = {
  kind: 'halving',
  initialUnits(spec, kernel) {
    if (kernel.name !== KERNEL) throw new BadRequest(`a halving plan trains ${KERNEL}, not ${kernel.name}`, 'kernel', 'bad_plan');
    if (spec.replicates !== 1) throw new BadRequest('a halving plan runs each configuration once: replicates must be 1', 'replicates', 'bad_plan');
    refuseEpochs(spec);
    const [first] = rungEpochs(spec.plan.minEpochs, spec.plan.maxEpochs, spec.plan.eta);
    return expandBatch({ ...spec, params: { ...spec.params, epochs: first } }, kernel);
  },
  stageDone(_ctx, batch, stage, wus) {
    const plan = batch.plan;
    const epochs = rungEpochs(plan.minEpochs, plan.maxEpochs, plan.eta);
    const state: HalvingState = stage === 0 || !batch.state
      ? { kind: 'halving', eta: plan.eta, rungEpochs: epochs, configurations: wus.map((w) => configurationOf(w.params)), rungs: [], running: wus.map((_, i) => i), best: null }
      : structuredClone(batch.state as HalvingState);
    // The stage's WUs are in seq order, which is the order the rung's configurations were opened in.
    const read = wus.map((w, i) => ({ w, configuration: state.running[i]!, got: lossOf(w) }));
    const keep = stage + 1 < epochs.length
      ? survivors(read.map((r) => ({ configuration: r.configuration, validationLogLoss: r.got?.loss ?? null })), plan.eta)
      : [];
    const entries: HalvingEntry[] = read.map((r) => ({
      configuration: r.configuration, wuId: r.w.id, validationLogLoss: r.got?.loss ?? null, bestEpoch: r.got?.bestEpoch ?? null, continued: keep.includes(r.configuration),
    }));
    state.rungs.push({ rung: stage, epochs: epochs[stage]!, entries });
    if (keep.length === 0) {
      const scored = [...state.rungs].reverse().find((g) => g.entries.some((e) => e.validationLogLoss !== null));
      const top = scored?.entries.filter((e) => e.validationLogLoss !== null).sort((a, b) => a.validationLogLoss! - b.validationLogLoss! || a.configuration - b.configuration)[0];
      state.best = top && scored ? { configuration: top.configuration, validationLogLoss: top.validationLogLoss!, epochs: scored.epochs, wuId: top.wuId } : null;
      state.running = [];
      return Promise.resolve({ state });
    }
    state.running = keep;
    const byConfiguration = new Map(read.map((r) => [r.configuration, r]));
    const next = keep.map((c) => {
      const r = byConfiguration.get(c)!;
      return {
        params: { ...r.w.params, init: r.got!.model, epochs: epochs[stage + 1]! - epochs[stage]! },
        seed: unitSeed(r.w.seed, stage + 1),
      };
    });
    // Later rungs go first among the batch's work: a few configurations hold up the sweep.
    return Promise.resolve({ state, next, priority: batch.priority + stage + 1 });
  },
};
