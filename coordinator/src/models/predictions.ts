import { and, asc, eq, gte, lte, sql } from 'drizzle-orm';
import type { Db, Tx } from '../db/index';
import { modelPredictions } from '../db/schema/index';

/*
 * A registry model's walk-forward predictions (model_predictions): written once, with the model's
 * registration, and read by the performance figures and by backtests of that model.
 */

export interface GamePrediction {
  gameId: string;
  season: number;
  date: string;
  p: number;
  homeWin: number;
  market: number | null;
  homeOdds: number | null;
  awayOdds: number | null;
  homeResult: number | null;
}

const CHUNK = 1000;

export async function storePredictions(db: Db | Tx, modelId: string, rows: readonly GamePrediction[]): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) {
    await db.orm.insert(modelPredictions).values(rows.slice(i, i + CHUNK).map((r) => ({ modelId, ...r })));
  }
}

/** A model's predictions in date order, optionally between two ISO dates (inclusive) or seasons. */
export async function readPredictions(
  db: Db, modelId: string, range: { from?: string; to?: string; seasonFrom?: number; seasonTo?: number } = {},
): Promise<GamePrediction[]> {
  const t = modelPredictions;
  const rows = await db.orm.select().from(t).where(and(
    eq(t.modelId, modelId),
    range.from ? gte(t.date, range.from) : undefined, range.to ? lte(t.date, range.to) : undefined,
    range.seasonFrom !== undefined ? gte(t.season, range.seasonFrom) : undefined, range.seasonTo !== undefined ? lte(t.season, range.seasonTo) : undefined,
  )).orderBy(asc(t.date), asc(t.gameId));
  return rows.map(({ modelId: _, ...r }) => r);
}

/** Every prediction of these models, grouped by model id. */
export async function predictionsOf(db: Db, modelIds: readonly string[]): Promise<Map<string, GamePrediction[]>> {
  const out = new Map<string, GamePrediction[]>(modelIds.map((id) => [id, []]));
  if (!modelIds.length) return out;
  const rows = await db.orm.select().from(modelPredictions)
    .where(sql`${modelPredictions.modelId} IN (${sql.join(modelIds.map((id) => sql`${id}::uuid`), sql`, `)})`)
    .orderBy(asc(modelPredictions.date), asc(modelPredictions.gameId));
  for (const { modelId, ...r } of rows) out.get(modelId)!.push(r);
  return out;
}
