import { z } from 'zod';

/*
 * Params of train.sport@1: one pre-game model family of one sport, trained on every game of the
 * seasons before `testSeason` and scored on that season (walk-forward: one WU per test season).
 * The WU's seed draws the network's initial weights and each epoch's shuffle. Families the grid
 * trains: `logistic` (ridge logistic, λ chosen by inner walk-forward on the training seasons; one
 * step, epochs unused) and `mlp` (the family's network, one epoch per step, checkpointed).
 * `init`: a registry model's artifact to continue from (mlp: its weights and scaler).
 */

export const GRID_FAMILIES = ['logistic', 'mlp'] as const;

export const TrainSportParams = z.strictObject({
  sport: z.enum(['nba']),
  family: z.enum(GRID_FAMILIES),
  testSeason: z.number().int().min(2009).max(2024),
  epochs: z.number().int().min(1).max(500).default(20),
  learningRate: z.number().gt(0).max(1).default(1e-3),
  batchSize: z.number().int().min(1).max(65_536).default(64),
  init: z.record(z.string(), z.unknown()).optional(),
});
export type TrainSportParams = z.output<typeof TrainSportParams>;

/** Datasets a sport's table is built from. */
export const SPORT_DATASETS: Record<TrainSportParams['sport'], string[]> = { nba: ['oddsportal.nba'] };
