import { mlpForward, type MlpArtifact } from '../../models/mlp-artifact';
import type { GameTable, GameTableRow } from '../game-table';
import { fitLogistic } from './logistic-fit';

/*
 * Walk-forward evaluation of the NBA win-probability model against the de-vigged close: for each
 * test season, fit on every season before it (λ chosen by fitting on the seasons before the last
 * of those and scoring that last one), score the test season. The model–market blend's weight is
 * chosen on the earlier test seasons' out-of-sample predictions only. Losses are compared per game,
 * paired, on games with a closing line.
 */

/** Features the model reads: the Elo probability is left out, the rating gap carries it. */
export const WIN_MODEL_FEATURES = [
  'elo_gap_100', 'home_rest', 'away_rest', 'home_b2b', 'away_b2b',
  'home_travel_1000km', 'away_travel_1000km', 'home_travel_week_1000km', 'away_travel_week_1000km',
  'home_games_week', 'away_games_week', 'neutral', 'playoff',
];
const LAMBDAS = [0.1, 1, 10, 100, 1000];
const BLEND_WEIGHTS = Array.from({ length: 21 }, (_, i) => i / 20);
const EPS = 1e-6;

export const logLoss = (p: number, y: number): number => {
  const q = Math.min(1 - EPS, Math.max(EPS, p));
  return -(y * Math.log(q) + (1 - y) * Math.log(1 - q));
};
export const brier = (p: number, y: number): number => (p - y) ** 2;
const logit = (p: number) => Math.log(Math.max(EPS, p) / Math.max(EPS, 1 - p));
const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/** p = σ(w·logit(model) + (1 − w)·logit(market)). */
export const blend = (model: number, market: number, w: number): number => sigmoid(w * logit(model) + (1 - w) * logit(market));

export interface PairedDiff { mean: number; se: number; n: number }

/** Mean of a − b per game with its standard error (sd / √n). */
export function pairedDiff(a: readonly number[], b: readonly number[]): PairedDiff {
  const n = a.length;
  const d = a.map((v, i) => v - b[i]!);
  const mean = d.reduce((s, v) => s + v, 0) / n;
  const sd = Math.sqrt(d.reduce((s, v) => s + (v - mean) ** 2, 0) / Math.max(1, n - 1));
  return { mean, se: sd / Math.sqrt(n), n };
}

export function featureMatrix(table: GameTable, rows: readonly GameTableRow[], names: readonly string[] = WIN_MODEL_FEATURES): number[][] {
  const idx = names.map((f) => {
    const i = table.features.indexOf(f);
    if (i < 0) throw new Error(`no feature ${f}`);
    return i;
  });
  return rows.map((r) => idx.map((i) => r.x[i]!));
}

/** Fits on rows of seasons < `season`; λ chosen on season − 1 from a fit on seasons < season − 1. */
export function fitBefore(table: GameTable, season: number): { model: MlpArtifact; lambda: number } {
  const fit = (rows: GameTableRow[], lambda: number) =>
    fitLogistic({ features: WIN_MODEL_FEATURES, x: featureMatrix(table, rows), y: rows.map((r) => r.homeWin) }, lambda);
  const inner = table.rows.filter((r) => r.season < season - 1), val = table.rows.filter((r) => r.season === season - 1);
  let lambda = LAMBDAS[1]!;
  if (inner.length > 0 && val.length > 0) {
    const vx = featureMatrix(table, val);
    let best = Infinity;
    for (const l of LAMBDAS) {
      const m = fit(inner, l);
      const loss = val.reduce((s, r, i) => s + logLoss(mlpForward(m, vx[i]!), r.homeWin), 0);
      if (loss < best) [best, lambda] = [loss, l];
    }
  }
  return { model: fit(table.rows.filter((r) => r.season < season), lambda), lambda };
}

export interface SeasonScore {
  season: number;
  games: number;
  lambda: number;
  blendWeight: number;
  model: { logLoss: number; brier: number };
  market: { logLoss: number; brier: number };
  blend: { logLoss: number; brier: number };
  /** model − market and blend − market, per game (< 0: better than the market). */
  modelVsMarket: { logLoss: PairedDiff; brier: PairedDiff };
  blendVsMarket: { logLoss: PairedDiff; brier: PairedDiff };
}

interface Scored { season: number; y: number; model: number; market: number }

const mean = (xs: readonly number[]) => xs.reduce((s, v) => s + v, 0) / xs.length;

function score(season: number, lambda: number, w: number, games: Scored[]): SeasonScore {
  const ls = (f: (g: Scored) => number) => games.map((g) => logLoss(f(g), g.y));
  const bs = (f: (g: Scored) => number) => games.map((g) => brier(f(g), g.y));
  const mdl = (g: Scored) => g.model, mkt = (g: Scored) => g.market, bl = (g: Scored) => blend(g.model, g.market, w);
  return {
    season, games: games.length, lambda, blendWeight: w,
    model: { logLoss: mean(ls(mdl)), brier: mean(bs(mdl)) },
    market: { logLoss: mean(ls(mkt)), brier: mean(bs(mkt)) },
    blend: { logLoss: mean(ls(bl)), brier: mean(bs(bl)) },
    modelVsMarket: { logLoss: pairedDiff(ls(mdl), ls(mkt)), brier: pairedDiff(bs(mdl), bs(mkt)) },
    blendVsMarket: { logLoss: pairedDiff(ls(bl), ls(mkt)), brier: pairedDiff(bs(bl), bs(mkt)) },
  };
}

/** The blend weight with the least log loss on the given out-of-sample games (0 without any). */
function chooseWeight(games: Scored[]): number {
  if (games.length === 0) return 0;
  let best = Infinity, w = 0;
  for (const c of BLEND_WEIGHTS) {
    const loss = games.reduce((s, g) => s + logLoss(blend(g.model, g.market, c), g.y), 0);
    if (loss < best) [best, w] = [loss, c];
  }
  return w;
}

/** Per test season, then pooled (season 0) over all of them. */
export function walkForward(table: GameTable, seasons: readonly number[]): SeasonScore[] {
  const out: SeasonScore[] = [];
  const earlier: Scored[] = [];
  const pooled: { s: Scored; w: number }[] = [];
  for (const season of seasons) {
    const { model, lambda } = fitBefore(table, season);
    const rows = table.rows.filter((r) => r.season === season && r.market !== null);
    const x = featureMatrix(table, rows);
    const games = rows.map((r, i) => ({ season, y: r.homeWin, model: mlpForward(model, x[i]!), market: r.market! }));
    const w = chooseWeight(earlier);
    out.push(score(season, lambda, w, games));
    for (const g of games) pooled.push({ s: g, w });
    earlier.push(...games);
  }
  // pooled: each game blended with the weight its own season was given
  const all = pooled.map((p) => p.s);
  const pooledScore = score(0, NaN, NaN, all);
  const ls = pooled.map((p) => logLoss(blend(p.s.model, p.s.market, p.w), p.s.y)), bs = pooled.map((p) => brier(blend(p.s.model, p.s.market, p.w), p.s.y));
  pooledScore.blend = { logLoss: mean(ls), brier: mean(bs) };
  pooledScore.blendVsMarket = {
    logLoss: pairedDiff(ls, all.map((g) => logLoss(g.market, g.y))),
    brier: pairedDiff(bs, all.map((g) => brier(g.market, g.y))),
  };
  out.push(pooledScore);
  return out;
}
