import type { BatchSpecInput } from '@nfl-grid/shared/api/batch';
import { MODEL_TYPE_FAMILY, priorityOf, type SportTrainingSubmitBody } from '@nfl-grid/shared/api/training';
import { GRID_FAMILIES } from '@nfl-grid/shared/kernels/train/sport-params';
import { BadRequest } from '../errors';
import type { Grid } from '../grid';
import { getModel, loadArtifactJson } from './registry';
import type { Scope } from '../auth/access';

/*
 * Seed 001's training submit as a train.sport@1 batch: one WU per test season (trained on the
 * seasons before it). `model_id` continues a registry model: its sport and family must be the
 * ones asked for, and (mlp) its weights start every fold. What the grid cannot train yet is a 400
 * naming the field: NFL (no NFL game table on the grid yet), and the gru and stacked families
 * (their TensorFlow.js fit is asynchronous; the grid's kernels step synchronously).
 */

/** NBA seasons with results and a season before them to train on: 2009–2024 (start years). */
const NBA_TEST_SEASONS = { first: 2009, last: 2024 };
const DEFAULT_FOLDS = 3;

export async function sportTrainingPlan(grid: Grid, scope: Scope, b: SportTrainingSubmitBody): Promise<BatchSpecInput> {
  if (b.sport !== 'nba') throw new BadRequest(`the grid trains pre-game models for NBA only so far (no NFL game table yet)`, 'sport', 'not_trainable');
  const family = MODEL_TYPE_FAMILY[b.model_type]!;
  if (!(GRID_FAMILIES as readonly string[]).includes(family)) {
    throw new BadRequest(`${b.model_type} (family ${family}) is not trained on the grid yet; grid families: ${GRID_FAMILIES.join(', ')}`, 'model_type', 'not_trainable');
  }
  let init: Record<string, unknown> | undefined;
  if (b.model_id) {
    const m = await getModel(grid.db, b.model_id, scope);
    if (m.sport !== b.sport || m.modelType !== family) throw new BadRequest(`model ${b.model_id} is ${m.sport} ${m.modelType}, not ${b.sport} ${family}`, 'model_id', 'invalid_field');
    if (family === 'mlp') init = await loadArtifactJson(grid.db, m.artifactSha256) as Record<string, unknown>;
  }
  const seasons = b.test_seasons ?? Array.from({ length: DEFAULT_FOLDS }, (_, i) => NBA_TEST_SEASONS.last - DEFAULT_FOLDS + 1 + i);
  const bad = seasons.find((s) => s < NBA_TEST_SEASONS.first || s > NBA_TEST_SEASONS.last);
  if (bad !== undefined) throw new BadRequest(`test season ${bad} is outside ${NBA_TEST_SEASONS.first}–${NBA_TEST_SEASONS.last}`, 'test_seasons', 'invalid_field');
  const priority = priorityOf(b.priority);
  return {
    name: b.name ?? `${b.sport.toUpperCase()} ${b.model_type} (${family}), test ${seasons.join(', ')}`,
    kernel: 'train.sport@1',
    params: { sport: b.sport, family, epochs: b.epochs, learningRate: b.learning_rate, batchSize: b.batch_size, ...(init ? { init } : {}) },
    units: [...new Set(seasons)].sort((a, c) => a - c).map((testSeason) => ({ params: { testSeason } })),
    ...(priority !== undefined ? { priority } : {}),
    ...(b.seed !== undefined ? { seed: b.seed } : {}),
  };
}
