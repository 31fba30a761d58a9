import { z } from 'zod';
import type { EloGameRow } from '../../data/elo538';
import type { OddsGameRow } from '../../data/oddsportal';
import type { GameRow } from '../../data/spreadspoke';
import { buildBacktestGames, type BacktestGame, type JoinStats } from './games';
import type { StrategyConfig } from './engine';
import { derived } from '../derived-cache';
import { approxRegularSeasonGames } from '../mc/season';
import type { KernelData } from '../types';

/*
 * Params shared by backtest.run@1 and backtest.compare@1, and the games they read: spreadspoke
 * with OddsPortal moneylines joined when a strategy bets or models moneylines, and 538 Elo when
 * a strategy models with Elo (datasets() lists only what the strategies need).
 */

const sigma = z.number().min(1).max(30).default(13.5);
const homeEdge = z.number().min(-14).max(14).default(0);

export const StrategySchema = z.strictObject({
  /** A label for reports. */
  name: z.string().min(1).max(80).optional(),
  market: z.enum(['spread', 'moneyline']).default('spread'),
  model: z.discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('spread'), sigma, homeEdge }),
    z.strictObject({ kind: z.literal('elo'), sigma, homeEdge }),
    z.strictObject({ kind: z.literal('moneyline'), sigma, homeEdge }),
  ]).default({ kind: 'spread', sigma: 13.5, homeEdge: 0 }),
  /** Look-ahead skill (model.ts): 0 = none. */
  signalCorrelation: z.number().min(0).max(0.95).default(0),
  staking: z.discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('fixed_amount'), amount: z.number().positive().max(1e9).default(10) }),
    z.strictObject({ kind: z.literal('fixed_fraction'), fraction: z.number().gt(0).max(1).default(0.01) }),
    z.strictObject({ kind: z.literal('kelly'), multiplier: z.number().gt(0).max(2).default(1), maxFraction: z.number().gt(0).max(1).default(0.25) }),
    z.strictObject({
      kind: z.literal('confidence'), amount: z.number().positive().max(1e9).default(10),
      edgeUnit: z.number().positive().max(1).default(0.05), maxFraction: z.number().gt(0).max(1).default(0.1),
    }),
  ]).default({ kind: 'fixed_amount', amount: 10 }),
  side: z.enum(['best', 'home', 'away', 'favorite', 'underdog']).default('best'),
  /** Bet only when the expected profit per unit staked exceeds this (−1: always). */
  minEdge: z.number().min(-1).max(1).default(0),
});

export const BacktestCommonFields = {
  seasonFrom: z.number().int().min(1979).max(2025).default(2010),
  seasonTo: z.number().int().min(1979).max(2025).default(2024),
  includePlayoffs: z.boolean().default(false),
  spreadOdds: z.number().refine((o) => Math.abs(o) >= 100, 'American odds are ≤ -100 or ≥ 100').default(-110),
  startBankroll: z.number().gt(0).max(1e12).default(1000),
  maxExposure: z.number().gt(0).max(1).default(1),
  seasonsPerStep: z.number().int().min(1).max(50).default(1),
};

export interface BacktestCommon {
  seasonFrom: number;
  seasonTo: number;
  includePlayoffs: boolean;
}

export const SPREADSPOKE = 'spreadspoke.games';
const ODDSPORTAL = 'oddsportal.nfl';
const ELO538 = 'elo538.games';

const needsOdds = (ss: readonly StrategyConfig[]) => ss.some((s) => s.market === 'moneyline' || s.model.kind === 'moneyline');
const needsElo = (ss: readonly StrategyConfig[]) => ss.some((s) => s.model.kind === 'elo');

export function backtestDatasets(ss: readonly StrategyConfig[]): string[] {
  return ['teams.crosswalk', SPREADSPOKE, ...(needsOdds(ss) ? [ODDSPORTAL] : []), ...(needsElo(ss) ? [ELO538] : [])];
}

export interface SelectedGames {
  games: BacktestGame[];
  stats: JoinStats;
}

/** The season range's games with the joins these strategies need, cached per KernelData. */
export function selectedGames(data: KernelData, p: BacktestCommon, ss: readonly StrategyConfig[]): SelectedGames {
  const odds = needsOdds(ss), elo = needsElo(ss);
  const key = { f: p.seasonFrom, t: p.seasonTo, po: p.includePlayoffs, odds, elo };
  return derived(data, 'backtest.games', key, () => {
    const all = data.dataset<GameRow[]>(SPREADSPOKE)
      .filter((g) => g.season >= p.seasonFrom && g.season <= p.seasonTo && (p.includePlayoffs || !g.playoff));
    return buildBacktestGames(all, {
      odds: odds ? data.dataset<OddsGameRow[]>(ODDSPORTAL) : undefined,
      elo: elo ? data.dataset<EloGameRow[]>(ELO538) : undefined,
    });
  });
}

/** Games of seasons [from, to] (already in backtest order). */
export function seasonSlice(games: readonly BacktestGame[], from: number, to: number): BacktestGame[] {
  return games.filter((g) => g.season >= from && g.season <= to);
}

/**
 * CPU cost on a 2-core VM with Node 20: parsing the datasets on a fresh KernelData, then per game
 * and strategy (the Elo and de-vig models solve for μ by bisection).
 */
const PARSE = { spreadspoke: 0.35e9, odds: 0.2e9, elo: 0.3e9 };
const NS_PER_GAME = { spread: 7_000, solved: 30_000 };

function estimateGames(p: BacktestCommon): number {
  let n = 0;
  for (let y = p.seasonFrom; y <= p.seasonTo; y++) n += approxRegularSeasonGames(y) + (p.includePlayoffs ? 11 : 0);
  return n;
}

export function backtestCost(p: BacktestCommon, ss: readonly StrategyConfig[]): number {
  const games = estimateGames(p);
  const parse = PARSE.spreadspoke + (needsOdds(ss) ? PARSE.odds : 0) + (needsElo(ss) ? PARSE.elo : 0);
  return parse + games * ss.reduce((a, s) => a + (s.model.kind === 'spread' ? NS_PER_GAME.spread : NS_PER_GAME.solved), 0);
}
