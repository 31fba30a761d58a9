import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { DatasetParseError } from '../csv';
import { DEFAULT_DATA_DIR, loadLocalKernelData } from '../local';
import { GAMESTATE_SEASONS, gamestateDatasets } from './datasets';
import { coverOf, parseStateGames, type StateGame } from './games';
import { parseCoverPlays, PLAY_COLUMNS, type ParsedPlays } from './plays';
import { mergeReports } from './quality';

const gz = (lines: string[]) => gzipSync(Buffer.from(lines.join('\n') + '\n'));

const GAME_HEADER = 'game_id,season,season_type,week,gameday,home_team,away_team,home_franchise,away_franchise,home_score,away_score,'
  + 'home_q1,home_q2,home_q3,home_q4,home_ot,away_q1,away_q2,away_q3,away_q4,away_ot,n_plays,score_validated,validation_note,'
  + 'ss_team_favorite_id,ss_spread_favorite,ss_over_under_line,home_spread_line';
const game = (id: string, home: string, away: string, hs: number, as: number, line: number, validated = 1) =>
  `${id},2016,REG,1,2016-09-11,${home},${away},${home},${away},${hs},${as},0,0,0,0,0,0,0,0,0,0,100,${validated},,X,-3,45,${line}`;

// Home favourite that covers (24–17, −6.5); away favourite that misses (ATL +3 wins 28–27);
// a pick'em; a push (home −3, wins by 3); a game that failed the line-score check.
const games = parseStateGames(gz([GAME_HEADER,
  game('G1', 'PIT', 'TEN', 24, 17, -6.5), game('G2', 'ATL', 'NE', 28, 27, 3), game('G3', 'NYG', 'DAL', 20, 10, 0),
  game('G4', 'SEA', 'SF', 13, 10, -3), game('G5', 'BAL', 'CIN', 19, 12, -2, 0)]));

const play = (id: string, q: number, qs: string, gs: string, pos: string, down: string, ytg: string, yl: string, hs: number, as: number) =>
  `${id},1,1,${q},${qs},${gs},${pos},${down},${ytg},${yl},${hs},${as},${hs},${as},0,0,`;

describe('gamestate games', () => {
  it('finds the favourite from the home line and labels the cover', () => {
    expect(games.map((g) => [g.favorite, g.line, g.favoriteMargin, g.outcome])).toEqual([
      ['home', 6.5, 7, 'cover'], ['away', 3, -1, 'miss'], [null, 0, null, 'pickem'], ['home', 3, 3, 'push'], ['home', 2, 7, 'cover'],
    ]);
    expect(games[4].validated).toBe(false);
    // Super Bowl LI: ATL home +3, NE won 34–28: NE is the favourite and covered by 3.
    expect(coverOf(3, 28, 34)).toEqual({ favorite: 'away', line: 3, favoriteMargin: 6, outcome: 'cover' });
  });
});

describe('gamestate plays', () => {
  const header = PLAY_COLUMNS.join(',');
  const parsed = parseCoverPlays(gz([header,
    play('G1', 1, '900', '3600', 'TEN', '', '', '65', 0, 0), // kickoff by the underdog
    play('G1', 4, '120', '120', 'PIT', '3', '4', '31', 17, 17), // favourite has the ball
    play('G1', 2, '', '', 'PIT', '1', '10', '75', 7, 0), // no clock
    play('G2', 3, '300', '1200', 'ATL', '2', '7', '40', 21, 14), // away favourite trails by 7
    play('G2', 5, '480', '480', 'NE', '1', '10', '75', 27, 27), // overtime: the OT clock
    play('G3', 1, '800', '3500', 'DAL', '1', '10', '75', 0, 0), // pick'em
    play('G4', 1, '800', '3500', 'SF', '1', '10', '75', 0, 0), // push
    play('G5', 1, '800', '3500', 'BAL', '1', '10', '75', 0, 0), // not validated
    play('G9', 1, '800', '3500', 'BAL', '1', '10', '75', 0, 0), // unknown game
    play('G1', 3, '10', '910', '', '', '', '', 10, 17), // timeout row: no possession
  ]), games, 'test.plays');

  it('keeps the favourite-side state of each play', () => {
    expect(parsed.rows.map((r) => [r.gameId, r.secondsLeft, r.lead, r.line, r.favoriteHasBall, r.yardline100, r.down, r.ydstogo, r.covered]))
      .toEqual([
        ['G1', 3600, 0, 6.5, false, 65, null, null, 1],
        ['G1', 120, 0, 6.5, true, 31, 3, 4, 1],
        ['G2', 1200, -7, 3, false, 40, 2, 7, 0],
        ['G2', 480, 0, 3, true, 75, 1, 10, 0],
        ['G1', 910, -7, 6.5, null, null, null, null, 1],
      ]);
    expect(parsed.rows[3].qtr).toBe(5);
  });

  it('accounts for every row in the quality report', () => {
    const r = parsed.report;
    expect(r.rowsRead).toBe(10);
    expect(r.rowsKept).toBe(5);
    expect(r.dropped).toEqual({ unknown_game: 1, game_not_validated: 1, no_clock: 1, pickem: 1, push: 1 });
    expect(r.missing).toMatchObject({ game_seconds_remaining: 1, quarter_seconds_remaining: 1, posteam: 1, down: 2, yardline_100: 1, note: 10 });
    expect(r.missingKept).toMatchObject({ game_seconds_remaining: 0, posteam: 1, down: 2, yardline_100: 1 });
    expect(mergeReports([r, r])).toMatchObject({ rowsRead: 20, rowsKept: 10, dropped: { push: 2 }, missing: { down: 4 } });
  });

  it('refuses ragged rows and bad numbers', () => {
    expect(() => parseCoverPlays(gz([header, 'G1,1,1']), games, 't')).toThrow(DatasetParseError);
    expect(() => parseCoverPlays(gz([header, play('G1', 1, '900', '36x0', 'TEN', '', '', '65', 0, 0)]), games, 't')).toThrow(DatasetParseError);
  });
});

describe('gamestate data sets (data/nfl_gamestate)', () => {
  const data = loadLocalKernelData(DEFAULT_DATA_DIR, gamestateDatasets(GAMESTATE_SEASONS));
  const all = data.dataset<StateGame[]>('gamestate.games');
  const parts = GAMESTATE_SEASONS.map((s) => data.dataset<ParsedPlays>(`gamestate.plays_${s}`));

  it('reads the 2,926 games: 16 pick\'ems, 89 pushes, 28 not validated', () => {
    expect(all).toHaveLength(2926);
    expect(all.filter((g) => g.outcome === 'pickem')).toHaveLength(16);
    expect(all.filter((g) => g.outcome === 'push')).toHaveLength(89);
    expect(all.filter((g) => !g.validated)).toHaveLength(28);
    const sb = all.find((g) => g.gameId === '2017020500')!;
    expect(sb).toMatchObject({ home: 'ATL', away: 'NE', homeLine: 3, favorite: 'away', line: 3, favoriteMargin: 6, outcome: 'cover' });
  });

  it('reads 512,544 plays and keeps 486,601', () => {
    const r = mergeReports(parts.map((p) => p.report));
    expect(r.rowsRead).toBe(512_544);
    expect(r.rowsKept).toBe(486_601);
    expect(r.dropped).toEqual({ unknown_game: 0, game_not_validated: 0, no_clock: 7485, pickem: 2731, push: 15_727 });
    expect(r.missing).toMatchObject({ game_seconds_remaining: 7485, posteam: 34_598, down: 78_039, ydstogo: 78_039, yardline_100: 34_598 });
    expect(r.posteamUnmatched).toBe(0);
    expect(parts.reduce((a, p) => a + p.rows.length, 0)).toBe(486_601);
  });
});
