/*
 * One sport's games as the pre-game model families read them: one row per game in date order,
 * each with features known before kick-off (tip-off) only, the outcome, and the closing market's
 * home win probability where there was a line. Built per sport (sports/nfl, sports/nba); the
 * families (sports/families) and the walk-forward evaluation work on this shape alone.
 */

export type Sport = 'nfl' | 'nba';

export interface GameTableRow {
  /** Stable id: `${date}:${away}@${home}`. */
  id: string;
  season: number;
  /** ISO date, `YYYY-MM-DD`. */
  date: string;
  home: string;
  away: string;
  playoff: boolean;
  /** Pre-game features, in the order of `GameTable.features`. */
  x: number[];
  /** 1 when the home side won; ties (NFL) are 0.5. */
  homeWin: number;
  homeMargin: number;
  /** The closing market's de-vigged home win probability; null without a line. */
  market: number | null;
}

export interface GameTable {
  sport: Sport;
  /** Feature names, one per column of `x`. */
  features: string[];
  rows: GameTableRow[];
  /**
   * Per team, per game: the sequence features of that team's own games in date order (for the
   * sequence family). `teamHistory(team, beforeDate, n)` gives at most n rows of games strictly
   * before the date, most recent last.
   */
  sequenceFeatures: string[];
  teamHistory(team: string, beforeDate: string, n: number): number[][];
}
