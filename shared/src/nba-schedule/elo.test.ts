import { describe, expect, it } from 'vitest';
import type { DatasetRows } from '../data/datasets';
import { DEFAULT_DATA_DIR, loadLocalKernelData } from '../data/local';
import { devigHomeProbability } from '../data/oddsportal-nba';
import { EloTimeline } from './elo';

const rows = loadLocalKernelData(DEFAULT_DATA_DIR, ['oddsportal.nba']).dataset<DatasetRows['oddsportal.nba']>('oddsportal.nba');
const elo = new EloTimeline(rows);

describe('walk-forward NBA Elo', () => {
  it('cannot see a game on or after the date it rates', () => {
    const cut = '2019-01-15';
    const altered = rows.map((r) => (r.date >= cut ? { ...r, homeScore: r.awayScore, awayScore: r.homeScore } : r));
    const other = new EloTimeline(altered.filter((r) => r.date < '2020-06-01'));
    for (const d of ['2018-11-01', '2019-01-14', cut]) expect(other.before(d)).toEqual(elo.before(d));
    expect(other.before('2019-01-16')).not.toEqual(elo.before('2019-01-16'));
  });

  it('regresses ratings toward the mean for a new season', () => {
    const end = elo.before('2019-10-01'), start = elo.before('2019-10-22'); // 2019-20 opened on 10-22
    expect(start.get('MIL')! - 1505).toBeCloseTo(0.75 * (end.get('MIL')! - 1505), 9);
  });

  it('forecasts regular-season games better than a coin and worse than the closing line (2015–2024)', () => {
    const games = rows.filter((r) => r.seasonType === 'regular' && r.season >= 2015 && devigHomeProbability(r.homeMoneyline, r.awayMoneyline) !== null);
    const brier = (p: (r: (typeof games)[number]) => number) => games.reduce((s, r) => s + (p(r) - (r.homeScore > r.awayScore ? 1 : 0)) ** 2, 0) / games.length;
    const eloBrier = brier((r) => elo.probability(r.home!, r.away!, r.date, r.neutral));
    const marketBrier = brier((r) => devigHomeProbability(r.homeMoneyline, r.awayMoneyline)!);
    expect(eloBrier).toBeLessThan(0.23);
    expect(eloBrier).toBeGreaterThan(marketBrier);
  });
});
