import { describe, expect, it } from 'vitest';
import type { DatasetRows } from '../../data/datasets';
import { DEFAULT_DATA_DIR, loadLocalKernelData } from '../../data/local';
import { buildNbaTable } from './build-table';
import { NbaLeagueHistory, nbaSeasonOf } from './league-history';

const games = loadLocalKernelData(DEFAULT_DATA_DIR, ['oddsportal.nba']).dataset<DatasetRows['oddsportal.nba']>('oddsportal.nba');

describe('NbaLeagueHistory', () => {
  it("featurises a played game exactly as the table does, whatever order dates are asked in", () => {
    const table = buildNbaTable(games), league = new NbaLeagueHistory(games);
    // every 499th game, asked latest first, then earliest first (copies from kept states, and fresh walks)
    const sample = table.rows.filter((_, i) => i % 499 === 0);
    for (const order of [[...sample].reverse(), sample]) {
      const x = league.features(order.map((r) => ({ home: r.home, away: r.away, date: r.date })));
      order.forEach((r, i) => expect(x[i], r.id).toEqual(r.x));
    }
  });

  it('treats an unplayed fixture as a regular-season home game of the date’s season', () => {
    const league = new NbaLeagueHistory(games);
    expect(nbaSeasonOf('2025-10-25')).toBe(2025);
    expect(nbaSeasonOf('2025-03-01')).toBe(2024);
    expect(league.fixture({ home: 'BOS', away: 'DET', date: '2025-10-25' })).toMatchObject({ season: 2025, playoff: false, neutral: false, venue: 'BOS' });
    expect(league.fixture({ home: 'GSW', away: 'CLE', date: '2016-06-19' })).toMatchObject({ season: 2015, playoff: true });
  });
});
