import { z } from 'zod';
import type { ObdLog } from '../../data/obd';
import { obdLogDataset } from '../../data/obd';
import { derived } from '../derived-cache';
import { estimateAll, estimatorNames, resampleCounts, type OpeGrids } from './estimators';
import { prepareOpe, type PreparedOpe } from './prepare';
import { Rng, type RngState } from '../../math/rng';
import { nearlyEqual } from '../../math/nearly-equal';
import { round } from '../../math/round';
import { sortedQuantile } from '../../stats/histogram';
import type { Kernel, KernelData } from '../types';
import { jsonCopy, restoreOwnSnapshot } from '../snapshot';

/*
 * ope.estimate@1: off-policy evaluation on the Open Bandit Dataset sample. Estimates the value
 * (click rate) of an evaluation policy from one log (`log`: the Bernoulli-TS log, or the random
 * one) with every estimator of estimators.ts, and compares each with a reference value that
 * needs no model (policies.ts): for the uniform policy the on-policy click rate of the
 * uniform-random log — so estimating it from the BTS log is the Open Bandit Pipeline's check —
 * reporting the relative error |V̂ − V| / V. Point estimates are deterministic in params and data.
 *
 * Steps are chunks of `bootstrapPerStep` bootstrap resamples of the log's rows (the reward model
 * held fixed, as OBP's estimate_interval does), drawn from the WU's seed. To merge WUs of the same
 * params and different seeds, pool `bootstrap.values`, or add `replicates`, `sum`, `sumSq` and
 * `sumAbsRelError` for means and standard deviations.
 */

const positiveGrid = (def: number[]) => z.array(z.number().positive().max(1e12)).max(20)
  .refine((g) => g.every((x, i) => i === 0 || x > g[i - 1]), 'grid must be strictly increasing').default(def);

export const OpeEstimateParams = z.strictObject({
  campaign: z.enum(['men', 'women']).default('men'),
  /** The log the estimates are computed from. */
  log: z.enum(['bts', 'random']).default('bts'),
  policy: z.discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('uniform') }),
    z.strictObject({ kind: z.literal('logging') }),
    z.strictObject({ kind: z.literal('greedy') }),
    z.strictObject({ kind: z.literal('epsilon_greedy'), epsilon: z.number().min(0).max(1).default(0.1) }),
    z.strictObject({ kind: z.literal('softmax'), beta: z.number().min(0).max(1000).default(5) }),
  ]).default({ kind: 'uniform' }),
  rewardModel: z.discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('item_position'), prior: z.number().min(0).max(1e6).default(10) }),
    z.strictObject({ kind: z.literal('logistic'), l2: z.number().min(1e-6).max(1e6).default(1), maxIter: z.number().int().min(1).max(100).default(25) }),
  ]).default({ kind: 'item_position', prior: 10 }),
  /** K of the reward model's K-fold cross-fitting; 1 fits and predicts on all rows. */
  folds: z.number().int().min(1).max(10).default(2),
  /** Max-weight λ of the clipped estimators. */
  clip: positiveGrid([2, 5, 10, 20, 50, 100, 1000]),
  /** Threshold τ of switch-DR. */
  switchTau: positiveGrid([1, 2, 5, 10, 20, 50, 100, 1000]),
  /** λ of DR with optimistic shrinkage. */
  shrink: positiveGrid([1, 10, 100, 1000]),
  nBootstrap: z.number().int().min(0).max(100_000).default(500),
  bootstrapPerStep: z.number().int().min(1).max(100_000).default(50),
  /** Put every replicate's estimates in the output (needed for pooled percentiles). */
  keepReplicates: z.boolean().default(true),
});
export type OpeEstimateParams = z.output<typeof OpeEstimateParams>;

interface State {
  params: OpeEstimateParams;
  step: number;
  rng: RngState;
  /** Estimates of each replicate, in estimatorNames order (null where undefined, e.g. Σw = 0). */
  replicates: Array<Array<number | null>>;
}

export interface OpeEstimatorResult {
  name: string;
  value: number | null;
  relError: number | null;
  bootstrap: { mean: number; sd: number; lo95: number; hi95: number; relErrorMean: number | null } | null;
}

export interface OpeEstimateOutput {
  campaign: OpeEstimateParams['campaign'];
  log: OpeEstimateParams['log'];
  dataset: string;
  policy: OpeEstimateParams['policy'];
  rewardModel: OpeEstimateParams['rewardModel'];
  folds: number;
  rows: number;
  clicks: number;
  maxWeight: number;
  reference: PreparedOpe['reference'];
  estimators: OpeEstimatorResult[];
  bootstrap: {
    replicates: number;
    sum: number[];
    sumSq: number[];
    /** Σ |V̂_b − V| / V per estimator; null when the reference is 0. */
    sumAbsRelError: Array<number | null>;
    /** values[e][b]: estimator e in replicate b (when keepReplicates). */
    values: Array<Array<number | null>> | null;
  };
}

const grids = (p: OpeEstimateParams): OpeGrids => ({ clip: p.clip, switchTau: p.switchTau, shrink: p.shrink });

function prepared(p: OpeEstimateParams, data: KernelData): PreparedOpe {
  const key = { c: p.campaign, l: p.log, pol: p.policy, rm: p.rewardModel, f: p.folds };
  return derived(data, 'ope.estimate', key, () => prepareOpe(
    data.dataset<ObdLog>(obdLogDataset(p.log, p.campaign)), data.dataset<ObdLog>(obdLogDataset('random', p.campaign)),
    { campaign: p.campaign, log: p.log, policy: p.policy, rewardModel: p.rewardModel, folds: p.folds },
  ));
}

const finite = (x: number): number | null => (Number.isFinite(x) ? x : null);
const ROWS = 10_000;
/** CPU ns per row (and estimator) of one resample, per log row parsed, per row and Newton step (2-core VM, Node 20). */
const NS = { resampleRow: 40, resampleRowEstimator: 2.5, parseRow: 15_000, logisticRowIter: 200 };

export const opeEstimate: Kernel<OpeEstimateParams, State, OpeEstimateOutput> = {
  name: 'ope.estimate',
  version: 1,
  title: 'Off-policy evaluation on the Open Bandit Dataset (IPS, SNIPS, DR, switch-DR, ...) with bootstrap',
  paramsSchema: OpeEstimateParams,
  capabilities: { gpu: 'none', minMemoryMb: 256 },
  datasets: (p) => [...new Set([obdLogDataset(p.log, p.campaign), obdLogDataset('random', p.campaign)])],
  costEstimate(p) {
    const e = estimatorNames(grids(p)).length;
    const setup = 2 * ROWS * NS.parseRow + (p.rewardModel.kind === 'logistic' ? p.folds * p.rewardModel.maxIter * ROWS * NS.logisticRowIter : 0);
    return setup + p.nBootstrap * ROWS * (NS.resampleRow + e * NS.resampleRowEstimator);
  },
  totalSteps: (p) => Math.max(1, Math.ceil(p.nBootstrap / p.bootstrapPerStep)),
  init(p, seed, data) {
    prepared(p, data);
    return { params: p, step: 0, rng: Rng.create(seed >>> 0, 0x0be).exportState(), replicates: [] };
  },
  step(s, data) {
    const p = s.params;
    const prep = prepared(p, data);
    const k = Math.min(p.bootstrapPerStep, p.nBootstrap - s.replicates.length);
    if (k > 0) {
      const rng = Rng.fromState(s.rng);
      const counts = new Int32Array(prep.rows.n);
      const g = grids(p);
      for (let b = 0; b < k; b++) {
        resampleCounts(prep.rows.n, (n) => rng.int(n), counts);
        s.replicates.push(Array.from(estimateAll(prep.rows, g, counts), (x) => (Number.isFinite(x) ? round(x, 12) : null)));
      }
      s.rng = rng.exportState();
    }
    s.step++;
    return s;
  },
  stepOf: (s) => s.step,
  checkpoint: (s) => jsonCopy(s),
  restore: (p, snap) => restoreOwnSnapshot<State>('ope.estimate', p, snap, (s) => !Array.isArray(s.replicates)),
  finish(s, data) {
    const p = s.params;
    const prep = prepared(p, data);
    const names = estimatorNames(grids(p));
    const point = estimateAll(prep.rows, grids(p));
    const ref = prep.reference.value;
    // no relative error against a zero reference (e.g. a greedy policy never clicked in the replay half)
    const rel = (x: number): number | null => (ref > 0 && Number.isFinite(x) ? Math.abs(x - ref) / ref : null);
    const B = s.replicates.length;
    const sum: number[] = [], sumSq: number[] = [], sumAbsRelError: Array<number | null> = [];
    const estimators: OpeEstimatorResult[] = names.map((name, e) => {
      const xs = s.replicates.map((r) => r[e]).filter((x): x is number => x !== null);
      const sx = xs.reduce((a, x) => a + x, 0), sxx = xs.reduce((a, x) => a + x * x, 0);
      const sre = ref > 0 ? xs.reduce((a, x) => a + rel(x)!, 0) : null;
      sum.push(round(sx, 12)); sumSq.push(round(sxx, 14)); sumAbsRelError.push(sre === null ? null : round(sre, 9));
      let bootstrap: OpeEstimatorResult['bootstrap'] = null;
      if (xs.length > 1) {
        const mean = sx / xs.length;
        const sd = Math.sqrt(Math.max(0, (sxx - xs.length * mean * mean) / (xs.length - 1)));
        const sorted = [...xs].sort((a, b) => a - b);
        bootstrap = {
          mean: round(mean, 12), sd: round(sd, 12), lo95: round(sortedQuantile(sorted, 2.5), 12),
          hi95: round(sortedQuantile(sorted, 97.5), 12), relErrorMean: sre === null ? null : round(sre / xs.length, 9),
        };
      }
      const v = finite(point[e]);
      const re = v === null ? null : rel(v);
      return { name, value: v === null ? null : round(v, 12), relError: re === null ? null : round(re, 9), bootstrap };
    });
    return {
      campaign: p.campaign, log: p.log, dataset: obdLogDataset(p.log, p.campaign), policy: p.policy, rewardModel: p.rewardModel,
      folds: p.folds, rows: prep.rows.n, clicks: prep.clicks, maxWeight: round(prep.maxWeight, 6),
      reference: { ...prep.reference, value: round(prep.reference.value, 12), se: round(prep.reference.se, 12) },
      estimators,
      bootstrap: {
        replicates: B, sum, sumSq, sumAbsRelError,
        values: p.keepReplicates ? names.map((_, e) => s.replicates.map((r) => r[e])) : null,
      },
    };
  },
  /** Everything is computed in a fixed order: 1e-9 (relative to max(1, |x|)) only absorbs libm differences. */
  compare: (a, b) => a.bootstrap.replicates === b.bootstrap.replicates && nearlyEqual(a, b, 1e-9),
};
