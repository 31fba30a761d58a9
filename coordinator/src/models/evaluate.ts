import { loadLocalKernelData } from '@nfl-grid/shared/data/local';
import { playsDataset, type CoverPlay, type ParsedPlays } from '@nfl-grid/shared/data/gamestate/plays';
import { clippedLogLoss } from '@nfl-grid/shared/kernels/cover/metrics';
import type { CoverPredictor } from './cover-predictor';

/*
 * Scores two cover models on the same evaluation plays (the kept plays of the held-out seasons,
 * data/nfl_gamestate) as they are served: from lead, line and time left alone. Returns each
 * model's mean log loss and the per-game differences the promotion test reads: a game's plays
 * share its label, so the game, not the play, is the unit the test permutes.
 */

export interface PairedScores {
  seasons: number[];
  plays: number;
  production: { logLoss: number };
  candidate: { logLoss: number };
  /**
   * Per game: the sum over its plays of production loss − candidate loss, times games / plays, so
   * that the mean over games is the mean difference per play.
   */
  gameDiffs: number[];
}

/** Kept plays of a season, parsed once per process (the data files do not change while it runs). */
const seasonCache = new Map<string, CoverPlay[]>();

/** The kept plays of these seasons (promotions and feature explanations score on them). */
export function evaluationPlays(dataDir: string, seasons: readonly number[]): CoverPlay[] {
  return seasons.flatMap((season) => {
    const key = `${dataDir}\0${season}`;
    let plays = seasonCache.get(key);
    if (!plays) {
      const name = playsDataset(season);
      plays = loadLocalKernelData(dataDir, [name]).dataset<ParsedPlays>(name).rows;
      seasonCache.set(key, plays);
    }
    return plays;
  });
}

/** Plays scored between two turns of the event loop, so that served requests wait at most a few ms. */
const CHUNK = 256;
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

export async function scorePaired(plays: readonly CoverPlay[], production: CoverPredictor, candidate: CoverPredictor, seasons: number[]): Promise<PairedScores> {
  const byGame = new Map<string, { n: number; d: number }>();
  let lp = 0, lc = 0;
  for (let i = 0; i < plays.length; i++) {
    if (i > 0 && i % CHUNK === 0) await nextTurn();
    const p = plays[i]!;
    const s = { lead: p.lead, line: p.line, secondsLeft: p.secondsLeft };
    const a = clippedLogLoss(production.predict(s), p.covered);
    const b = clippedLogLoss(candidate.predict(s), p.covered);
    lp += a;
    lc += b;
    const g = byGame.get(p.gameId) ?? { n: 0, d: 0 };
    g.n++;
    g.d += a - b;
    byGame.set(p.gameId, g);
  }
  const n = plays.length;
  return {
    seasons, plays: n,
    production: { logLoss: n ? lp / n : NaN },
    candidate: { logLoss: n ? lc / n : NaN },
    gameDiffs: [...byGame.values()].map((g) => (g.d * byGame.size) / n),
  };
}
