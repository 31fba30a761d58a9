import { describe, expect, it } from 'vitest';
import type { DatasetRows } from './datasets';
import { DEFAULT_DATA_DIR, loadLocalKernelData } from './local';
import { NBA_TEAMS, nbaTeam, travelKm } from './nba-teams';
import { devigHomeProbability } from './oddsportal-nba';

const games = loadLocalKernelData(DEFAULT_DATA_DIR, ['oddsportal.nba']).dataset<DatasetRows['oddsportal.nba']>('oddsportal.nba');

describe('oddsportal.nba', () => {
  it('reads every row with the counts the hand-over gives', () => {
    expect(games).toHaveLength(23_146);
    const byType = (t: string) => games.filter((g) => g.seasonType === t).length;
    expect([byType('regular'), byType('playoff'), byType('playin'), byType('preseason'), byType('allstar')])
      .toEqual([20_311, 1_422, 30, 1_356, 27]);
    expect(games.filter((g) => g.homeMoneyline === null || g.awayMoneyline === null)).toHaveLength(918);
    expect(new Set(games.filter((g) => g.seasonType === 'regular').map((g) => g.home)).size).toBe(30);
  });

  it('reads the 2016 Finals game 7 as the hand-over states it (CLE 93 at GSW 89)', () => {
    const g = games.find((x) => x.date === '2016-06-19' && x.seasonType === 'playoff')!;
    expect([g.home, g.away, g.homeScore, g.awayScore, g.season]).toEqual(['GSW', 'CLE', 89, 93, 2015]);
  });

  it('has the home side win about 57.6% of regular-season games (57.7% here), the favourite 68.4%', () => {
    const reg = games.filter((g) => g.seasonType === 'regular');
    expect(reg.filter((g) => g.homeScore > g.awayScore).length / reg.length).toBeCloseTo(0.576, 2);
    const priced = reg.filter((g) => g.homeMoneyline !== null && g.awayMoneyline !== null && g.homeMoneyline !== g.awayMoneyline);
    const favWon = priced.filter((g) => (g.homeMoneyline! < g.awayMoneyline!) === (g.homeScore > g.awayScore)).length;
    expect(favWon / priced.length).toBeCloseTo(0.684, 2);
  });

  it('de-vigs a moneyline pair to probabilities that sum to one', () => {
    // -145 → 0.5918, +124 → 0.4464; normalised 0.5700
    expect(devigHomeProbability(-145, 124)).toBeCloseTo(0.59184 / (0.59184 + 0.44643), 4);
    expect(devigHomeProbability(-145, 124)! + devigHomeProbability(124, -145)!).toBeCloseTo(1, 12);
    expect(devigHomeProbability(null, 124)).toBeNull();
  });

  it('measures travel between home cities', () => {
    expect(NBA_TEAMS).toHaveLength(30);
    expect(travelKm(nbaTeam('LAL')!, nbaTeam('LAC')!)).toBe(0);
    // Boston–Los Angeles is about 4,180 km great-circle
    expect(travelKm(nbaTeam('BOS')!, nbaTeam('LAL')!)).toBeGreaterThan(4_100);
    expect(travelKm(nbaTeam('BOS')!, nbaTeam('LAL')!)).toBeLessThan(4_250);
  });
});
