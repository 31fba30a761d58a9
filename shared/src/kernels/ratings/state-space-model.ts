import { FRANCHISES } from '../../data/teams';
import type { TableGame } from '../calibration/games';
import { cloneGaussian, gaussian, predictDiagonal, predictObservation, rtsStep, updateScalar, type Gaussian, type Prediction } from './kalman';

/*
 * The team-strength state-space model of ratings.state_space (after Glickman & Stern 1998):
 *
 *   state      θ_t (one strength per franchise, points) and, unless fixed, h (home-field advantage)
 *   observe    margin_g = θ_home − θ_away + h·[not neutral] + ε,  ε ~ N(0, r)
 *   week→week  θ ← φ^d θ + N(0, q·Σ_{i<d} φ^{2i}) for a gap of d weeks (week numbers; playoff weeks
 *              are 19–22, so the gap before the wild-card round is 2 in 17-week seasons); h fixed
 *   season→    θ ← carryover·θ + N(0, seasonVar); a franchise that did not play the season before
 *              (expansion, the 1996–98 Browns gap) restarts at N(0, p0); h ← h + N(0, hfaQ)
 *   start      θ ~ N(0, p0·I), h ~ N(hfa, hfaSd²) at the first season; hfaSd = hfaQ = 0 keeps h out
 *              of the state as the constant hfa
 *
 * Within a week, games are taken date by date. Every game of a date is predicted from the state
 * before that date (so Sunday games see Thursday's results, never each other's), then the date's
 * games update the state one after another; with no process noise between them this is the same
 * as one joint update. The predictive distribution of a game, N(mean, variance), is what is scored.
 *
 * The RTS smoother runs over week-end states (the filtered state after a week's last game) with
 * the transitions above, and reports each season's last week: fitted strengths given every game.
 */

export interface SsConfig {
  q: number;
  r: number;
  hfa: number;
}

export interface SsFixed {
  phi: number;
  carryover: number;
  seasonVar: number;
  p0: number;
  hfaSd: number;
  hfaQ: number;
}

export interface SsGame {
  home: number;
  away: number;
  neutral: boolean;
  margin: number;
  /** Index into the game table (for scoring). */
  row: number;
}

export interface SsWeek {
  week: number;
  /** Games grouped by date, dates ascending. */
  dates: SsGame[][];
}

export interface SsSeason {
  season: number;
  weeks: SsWeek[];
  /** By team index: plays this season. */
  plays: boolean[];
  /** By team index: plays this season and did not play the previous one. */
  restarts: boolean[];
}

export interface SsSchedule {
  teams: readonly string[];
  seasons: SsSeason[];
}

export const SS_TEAMS: readonly string[] = FRANCHISES;

/** Seasons seasonFrom..seasonTo of the game table, every played game (regular and playoff). */
export function buildSchedule(table: readonly TableGame[], seasonFrom: number, seasonTo: number): SsSchedule {
  const index = new Map(SS_TEAMS.map((t, i) => [t, i]));
  const played = (s: number) => {
    const p = new Array<boolean>(SS_TEAMS.length).fill(false);
    for (const g of table) if (g.season === s) p[index.get(g.home)!] = p[index.get(g.away)!] = true;
    return p;
  };
  const seasons: SsSeason[] = [];
  let previous = played(seasonFrom - 1);
  for (let s = seasonFrom; s <= seasonTo; s++) {
    const weeks = new Map<number, Map<string, SsGame[]>>();
    table.forEach((g, row) => {
      if (g.season !== s) return;
      const h = index.get(g.home), a = index.get(g.away);
      if (h === undefined || a === undefined) throw new Error(`state-space: unknown franchise in ${g.date} ${g.home}–${g.away}`);
      let w = weeks.get(g.week);
      if (!w) weeks.set(g.week, (w = new Map()));
      let d = w.get(g.date);
      if (!d) w.set(g.date, (d = []));
      d.push({ home: h, away: a, neutral: g.neutral, margin: g.margin, row });
    });
    const plays = played(s);
    seasons.push({
      season: s,
      weeks: [...weeks.keys()].sort((x, y) => x - y).map((wk) => {
        const byDate = weeks.get(wk)!;
        return { week: wk, dates: [...byDate.keys()].sort().map((d) => byDate.get(d)!) };
      }),
      plays,
      restarts: plays.map((p, t) => p && !previous[t]),
    });
    previous = plays;
  }
  return { teams: SS_TEAMS, seasons };
}

const hfaInState = (f: SsFixed): boolean => f.hfaSd > 0 || f.hfaQ > 0;

export function priorState(cfg: SsConfig, f: SsFixed): Gaussian {
  const T = SS_TEAMS.length, n = T + (hfaInState(f) ? 1 : 0);
  const mean = new Array<number>(n).fill(0), cov = new Array<number>(n * n).fill(0);
  for (let t = 0; t < T; t++) cov[t * n + t] = f.p0;
  if (n > T) { mean[T] = cfg.hfa; cov[T * n + T] = f.hfaSd * f.hfaSd; }
  return gaussian(mean, cov);
}

export interface Transition {
  f: number[];
  q: number[];
}

/** Between the last week of one season and the first week of `next`. */
function seasonTransition(next: SsSeason, f: SsFixed, n: number): Transition {
  const T = SS_TEAMS.length;
  const tr: Transition = { f: new Array<number>(n), q: new Array<number>(n) };
  for (let t = 0; t < T; t++) {
    tr.f[t] = next.restarts[t] ? 0 : f.carryover;
    tr.q[t] = next.restarts[t] ? f.p0 : f.seasonVar;
  }
  if (n > T) { tr.f[T] = 1; tr.q[T] = f.hfaQ; }
  return tr;
}

/** Over a gap of `gap` weeks inside a season. */
function weekTransition(gap: number, cfg: SsConfig, f: SsFixed, n: number): Transition {
  const T = SS_TEAMS.length;
  let a = 1, v = 0;
  for (let i = 0; i < gap; i++) { v += cfg.q * a * a; a *= f.phi; }
  const tr: Transition = { f: new Array<number>(n).fill(a), q: new Array<number>(n).fill(v) };
  if (n > T) { tr.f[T] = 1; tr.q[T] = 0; }
  return tr;
}

export type GameHook = (game: SsGame, pred: Prediction) => void;

/**
 * Runs one season through the filter, in place. `state` must already hold the season's prior
 * (priorState for the first season, else the season transition applied). `onGame` sees each game
 * with its predictive distribution; `onWeek` sees each week-end state and the transition to the
 * next week (null after the last week).
 */
export function filterSeason(
  state: Gaussian, season: SsSeason, cfg: SsConfig, f: SsFixed,
  onGame?: GameHook, onWeek?: (filtered: Gaussian, toNext: Transition | null) => void,
): void {
  const n = state.mean.length, T = SS_TEAMS.length;
  const work = new Float64Array(n);
  const design = (g: SsGame): { idx: number[]; coef: number[]; offset: number } => {
    if (g.neutral) return { idx: [g.home, g.away], coef: [1, -1], offset: 0 };
    if (n > T) return { idx: [g.home, g.away, T], coef: [1, -1, 1], offset: 0 };
    return { idx: [g.home, g.away], coef: [1, -1], offset: cfg.hfa };
  };
  season.weeks.forEach((wk, wi) => {
    for (const games of wk.dates) {
      const designs = games.map(design);
      if (onGame) games.forEach((g, i) => onGame(g, predictObservation(state, designs[i].idx, designs[i].coef, designs[i].offset, cfg.r)));
      games.forEach((g, i) => updateScalar(state, designs[i].idx, designs[i].coef, designs[i].offset, cfg.r, g.margin, work));
    }
    const next = season.weeks[wi + 1];
    const tr = next ? weekTransition(next.week - wk.week, cfg, f, n) : null;
    if (onWeek) onWeek(state, tr);
    if (tr) predictDiagonal(state, tr.f, tr.q);
  });
}

/** Advances a season-end state to the prior of `next` (in place). */
export function enterSeason(state: Gaussian, next: SsSeason, f: SsFixed): void {
  const tr = seasonTransition(next, f, state.mean.length);
  predictDiagonal(state, tr.f, tr.q);
}

export interface SmoothedSeason {
  season: number;
  /** Smoothed strength (points) and sd at the season's last week, by team index. */
  mean: number[];
  sd: number[];
  /** Smoothed home-field advantage then (the constant when it is not a state). */
  hfa: number;
  hfaSd: number;
}

/** Filters every season, then runs the RTS smoother back over all week-end states. */
export function smoothSchedule(schedule: SsSchedule, cfg: SsConfig, f: SsFixed): SmoothedSeason[] {
  const filtered: Gaussian[] = [];
  const toNext: (Transition | null)[] = [];
  const seasonEnd: number[] = [];
  const state = priorState(cfg, f);
  const n = state.mean.length;
  schedule.seasons.forEach((s, si) => {
    if (si > 0) {
      const tr = seasonTransition(s, f, n);
      toNext[toNext.length - 1] = tr;
      predictDiagonal(state, tr.f, tr.q);
    }
    filterSeason(state, s, cfg, f, undefined, (g, tr) => { filtered.push(cloneGaussian(g)); toNext.push(tr); });
    seasonEnd.push(filtered.length - 1);
  });
  const out = new Array<SmoothedSeason>(seasonEnd.length);
  const T = SS_TEAMS.length;
  const report = (si: number, g: Gaussian) => {
    out[si] = {
      season: schedule.seasons[si].season,
      mean: Array.from(g.mean.subarray(0, T)),
      sd: Array.from({ length: T }, (_, t) => Math.sqrt(g.cov[t * n + t])),
      hfa: n > T ? g.mean[T] : cfg.hfa,
      hfaSd: n > T ? Math.sqrt(g.cov[T * n + T]) : 0,
    };
  };
  let si = seasonEnd.length - 1;
  let next = filtered[filtered.length - 1];
  report(si--, next);
  for (let t = filtered.length - 2; t >= 0; t--) {
    const tr = toNext[t]!;
    const predicted = cloneGaussian(filtered[t]);
    predictDiagonal(predicted, tr.f, tr.q);
    next = rtsStep(filtered[t], predicted, next, tr.f);
    if (si >= 0 && seasonEnd[si] === t) report(si--, next);
  }
  return out;
}
