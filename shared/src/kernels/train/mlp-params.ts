import { z } from 'zod';
import { GAMESTATE_SEASONS } from '../../data/gamestate/datasets';
import { FEATURE_SETS } from '../../learn/cover-rows';
import { MlpArtifact } from '../../models/mlp-artifact';

/*
 * Params of train.mlp@1. The WU's seed (not a param) drives the initial weights and every
 * epoch's shuffle.
 *
 * Seasons: `fold.testSeason` is held out and never sent to the agent (the coordinator re-scores
 * on it). Of the other seasons the latest is the validation season (early stopping, the best
 * epoch, the claimed metric) and the rest are the fit seasons the network learns from: test 2019
 * → validation 2018, fit 2009–2017; any other test season → validation 2019.
 */

const SEASON = z.number().int().min(GAMESTATE_SEASONS[0]).max(GAMESTATE_SEASONS[GAMESTATE_SEASONS.length - 1]);

const Adam = z.strictObject({
  name: z.literal('adam'),
  learningRate: z.number().gt(0).max(1).default(1e-3),
  beta1: z.number().min(0).lt(1).default(0.9),
  beta2: z.number().min(0).lt(1).default(0.999),
  epsilon: z.number().gt(0).max(1).default(1e-7),
});

export const TrainMlpParams = z.strictObject({
  /** 'cover': the gamestate plays (shared/src/data/gamestate/) with the cover label. */
  dataset: z.literal('cover').default('cover'),
  featureSet: z.enum(Object.keys(FEATURE_SETS) as [keyof typeof FEATURE_SETS]).default('state'),
  target: z.literal('cover').default('cover'),
  fold: z.strictObject({ testSeason: SEASON }),
  /** Units of each hidden layer, input side first. */
  hidden: z.array(z.number().int().min(1).max(512)).max(6).default([32, 16]),
  activation: z.enum(['relu', 'tanh']).default('relu'),
  optimizer: Adam.default({ name: 'adam', learningRate: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 }),
  epochs: z.number().int().min(1).max(500).default(10),
  batchSize: z.number().int().min(1).max(65536).default(512),
  /** Stop once the validation log loss has not improved for this many epochs (later steps idle). */
  patience: z.number().int().min(1).optional(),
  /** Fit and validation rows each capped at this many, spread evenly over the seasons' plays. */
  maxRows: z.number().int().min(100).optional(),
  /** Start from these weights and this scaler instead of a seeded initialisation. */
  init: MlpArtifact.optional(),
  /**
   * Learn from one shard of the fit rows only: those whose position among them is `index` modulo
   * `count` (a federated round's WU; coordinator/src/plans/federated.ts). The validation rows stay
   * whole, and the scaler is still fitted on all the fit rows, so every shard scales alike.
   */
  shard: z.strictObject({ index: z.number().int().min(0), count: z.number().int().min(1).max(1024) }).optional(),
}).superRefine((p, ctx) => {
  if (p.shard && p.shard.index >= p.shard.count) ctx.addIssue({ code: 'custom', path: ['shard', 'index'], message: `shard index must be below the shard count ${p.shard.count}` });
  if (!p.init) return;
  const bad = (message: string) => ctx.addIssue({ code: 'custom', path: ['init'], message });
  if (p.init.features.join() !== FEATURE_SETS[p.featureSet].join()) bad(`init has features [${p.init.features.join(', ')}], not the ${p.featureSet} set`);
  const units = p.init.layers.map((l) => l.units);
  if (units.join() !== [...p.hidden, 1].join()) bad(`init has layers of [${units.join(', ')}] units, not [${[...p.hidden, 1].join(', ')}]`);
  if (p.init.layers.some((l, i) => l.activation !== (i === p.hidden.length ? 'sigmoid' : p.activation))) {
    bad(`init must use ${p.activation} hidden layers and a sigmoid output`);
  }
});
export type TrainMlpParams = z.output<typeof TrainMlpParams>;

/** The latest season other than the test season. */
export const validationSeason = (testSeason: number): number => Math.max(...GAMESTATE_SEASONS.filter((s) => s !== testSeason));

export const fitSeasons = (testSeason: number): number[] => {
  const v = validationSeason(testSeason);
  return GAMESTATE_SEASONS.filter((s) => s !== testSeason && s !== v);
};
