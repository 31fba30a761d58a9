import type { GameRow } from '../../data/spreadspoke';
import { coverProbabilities, kellyFraction, netOdds } from './bankroll-math';

/*
 * What mc.bankroll derives from params + data before simulating: the pool of historical games
 * with a closing line that scenarios resample, and for each game and side the cover probabilities
 * and the full-Kelly stake under the edge model. Rebuilt on restore, not checkpointed.
 */

export interface PoolParams {
  seasonFrom: number;
  seasonTo: number;
  includePlayoffs: boolean;
  skill: number;
  sigma: number;
  odds: number;
}

/** Per game, for a bet on the home side ([0]) and on the away side ([1]). */
export interface SideTable {
  /** P(win) and P(win) + P(push): one uniform draw u decides win (u < winCut), push, or loss. */
  winCut: Float64Array;
  pushCut: Float64Array;
  /** Full-Kelly fraction of bankroll. */
  kelly: Float64Array;
}

export interface BankrollPool {
  /** Games in the pool. */
  size: number;
  /** Points the home side must win by (−homeLine); the away side's is the negation. */
  cHome: Float64Array;
  home: SideTable;
  away: SideTable;
  /** Net payout per unit staked. */
  b: number;
  /** Win probability, pushes excluded, of a bet on a half-point line (the model's edge). */
  winRateHalfPoint: number;
}

export function buildPool(rows: readonly GameRow[], p: PoolParams): BankrollPool {
  const games = rows.filter((g) => g.season >= p.seasonFrom && g.season <= p.seasonTo
    && g.homeLine !== null && (p.includePlayoffs || !g.playoff));
  if (games.length === 0) throw new Error(`no games with a line in ${p.seasonFrom}–${p.seasonTo}`);
  const b = netOdds(p.odds);
  const n = games.length;
  const cHome = new Float64Array(n);
  const table = (): SideTable => ({ winCut: new Float64Array(n), pushCut: new Float64Array(n), kelly: new Float64Array(n) });
  const home = table(), away = table();
  // the probabilities depend only on c's fractional part, so memoise by c
  const memo = new Map<number, [number, number, number]>();
  const fill = (t: SideTable, i: number, c: number) => {
    let v = memo.get(c);
    if (v === undefined) {
      const pr = coverProbabilities(c, p.skill, p.sigma);
      memo.set(c, (v = [pr.win, pr.win + pr.push, kellyFraction(pr.win, pr.lose, b)]));
    }
    [t.winCut[i], t.pushCut[i], t.kelly[i]] = v;
  };
  games.forEach((g, i) => {
    // homeLine 0 would give c = -0 for one side; normalise so both sides see +0
    cHome[i] = g.homeLine === 0 ? 0 : -g.homeLine!;
    fill(home, i, cHome[i]);
    fill(away, i, cHome[i] === 0 ? 0 : -cHome[i]);
  });
  const half = coverProbabilities(0.5, p.skill, p.sigma);
  return { size: n, cHome, home, away, b, winRateHalfPoint: half.win / (half.win + half.lose) };
}
