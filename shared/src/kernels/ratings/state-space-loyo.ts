import type { Scores } from '../calibration/metrics';
import { round } from '../../math/round';

/*
 * Leave-one-year-out selection over a grid of ratings.state_space configurations (q, r, hfa).
 *
 * The filter's forecasts are already one step ahead: every game is predicted from games before its
 * date. What the grid fits is the three numbers, so LOYO is about choosing them: for each held-out
 * evaluation season s, the configuration with the lowest pooled log loss over the *other*
 * evaluation seasons is chosen (first in grid order on a tie), and its forecasts of season s are
 * scored. The pooled LOYO score adds up those held-out seasons. It works on kernel outputs, so the
 * assimilator can run it over the configs of many WUs of one batch, as the kernel runs it over the
 * configs of one WU.
 */

export interface SeasonScores extends Scores {
  season: number;
}

export interface LoyoCandidate {
  q: number;
  r: number;
  hfa: number;
  seasons: SeasonScores[];
}

export interface LoyoSeason extends SeasonScores {
  /** The chosen configuration and its pooled log loss on the other seasons. */
  q: number;
  r: number;
  hfa: number;
  trainLogLoss: number;
}

export interface LoyoResult {
  seasons: LoyoSeason[];
  pooled: Scores;
}

/** Pools per-season means weighted by their game counts (rmse through its square). */
function poolSeasons(seasons: readonly Scores[]): Scores {
  let n = 0, ll = 0, b = 0, sq = 0, haveRmse = true;
  for (const s of seasons) {
    if (s.n === 0) continue;
    n += s.n;
    ll += s.n * s.logLoss;
    b += s.n * s.brier;
    if (s.rmse === null) haveRmse = false; else sq += s.n * s.rmse * s.rmse;
  }
  if (n === 0) return { n: 0, logLoss: NaN, brier: NaN, rmse: haveRmse ? NaN : null };
  return { n, logLoss: round(ll / n, 8), brier: round(b / n, 8), rmse: haveRmse ? round(Math.sqrt(sq / n), 8) : null };
}

export function selectLoyo(candidates: readonly LoyoCandidate[]): LoyoResult {
  if (candidates.length === 0) throw new Error('selectLoyo: no configurations');
  const seasons = candidates[0].seasons.map((s) => s.season);
  for (const c of candidates) {
    if (c.seasons.length !== seasons.length || c.seasons.some((s, i) => s.season !== seasons[i])) {
      throw new Error('selectLoyo: configurations were scored on different seasons');
    }
  }
  const chosen: LoyoSeason[] = seasons.map((season, si) => {
    let best = -1, bestLoss = Infinity;
    candidates.forEach((c, ci) => {
      const loss = poolSeasons(c.seasons.filter((_, k) => k !== si)).logLoss;
      if (best < 0 || loss < bestLoss) { best = ci; bestLoss = loss; }
    });
    const c = candidates[best];
    return { ...c.seasons[si], q: c.q, r: c.r, hfa: c.hfa, trainLogLoss: bestLoss };
  });
  return { seasons: chosen, pooled: poolSeasons(chosen) };
}
