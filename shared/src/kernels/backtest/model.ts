import { impliedProbability } from '../../data/oddsportal';
import { coverProbabilities, netOdds } from '../mc/bankroll-math';
import type { BacktestGame } from './games';
import { normalCdf } from '../../math/normal';

/*
 * The bettor's model of a game: the home margin is round(Z), Z ~ Normal(μ, σ), with μ from
 * - `spread`:    the closing line, μ = −homeLine;
 * - `elo`:       FiveThirtyEight's win probability, μ solving P(home wins | no tie) = eloProbHome;
 * - `moneyline`: the de-vigged closing moneylines, p = ip_home / (ip_home + ip_away), likewise;
 * plus `homeEdge` points (a belief that home teams are better than that source says).
 *
 * Optional skill (`signalCorrelation` ρ > 0), a LOOK-AHEAD device for asking "how good must a
 * bettor be": the bettor sees a private signal S = R + ε of the residual R = margin − μ, with
 * ε ~ Normal(0, σ²(1/ρ² − 1)), so that corr(S, R) = ρ when R has sd σ. Its posterior is then
 * μ' = μ + ρ² S, σ' = σ √(1 − ρ²). ε comes from the seeded generator, one normal per game.
 *
 * A bet on a side at threshold c (spread: the side's −line; moneyline: 0) wins when the side's
 * rounded margin exceeds c and pushes when it equals c (../mc/bankroll-math.ts coverProbabilities).
 */

export type ModelSpec =
  | { kind: 'spread'; sigma: number; homeEdge: number }
  | { kind: 'elo'; sigma: number; homeEdge: number }
  | { kind: 'moneyline'; sigma: number; homeEdge: number };

export type Market = 'spread' | 'moneyline';

/** P(home wins | not a tie) under round(Normal(μ, σ)). */
export function winShare(mu: number, sigma: number): number {
  const win = normalCdf((mu - 0.5) / sigma), lose = normalCdf((-0.5 - mu) / sigma);
  return win / (win + lose);
}

/** μ with winShare(μ, σ) = p, by bisection on [−80, 80] (monotone; deterministic). */
export function muFromWinProb(p: number, sigma: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`muFromWinProb: p must be in (0, 1), got ${p}`);
  let lo = -80, hi = 80;
  for (let i = 0; i < 64; i++) {
    const mid = (lo + hi) / 2;
    if (winShare(mid, sigma) < p) lo = mid; else hi = mid;
  }
  return (lo + hi) / 2;
}

/** Home win probability with the vig removed, from two American moneylines. */
export function devigHome(homeMl: number, awayMl: number): number {
  const h = impliedProbability(homeMl), a = impliedProbability(awayMl);
  return h / (h + a);
}

/** The model's μ for the home margin, before any signal; null when its source is missing. */
export function modelMean(g: BacktestGame, m: ModelSpec): number | null {
  let mu: number;
  if (m.kind === 'spread') {
    if (g.homeLine === null) return null;
    mu = -g.homeLine;
  } else if (m.kind === 'elo') {
    if (g.eloProbHome === null || !(g.eloProbHome > 0 && g.eloProbHome < 1)) return null;
    mu = muFromWinProb(g.eloProbHome, m.sigma);
  } else {
    if (g.homeMoneyline === null || g.awayMoneyline === null) return null;
    mu = muFromWinProb(devigHome(g.homeMoneyline, g.awayMoneyline), m.sigma);
  }
  return mu + m.homeEdge;
}

export interface SideOffer {
  side: 'home' | 'away';
  /** American odds of the bet. */
  odds: number;
  /** Net win per unit staked. */
  b: number;
  /** Points the side must win by (spread) or 0 (moneyline). */
  threshold: number;
  win: number;
  push: number;
  lose: number;
  /** Expected profit per unit staked: win·b − lose. */
  ev: number;
}

/**
 * Both sides' offers under a predictive Normal(μ, σ) of the home margin, or null when the market
 * has no price for this game.
 */
export function offers(g: BacktestGame, market: Market, mu: number, sigma: number, spreadOdds: number): [SideOffer, SideOffer] | null {
  let prices: [number, number], thresholds: [number, number];
  if (market === 'spread') {
    if (g.homeLine === null) return null;
    prices = [spreadOdds, spreadOdds];
    thresholds = [g.homeLine === 0 ? 0 : -g.homeLine, g.homeLine];
  } else {
    if (g.homeMoneyline === null || g.awayMoneyline === null) return null;
    prices = [g.homeMoneyline, g.awayMoneyline];
    thresholds = [0, 0];
  }
  const make = (i: 0 | 1): SideOffer => {
    const side = i === 0 ? 'home' : 'away';
    const c = thresholds[i], muSide = i === 0 ? mu : -mu;
    const pr = coverProbabilities(c, muSide - c, sigma);
    const b = netOdds(prices[i]);
    return { side, odds: prices[i], b, threshold: c, ...pr, ev: pr.win * b - pr.lose };
  };
  return [make(0), make(1)];
}

/** Settles a bet on `side` at `threshold`: the side's margin against it. */
export function settle(g: BacktestGame, side: 'home' | 'away', threshold: number): 'win' | 'push' | 'loss' {
  const m = side === 'home' ? g.homeScore - g.awayScore : g.awayScore - g.homeScore;
  return m > threshold ? 'win' : m === threshold ? 'push' : 'loss';
}
