import { DatasetParseError } from '../csv';
import type { StateGame } from './games';
import { emptyReport, type DropReason, type QualityReport } from './quality';
import { columnIndex, intOrNull, intRequired, scanPlainCsv } from './scan';

/*
 * gamestate.plays_<season>: data/nfl_gamestate/nflgame_plays_<season>.csv.gz, one row per feed
 * play of the validated games, each joined to its game's closing line and final score.
 *
 * A kept row is the state at the snap seen from the favourite's side:
 * - secondsLeft is game_seconds_remaining as recorded: (4 − qtr)·900 + clock in regulation, and
 *   in overtime the overtime clock itself (the file's convention), so it is the time still to be
 *   played when the game goes no further;
 * - lead is the favourite's score minus the underdog's, before the play;
 * - favoriteHasBall compares posteam with the game's feed abbreviations (null when posteam is
 *   blank or matches neither); on kickoffs posteam is the kicking team;
 * - covered is the game's cover label (games.ts states the favourite, pick'em and push rules).
 * Rows without a clock, of pick'em games and of pushes are dropped and counted (quality.ts).
 */

export const PLAY_COLUMNS = ['game_id', 'play_id', 'drive', 'qtr', 'quarter_seconds_remaining', 'game_seconds_remaining',
  'posteam', 'down', 'ydstogo', 'yardline_100', 'home_score', 'away_score', 'home_score_post', 'away_score_post',
  'scoring_play', 'pat_imputed', 'note'] as const;

export interface CoverPlay {
  gameId: string;
  season: number;
  playoff: boolean;
  playId: number;
  /** 1–4; 5 and up are overtime periods. */
  qtr: number;
  secondsLeft: number;
  /** Favourite's score minus the underdog's at the snap. */
  lead: number;
  /** Points the favourite gives at the close, > 0. */
  line: number;
  favoriteHasBall: boolean | null;
  /** Yards from the opponent's end zone, from the possessing team's side (75 = own 25). */
  yardline100: number | null;
  down: number | null;
  ydstogo: number | null;
  covered: 0 | 1;
}

export interface ParsedPlays {
  rows: CoverPlay[];
  report: QualityReport;
}

export function playsDataset(season: number): string {
  return `gamestate.plays_${season}`;
}

export function parseCoverPlays(bytes: Uint8Array, games: readonly StateGame[], dataset: string): ParsedPlays {
  const { header, rows: raw } = scanPlainCsv(dataset, bytes, PLAY_COLUMNS);
  const c = columnIndex(header, PLAY_COLUMNS);
  const byId = new Map(games.map((g) => [g.gameId, g]));
  const report = emptyReport(dataset, PLAY_COLUMNS);
  const rows: CoverPlay[] = [];
  const drop = (reason: DropReason) => { report.dropped[reason]++; };

  for (let i = 0; i < raw.length; i++) {
    const f = raw[i], row = i + 1;
    report.rowsRead++;
    for (const col of PLAY_COLUMNS) if (f[c[col]] === '') report.missing[col]++;
    const game = byId.get(f[c.game_id]);
    if (!game) { drop('unknown_game'); continue; }
    if (!game.validated) { drop('game_not_validated'); continue; }
    const secondsLeft = intOrNull(dataset, row, 'game_seconds_remaining', f[c.game_seconds_remaining]);
    if (secondsLeft === null) { drop('no_clock'); continue; }
    if (secondsLeft < 0 || secondsLeft > 3600) throw new DatasetParseError(dataset, row, `game_seconds_remaining ${secondsLeft}`);
    if (game.outcome === 'pickem') { drop('pickem'); continue; }
    if (game.outcome === 'push') { drop('push'); continue; }

    const home = intRequired(dataset, row, 'home_score', f[c.home_score]);
    const away = intRequired(dataset, row, 'away_score', f[c.away_score]);
    const pos = f[c.posteam];
    let favoriteHasBall: boolean | null = null;
    if (pos === game.home || pos === game.away) favoriteHasBall = (pos === game.home) === (game.favorite === 'home');
    else if (pos !== '') report.posteamUnmatched++;
    for (const col of PLAY_COLUMNS) if (f[c[col]] === '') report.missingKept[col]++;
    rows.push({
      gameId: game.gameId, season: game.season, playoff: game.playoff,
      playId: intRequired(dataset, row, 'play_id', f[c.play_id]),
      qtr: intRequired(dataset, row, 'qtr', f[c.qtr]),
      secondsLeft,
      lead: game.favorite === 'home' ? home - away : away - home,
      line: game.line,
      favoriteHasBall,
      yardline100: intOrNull(dataset, row, 'yardline_100', f[c.yardline_100]),
      down: intOrNull(dataset, row, 'down', f[c.down]),
      ydstogo: intOrNull(dataset, row, 'ydstogo', f[c.ydstogo]),
      covered: game.outcome === 'cover' ? 1 : 0,
    });
    report.rowsKept++;
  }
  return { rows, report };
}
