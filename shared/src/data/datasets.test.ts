import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { datasetClosure, datasetFile, listDatasets, UnknownDatasetError, type DatasetRows } from './datasets';
import { createKernelData, MissingDatasetError } from './kernel-data';
import { DEFAULT_DATA_DIR, datasetPath, loadLocalKernelData } from './local';
import type { GameRow } from './spreadspoke';
import { FRANCHISES } from './teams';
import { impliedProbability } from './oddsportal';

/** Home margin plus home line: > 0 home covered, 0 push, < 0 away covered; null without a line. */
const homeCoverMargin = (g: GameRow): number | null => (g.homeLine === null ? null : g.homeScore - g.awayScore + g.homeLine);

const data = loadLocalKernelData(DEFAULT_DATA_DIR, listDatasets().map((d) => d.name));
const games = data.dataset<DatasetRows['spreadspoke.games']>('spreadspoke.games');
const find = (date: string, home: string) => games.find((g) => g.date === date && g.home === home);

describe('dataset registry', () => {
  it('names files and dependencies', () => {
    expect(datasetFile('spreadspoke.games')).toBe('nfl_spreadspoke/spreadspoke_scores.csv.gz');
    expect(datasetClosure(['elo538.games', 'spreadspoke.games'])).toEqual(['teams.crosswalk', 'elo538.games', 'spreadspoke.games']);
    expect(() => datasetFile('nope')).toThrow(UnknownDatasetError);
  });

  it('reports a missing dependency by name', () => {
    const kd = createKernelData(new Map([['spreadspoke.games', readFileSync(datasetPath('spreadspoke.games'))]]));
    expect(() => kd.dataset('spreadspoke.games')).toThrow(MissingDatasetError);
  });

  it('parses lazily and caches', () => {
    const kd = loadLocalKernelData(DEFAULT_DATA_DIR, ['teams.crosswalk']);
    expect(kd.dataset('teams.crosswalk')).toBe(kd.dataset('teams.crosswalk'));
  });
});

describe('teams.crosswalk', () => {
  it('has 189 rows and only known franchise ids', () => {
    const rows = data.dataset<DatasetRows['teams.crosswalk']>('teams.crosswalk');
    expect(rows).toHaveLength(189);
    const ids = new Set(rows.flatMap((r) => (r.franchise ? [r.franchise] : [])));
    expect([...ids].sort()).toEqual([...FRANCHISES].sort());
  });
});

describe('spreadspoke.games', () => {
  it('keeps the 14,150 played rows of 14,164', () => {
    expect(games).toHaveLength(14_150);
    expect(games.filter((g) => g.season === 2025)).toHaveLength(64);
    expect(games.filter((g) => g.season === 2024 && !g.playoff)).toHaveLength(272);
    expect(games.filter((g) => g.season === 2022 && !g.playoff)).toHaveLength(271); // BUF–CIN never finished
    expect(games.filter((g) => g.playoff)).toHaveLength(586);
  });

  it('reads Super Bowl LI: ATL home 28–34, NE -3 so homeLine +3', () => {
    const sb = find('2017-02-05', 'ATL');
    expect(sb).toEqual({
      season: 2016, week: 22, date: '2017-02-05', playoff: true, neutral: true,
      home: 'ATL', away: 'NE', homeScore: 28, awayScore: 34, homeLine: 3, total: 57.5,
    });
    expect(homeCoverMargin(sb!)).toBe(-3); // NE covered
  });

  it('fixes the documented defects', () => {
    expect(find('2017-10-01', 'SEA')).toMatchObject({ away: 'IND', homeScore: 46, awayScore: 18 });
    // LV → LVR: PIT at LV, the Raiders favoured by 2.5 at home
    expect(find('2023-09-24', 'LVR')).toMatchObject({ away: 'PIT', homeLine: -2.5 });
    // NJY → NYJ: NE at NYJ, the Jets favoured by 6 at home
    expect(find('2024-09-19', 'NYJ')).toMatchObject({ away: 'NE', homeLine: -6 });
    // an away favourite: the sign flips (Super Bowl LI above), and PICK gives 0
    expect(games.some((g) => g.homeLine === 0)).toBe(true);
  });

  it('has a line for ≥95% of games 1979–2024, every one a multiple of 0.5', () => {
    const span = games.filter((g) => g.season >= 1979 && g.season <= 2024);
    const lined = span.filter((g) => g.homeLine !== null);
    expect(lined.length / span.length).toBeGreaterThan(0.95);
    expect(lined.every((g) => Number.isInteger(g.homeLine! * 2))).toBe(true);
    expect(games.filter((g) => g.homeLine !== null)).toHaveLength(11_671);
  });

  it('covering check: reproduces the nflgame join numbers for 2009–2019', () => {
    // Same games as data/nfl_gamestate (regular seasons 2009–2019, playoffs except 2018):
    // README gives 2,926 games, mean home line -2.30, home covers 47.2 %, pushes 3.0 %.
    const sel = games.filter((g) => g.season >= 2009 && g.season <= 2019 && (!g.playoff || g.season !== 2018));
    expect(sel).toHaveLength(2926);
    const m = sel.map((g) => homeCoverMargin(g)!);
    expect(m.filter((x) => x > 0)).toHaveLength(1383); // 47.27 %
    expect(m.filter((x) => x === 0)).toHaveLength(89); // 3.04 %
    const meanLine = sel.reduce((s, g) => s + g.homeLine!, 0) / sel.length;
    expect(meanLine).toBeCloseTo(-2.2955, 4);
  });

  it('a favourite gives points: home favourites have negative lines and win more often', () => {
    const lined = games.filter((g) => g.homeLine !== null && g.homeLine !== 0);
    const favWins = lined.filter((g) => (g.homeLine! < 0) === g.homeScore > g.awayScore).length;
    expect(favWins / lined.length).toBeGreaterThan(0.6);
  });
});

describe('elo538.games', () => {
  it('has 16,810 rows, franchise ids from 1966 on, and agrees with spreadspoke on SB LI', () => {
    const elo = data.dataset<DatasetRows['elo538.games']>('elo538.games');
    expect(elo).toHaveLength(16_810);
    expect(elo.filter((g) => g.season >= 1966).every((g) => g.home && g.away)).toBe(true);
    expect(elo.find((g) => g.date === '2017-02-05')).toMatchObject({ home: 'ATL', away: 'NE', homeScore: 28, awayScore: 34, homeResult: 0, playoff: true });
    expect(elo.find((g) => g.date === '2017-10-01' && g.home === 'SEA')).toMatchObject({ homeScore: 46, awayScore: 18 });
  });
});

describe('oddsportal.nfl', () => {
  it('has 5,513 rows by season type, and SB LI moneylines', () => {
    const odds = data.dataset<DatasetRows['oddsportal.nfl']>('oddsportal.nfl');
    expect(odds).toHaveLength(5513);
    const count = (t: string) => odds.filter((g) => g.seasonType === t).length;
    expect([count('regular'), count('playoff'), count('preseason'), count('allstar')]).toEqual([4401, 197, 902, 13]); // two Pro Bowls labelled Regular upstream
    expect(odds.filter((g) => g.homeMoneyline === null || g.awayMoneyline === null)).toHaveLength(6);
    expect(odds.find((g) => g.date === '2017-02-05')).toMatchObject({
      season: 2016, home: 'ATL', away: 'NE', homeScore: 28, awayScore: 34, homeMoneyline: 124, awayMoneyline: -145,
    });
    expect(odds.filter((g) => g.seasonType !== 'allstar').every((g) => g.home && g.away)).toBe(true);
  });

  it('implied probabilities', () => {
    expect(impliedProbability(-145)).toBeCloseTo(145 / 245, 15);
    expect(impliedProbability(124)).toBeCloseTo(100 / 224, 15);
  });
});

describe('gzip files', () => {
  it('are plain gzip of CSV text with a header', () => {
    const bytes = readFileSync(datasetPath('teams.crosswalk'));
    expect(bytes[0]).toBe(0x1f);
    expect(bytes[1]).toBe(0x8b);
    // the parser also accepts any gzip of the same CSV, e.g. one written by Node
    const again = createKernelData(new Map([['teams.crosswalk', gzipSync(Buffer.from('source_field,value,franchise_id,note\nx,Y,NE,\n'))]]));
    expect(again.dataset('teams.crosswalk')).toEqual([{ source: 'x', value: 'Y', franchise: 'NE', note: '' }]);
  });
});
