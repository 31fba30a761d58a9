import { z } from 'zod';
import type { BatchSpecInput } from '@nfl-grid/shared/api/batch';
import { GAMESTATE_SEASONS } from '@nfl-grid/shared/data/gamestate/datasets';
import { BadRequest } from '../errors';
import { COVER_MODEL_NAME } from './served-model';

/*
 * Seed 001's POST /api/models/create-sport-model: a model type the grid can train becomes a
 * training batch, one work unit per held-out season (leave one season out, or the one fold asked
 * for). What the grid can train today is NFL's in-game cover model, as a network (train.mlp@1)
 * or as the analytic baseline (cover.baseline@1); each validated fold is offered to the registry
 * as a candidate of the served model's name (offer-candidate.ts). Other sports and model types
 * are described (GET /api/models/sport-features/…) but not trainable: 400 naming the field.
 */

const FIRST = GAMESTATE_SEASONS[0], LAST = GAMESTATE_SEASONS[GAMESTATE_SEASONS.length - 1];

export const CreateSportModelBody = z.strictObject({
  sport: z.string().trim().min(1).max(20),
  model_type: z.string().trim().min(1).max(40),
  /** The batch's name (the registry names candidates after the served model). */
  model_name: z.string().trim().min(1).max(120),
  /** One fold; without it, every season 2009–2019 is held out once. */
  test_season: z.number().int().min(FIRST).max(LAST).optional(),
  /** Network only. */
  epochs: z.number().int().min(1).max(100).optional(),
  seed: z.number().int().min(0).max(2 ** 32 - 1).optional(),
  priority: z.number().int().min(-1000).max(1000).optional(),
  /** Agreeing results needed per fold; 1 on a grid of one volunteer. */
  min_quorum: z.number().int().min(1).max(8).optional(),
});
export type CreateSportModelBody = z.infer<typeof CreateSportModelBody>;

interface Trainable {
  kernel: string;
  description: string;
  /** Params common to every fold. */
  params: (b: CreateSportModelBody) => Record<string, unknown>;
  /** A fold's own params. */
  fold: (season: number) => Record<string, unknown>;
}

/** The network of the standard job set (docs/cover-training.md), on the features a request gives. */
const TRAINABLE: Record<string, Record<string, Trainable>> = {
  NFL: {
    cover: {
      kernel: 'train.mlp@1',
      description: 'cover-probability network (relu [64, 32], state features, 60k fit rows), re-scored on its held-out season',
      params: (b) => ({
        featureSet: 'state', hidden: [64, 32], activation: 'relu', optimizer: { name: 'adam', learningRate: 0.001 },
        batchSize: 512, epochs: b.epochs ?? 10, patience: 5, maxRows: 60_000,
      }),
      fold: (testSeason) => ({ fold: { testSeason } }),
    },
    cover_baseline: {
      kernel: 'cover.baseline@1',
      description: 'analytic cover probability, σ fitted on the other seasons',
      params: () => ({}),
      fold: (season) => ({ testSeasons: [season] }),
    },
  },
};

const trainableList = () => Object.entries(TRAINABLE).flatMap(([sport, types]) => Object.keys(types).map((t) => `${sport}/${t}`)).join(', ');

export interface SportModelPlan {
  spec: BatchSpecInput;
  registers: { name: string; state: 'candidate'; kernel: string; description: string; heldOutSeasons: number[]; perFold: string };
}

/** The batch for a request, or 400 naming the field when the grid cannot train it. */
export function sportModelPlan(b: CreateSportModelBody): SportModelPlan {
  const sport = b.sport.toUpperCase();
  const types = TRAINABLE[sport];
  if (!types) throw new BadRequest(`the grid cannot train ${b.sport} models yet; trainable: ${trainableList()}`, 'sport', 'not_trainable');
  const t = types[b.model_type];
  if (!t) throw new BadRequest(`the grid cannot train ${b.model_type} for ${sport} yet; trainable: ${trainableList()}`, 'model_type', 'not_trainable');
  if (b.epochs !== undefined && t.kernel !== 'train.mlp@1') throw new BadRequest(`${b.model_type} is not trained in epochs`, 'epochs', 'invalid_field');
  const seasons = b.test_season !== undefined ? [b.test_season] : [...GAMESTATE_SEASONS];
  const spec: BatchSpecInput = {
    name: b.model_name, kernel: t.kernel, params: t.params(b),
    units: seasons.map((s) => ({ params: t.fold(s) })),
    ...(b.seed !== undefined ? { seed: b.seed } : {}),
    ...(b.priority !== undefined ? { priority: b.priority } : {}),
    ...(b.min_quorum !== undefined ? { policy: { minQuorum: b.min_quorum } } : {}),
  };
  return {
    spec,
    registers: {
      name: COVER_MODEL_NAME, state: 'candidate', kernel: t.kernel, description: t.description, heldOutSeasons: seasons,
      perFold: 'one candidate per validated fold, with its held-out season\'s metrics; promote it with POST /api/v1/models/:id/promote',
    },
  };
}
