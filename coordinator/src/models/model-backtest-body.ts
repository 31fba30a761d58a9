import { z } from 'zod';
import { SportName } from '@nfl-grid/shared/performance/api';
import { runModelBacktest } from '@nfl-grid/shared/sports/model-backtest';
import type { Scope } from '../auth/access';
import { BadRequest } from '../errors';
import type { Grid } from '../grid';
import { readPredictions } from './predictions';
import { getModel } from './registry';

/*
 * Seed 001's backtest body: a registry model's walk-forward predictions between two dates (or
 * seasons), bet at the closing prices (shared/src/sports/model-backtest.ts: NBA moneylines, NFL
 * the spread at −110).
 */

const IsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD');

export const ModelBacktestBody = z.strictObject({
  model_id: z.uuid('expected a registry model id'),
  sport: SportName.optional(),
  start_date: IsoDate.optional(),
  end_date: IsoDate.optional(),
  season_from: z.number().int().min(1966).max(2100).optional(),
  season_to: z.number().int().min(1966).max(2100).optional(),
  initial_bankroll: z.number().gt(0).max(1e12).default(1000),
  betting_strategy: z.enum(['fixed_amount', 'percentage', 'kelly_criterion', 'confidence_based']).default('fixed_amount'),
  stake_amount: z.number().positive().max(1e9).default(10),
  stake_fraction: z.number().gt(0).max(1).default(0.02),
  kelly_multiplier: z.number().gt(0).max(2).default(0.25),
  max_fraction: z.number().gt(0).max(1).default(0.1),
  min_confidence: z.number().min(0).max(1).default(0),
  min_edge: z.number().min(-1).max(1).default(0),
}).refine((b) => !b.start_date || !b.end_date || b.start_date <= b.end_date, { message: 'start_date is after end_date', path: ['end_date'] });

export async function modelBacktest(grid: Grid, scope: Scope, b: z.output<typeof ModelBacktestBody>) {
  const m = await getModel(grid.db, b.model_id, scope);
  if (b.sport && b.sport !== m.sport) throw new BadRequest(`model ${m.id} is an ${m.sport} model, not ${b.sport}`, 'sport', 'invalid_field');
  const preds = await readPredictions(grid.db, m.id, { from: b.start_date, to: b.end_date, seasonFrom: b.season_from, seasonTo: b.season_to });
  if (!preds.length) throw new BadRequest(`model ${m.id} has no walk-forward predictions in that range`, 'model_id', 'no_predictions');
  const r = runModelBacktest(preds, {
    market: m.sport === 'nfl' ? 'spread' : 'moneyline', strategy: b.betting_strategy, initialBankroll: b.initial_bankroll,
    amount: b.stake_amount, fraction: b.stake_fraction, kellyMultiplier: b.kelly_multiplier, maxFraction: b.max_fraction,
    minConfidence: b.min_confidence, minEdge: b.min_edge, maxBetHistory: 100, maxEquityPoints: 200,
  });
  return {
    model: { id: m.id, name: m.name, version: m.version, sport: m.sport, modelType: m.modelType },
    range: { start_date: b.start_date ?? preds[0]!.date, end_date: b.end_date ?? preds[preds.length - 1]!.date, season_from: b.season_from ?? null, season_to: b.season_to ?? null },
    strategy: b.betting_strategy, market: m.sport === 'nfl' ? 'spread at −110' : 'closing moneyline', ...r,
  };
}
