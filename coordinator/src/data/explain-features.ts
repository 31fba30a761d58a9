import { z } from 'zod';
import { GAMESTATE_SEASONS } from '@nfl-grid/shared/data/gamestate/datasets';
import { coverFeatures } from '@nfl-grid/shared/data/gamestate/features';
import type { CoverPlay } from '@nfl-grid/shared/data/gamestate/plays';
import { Rng } from '@nfl-grid/shared/math/rng';
import { BadRequest } from '../errors';
import { evaluationPlays } from '../models/evaluate';
import type { ServedModel } from '../models/served-model';
import { permutationImportance, shuffledIndex, type ImportanceTable } from './permutation-importance';

/*
 * Which inputs the served cover model leans on: permutation importance (permutation-importance.ts)
 * on plays of a season the model was not trained on, for each feature the model declares (a
 * network's `features`; the analytic baseline's lead, line and t). Each feature takes the play's
 * own value, so a network on the full set is explained on possession and down too, which a
 * request to /game/inference leaves missing. At most `rows` plays of the season are scored, drawn
 * without replacement by Rng(seed, 0), so that an answer takes about a second.
 */

export const MAX_EXPLAIN_ROWS = 5000;
export const MAX_EXPLAIN_REPEATS = 10;

export const ExplainQuery = z.strictObject({
  season: z.coerce.number().int().refine((s) => (GAMESTATE_SEASONS as readonly number[]).includes(s), { message: 'a season of the play-by-play data' }).optional(),
  repeats: z.coerce.number().int().min(1).max(MAX_EXPLAIN_REPEATS).default(5),
  seed: z.coerce.number().int().min(0).max(2 ** 32 - 1).default(1),
  rows: z.coerce.number().int().min(100).max(MAX_EXPLAIN_ROWS).default(2000),
});
export type ExplainQuery = z.output<typeof ExplainQuery>;

/** At most m plays, drawn without replacement, in their original order. */
export function samplePlays<T>(plays: readonly T[], m: number, seed: number): T[] {
  if (plays.length <= m) return [...plays];
  const pick = shuffledIndex(plays.length, Rng.create(seed, 0)).subarray(0, m).sort();
  return Array.from(pick, (i) => plays[i]!);
}

/** The rows of these plays for these feature names (FEATURE_NAMES columns; a blank value is NaN). */
export function featureTable(plays: readonly CoverPlay[], names: readonly string[]): ImportanceTable {
  const k = names.length;
  const x = new Float64Array(plays.length * k), y = new Uint8Array(plays.length);
  plays.forEach((p, i) => {
    const f = coverFeatures(p) as unknown as Record<string, number | null>;
    for (let j = 0; j < k; j++) x[i * k + j] = f[names[j]!] ?? NaN;
    y[i] = p.covered;
  });
  return { x, y, n: plays.length, names };
}


export async function explainServedModel(dataDir: string, model: ServedModel, q: ExplainQuery) {
  const season = q.season ?? model.heldOutSeasons[model.heldOutSeasons.length - 1];
  if (season === undefined) throw new BadRequest(`model ${model.name} v${model.version} names no held-out season: give one`, 'season');
  if (!model.heldOutSeasons.includes(season)) {
    throw new BadRequest(`season ${season} is not held out by ${model.name} v${model.version} (held out: ${model.heldOutSeasons.join(', ') || 'none'})`, 'season', 'not_held_out');
  }
  const started = performance.now();
  const all = evaluationPlays(dataDir, [season]);
  const plays = samplePlays(all, q.rows, q.seed);
  const table = featureTable(plays, model.predictor.features);
  const r = await permutationImportance(table, (row) => model.predictor.predictFeatures(row), q.repeats, q.seed);
  return {
    model: { id: model.id, name: model.name, version: model.version, format: model.predictor.format },
    season, seasonPlays: all.length, rows: plays.length, repeats: q.repeats, seed: q.seed,
    metric: 'log_loss' as const, logLoss: r.logLoss,
    features: [...r.features].sort((a, b) => b.importance - a.importance),
    ms: Math.round(performance.now() - started),
  };
}
