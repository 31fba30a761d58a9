import { describe, expect, it } from 'vitest';
import type { DatasetRows } from '../../data/datasets';
import { DEFAULT_DATA_DIR, loadLocalKernelData } from '../../data/local';
import type { GameTable } from '../game-table';
import { buildNbaTable } from './build-table';

const games = loadLocalKernelData(DEFAULT_DATA_DIR, ['oddsportal.nba']).dataset<DatasetRows['oddsportal.nba']>('oddsportal.nba');
const table = buildNbaTable(games);

function row(t: GameTable, id: string): Record<string, number> {
  const r = t.rows.find((x) => x.id === id);
  if (!r) throw new Error(`no row ${id}`);
  return Object.fromEntries(t.features.map((f, i) => [f, r.x[i]!]));
}

describe('buildNbaTable on oddsportal.nba', () => {
  it('keeps regular season, play-in and playoffs in date order, with the de-vigged close', () => {
    // 20,311 regular + 1,422 playoff + 30 play-in (preseason and all-star dropped)
    expect(table.rows).toHaveLength(21_763);
    expect(table.rows.every((r, i) => i === 0 || table.rows[i - 1]!.date <= r.date)).toBe(true);
    expect(table.rows.filter((r) => r.playoff)).toHaveLength(1_452);
    expect(table.rows.every((r) => r.x.length === table.features.length && r.x.every(Number.isFinite))).toBe(true);
    const g7 = table.rows.find((r) => r.id === '2016-06-19:CLE@GSW')!;
    expect([g7.homeWin, g7.homeMargin, g7.playoff]).toEqual([0, -4, true]);
    expect(g7.market).toBeGreaterThan(0.6);
  });

  it('reads rest and back-to-backs from the dates (GSW, October 2015)', () => {
    // GSW: 27 Oct home v NOP, 30 Oct at HOU, 31 Oct at NOP, 2 Nov home v MEM
    const atNop = row(table, '2015-10-31:GSW@NOP');
    expect([atNop.away_rest, atNop.away_b2b, atNop.home_rest, atNop.home_b2b]).toEqual([0, 1, 2, 0]);
    expect(atNop.away_games_week).toBe(2);
    // Houston → New Orleans is about 510 km
    expect(atNop.away_travel_1000km).toBeCloseTo(0.51, 1);
    const home = row(table, '2015-11-02:MEM@GSW');
    expect([home.home_rest, home.home_b2b, home.home_games_week]).toEqual([1, 0, 3]);
    // the season opener: full rest, and the trip from home is zero
    const opener = row(table, '2015-10-27:NOP@GSW');
    expect([opener.home_rest, opener.home_games_week, opener.home_travel_1000km]).toEqual([4, 0, 0]);
  });

  it('plays the 2020 restart in the Orlando bubble as neutral', () => {
    const bubble = table.rows.filter((r) => r.season === 2019 && r.date >= '2020-07-30');
    expect(bubble.length).toBeGreaterThan(100);
    expect(bubble.every((r) => r.x[table.features.indexOf('neutral')] === 1)).toBe(true);
  });

  it('has no look-ahead: changing or removing later games leaves every earlier row unchanged', () => {
    const cut = '2016-01-01';
    // flip every later result and drop every third later game
    const altered = games
      .filter((g, i) => g.date < cut || i % 3 !== 0)
      .map((g) => (g.date < cut ? g : { ...g, homeScore: g.awayScore, awayScore: g.homeScore + 30 }));
    const other = buildNbaTable(altered);
    const before = (t: GameTable) => t.rows.filter((r) => r.date < cut);
    expect(before(other).length).toBeGreaterThan(8_000);
    expect(before(other).map((r) => r.x)).toEqual(before(table).map((r) => r.x));
    expect(other.teamHistory('GSW', cut, 10)).toEqual(table.teamHistory('GSW', cut, 10));
    // and the later rows did change, so the comparison is not vacuous
    expect(other.rows.find((r) => r.date >= '2016-02-01')!.x).not.toEqual(table.rows.find((r) => r.date >= '2016-02-01')!.x);
  });

  it("gives a team's own games strictly before a date, most recent last", () => {
    const h = table.teamHistory('GSW', '2015-11-02', 3);
    expect(table.sequenceFeatures).toEqual(['points_for', 'points_against', 'margin', 'win', 'rest', 'home', 'travel_1000km']);
    expect(h.map((s) => s[5])).toEqual([1, 0, 0]);
    // 31 Oct at NOP: a back-to-back, 134–120
    expect(h[2]!.slice(0, 5)).toEqual([134, 120, 14, 1, 0]);
    expect(table.teamHistory('GSW', '2015-10-27', 5).every((s) => s.length === 7)).toBe(true);
  });
});
