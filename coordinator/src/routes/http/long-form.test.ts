import { describe, expect, it } from 'vitest';
import { longRows } from './long-form';

describe('long form', () => {
  it('makes one row per element of an array of objects, carrying params and the output scalars', () => {
    const out = { season: 2019, nSims: 2, teams: [{ team: 'KC', meanWins: 11.5, q: { p05: 8, p95: 14 } }, { team: 'NE', meanWins: 10, q: { p05: 7, p95: 13 } }] };
    expect(longRows({ seq: 0 }, { season: 2019 }, out)).toEqual([
      { seq: 0, 'params.season': 2019, 'output.season': 2019, 'output.nSims': 2, item: 'teams', index: 0, 'teams.team': 'KC', 'teams.meanWins': 11.5, 'teams.q.p05': 8, 'teams.q.p95': 14 },
      { seq: 0, 'params.season': 2019, 'output.season': 2019, 'output.nSims': 2, item: 'teams', index: 1, 'teams.team': 'NE', 'teams.meanWins': 10, 'teams.q.p05': 7, 'teams.q.p95': 13 },
    ]);
  });

  it('reads an object of equal-length arrays as a table by column, and numbers arrays inside an element', () => {
    const out = { final: { mean: 1.1 }, scenarios: { final: [1.2, 0.9], ruined: [0, 1] }, bins: [{ at: 1, counts: [3, 4] }] };
    expect(longRows({}, {}, out)).toEqual([
      { 'output.final.mean': 1.1, item: 'scenarios', index: 0, 'scenarios.final': 1.2, 'scenarios.ruined': 0 },
      { 'output.final.mean': 1.1, item: 'scenarios', index: 1, 'scenarios.final': 0.9, 'scenarios.ruined': 1 },
      { 'output.final.mean': 1.1, item: 'bins', index: 0, 'bins.at': 1, 'bins.counts.0': 3, 'bins.counts.1': 4 },
    ]);
  });

  it('keeps an output without tables as one row, and scalar arrays as a value column', () => {
    expect(longRows({ seq: 3 }, { rounds: 5 }, { value: 42, empty: [], none: null })).toEqual([
      { seq: 3, 'params.rounds': 5, 'output.value': 42, 'output.empty': '', 'output.none': null },
    ]);
    expect(longRows({}, {}, { hist: [5, 6] })).toEqual([{ item: 'hist', index: 0, 'hist.value': 5 }, { item: 'hist', index: 1, 'hist.value': 6 }]);
  });
});
