import { describe, expect, it } from 'vitest';
import { bruteForceOptimum } from './brute-force';
import { type AssignmentProblem, closeness, fits, popularityWeight, violations } from './problem';

const games = [
  { home: 'BOS', away: 'MIA', date: '2024-01-02', tip: '19:30' },
  { home: 'LAL', away: 'BOS', date: '2024-01-03', tip: '22:00' },
  { home: 'CHI', away: 'DAL', date: '2024-01-02', tip: '20:00' },
];

describe('the slot rules', () => {
  it('fits games to slots by date and tip window', () => {
    expect(fits(games[0]!, { date: '2024-01-02', time: '20:00', windowMinutes: 30 })).toBe(true);
    expect(fits(games[0]!, { date: '2024-01-02', time: '20:00', windowMinutes: 29 })).toBe(false);
    expect(fits(games[0]!, { date: '2024-01-03' })).toBe(false);
    expect(fits({ ...games[0]!, tip: undefined }, { time: '19:30' })).toBe(false);
    expect(fits(games[0]!, {})).toBe(true);
  });

  it('names each broken rule', () => {
    const p: AssignmentProblem = { games, slots: [{}, {}, { date: '2024-01-03' }], fillAll: true, values: [1, 1, 1] };
    expect(violations(p, [0, 2, 1]).map((v) => v.rule)).toEqual(['team_back_to_back']);
    expect(violations({ ...p, slots: [{}, {}, {}] }, [0, 2, 1]).map((v) => v.rule).sort()).toEqual(['team_back_to_back', 'team_window']);
    expect([...new Set(violations(p, [0, 0, null]).map((v) => v.rule))].sort()).toEqual(['game_twice', 'slot_empty', 'team_back_to_back', 'team_window']);
    expect(violations(p, [2, null, 0]).map((v) => v.rule)).toEqual(['slot_empty', 'slot_fit']);
    expect(violations({ ...p, fillAll: false }, [0, 2, null])).toEqual([]);
  });

  it('scores closeness and popularity', () => {
    expect([closeness(0.5), closeness(0.75), closeness(0.25), closeness(1)]).toEqual([1, 0.5, 0.5, 0]);
    expect(popularityWeight(games[1]!, { LAL: 3 })).toBe(2);
  });

  it('finds the brute-force optimum of a hand-checked case', () => {
    // BOS plays on 01-02 and 01-03: at most one of games 0 and 1; the best pair is 1 and 2
    const p: AssignmentProblem = { games, slots: [{}, {}], fillAll: false, values: [0.5, 0.9, 0.8] };
    expect(bruteForceOptimum(p)).toMatchObject({ objective: 0.9 + 0.8 });
    expect(bruteForceOptimum({ ...p, slots: [{}, {}, {}], fillAll: true })).toBeNull();
  });
});
