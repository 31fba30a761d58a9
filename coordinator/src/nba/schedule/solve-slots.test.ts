import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bruteForceOptimum } from '@nfl-grid/shared/nba-schedule/brute-force';
import { type AssignmentProblem, closeness, type SlateGame, type Slot, violations } from '@nfl-grid/shared/nba-schedule/problem';
import { ScheduleInfeasibleError, solveSlots } from './solve-slots';

// Few teams, days and tip times, so that random slates collide on every rule.
const TEAMS = ['ATL', 'BOS', 'CHI', 'DAL', 'LAL', 'MIA'];
const DATES = ['2024-01-01', '2024-01-02', '2024-01-03', '2024-01-05'];
const TIPS = ['19:00', '19:30', '22:00'];

const game: fc.Arbitrary<SlateGame> = fc.record({
  teams: fc.uniqueArray(fc.constantFrom(...TEAMS), { minLength: 2, maxLength: 2 }),
  date: fc.constantFrom(...DATES),
  tip: fc.option(fc.constantFrom(...TIPS), { nil: undefined }),
}).map(({ teams, date, tip }) => ({ home: teams[0]!, away: teams[1]!, date, ...(tip ? { tip } : {}) }));

const slot: fc.Arbitrary<Slot> = fc.record({
  date: fc.option(fc.constantFrom(...DATES), { nil: undefined }),
  time: fc.option(fc.constantFrom(...TIPS), { nil: undefined }),
  windowMinutes: fc.option(fc.constantFrom(0, 30), { nil: undefined }),
  window: fc.option(fc.constantFrom('early', 'late'), { nil: undefined }),
}).map((s) => Object.fromEntries(Object.entries(s).filter(([, v]) => v !== undefined)) as Slot);

const problem = (maxGames: number, maxSlots: number): fc.Arbitrary<AssignmentProblem> => fc.record({
  games: fc.array(game, { maxLength: maxGames }),
  slots: fc.array(slot, { maxLength: maxSlots }),
  fillAll: fc.boolean(),
  probabilities: fc.array(fc.double({ min: 0.02, max: 0.98, noNaN: true }), { minLength: maxGames, maxLength: maxGames }),
}).map(({ games, slots, fillAll, probabilities }) => ({ games, slots, fillAll, values: games.map((_, i) => closeness(probabilities[i]!)) }));

async function solveOrNull(p: AssignmentProblem) {
  try {
    return await solveSlots(p);
  } catch (e) {
    if (e instanceof ScheduleInfeasibleError) return e;
    throw e;
  }
}

describe('solveSlots (HiGHS MILP)', () => {
  it('keeps every rule and matches the brute-force optimum on random small slates', async () => {
    await fc.assert(fc.asyncProperty(problem(7, 4), async (p) => {
      const best = bruteForceOptimum(p);
      const got = await solveOrNull(p);
      if (best === null) {
        expect(got).toBeInstanceOf(ScheduleInfeasibleError);
        // the reason's count is the most slots any valid assignment fills
        const most = bruteForceOptimum({ ...p, fillAll: false, values: p.games.map(() => 1) })!;
        expect((got as ScheduleInfeasibleError).maxFilled).toBeCloseTo(most.objective, 9);
        return;
      }
      if (got instanceof ScheduleInfeasibleError) throw new Error(`solver says infeasible, brute force found ${best.objective}`);
      expect(violations(p, got.assignment)).toEqual([]);
      expect(got.objective).toBeCloseTo(best.objective, 6);
    }), { numRuns: 300, seed: 13 });
  });

  it('keeps every rule on larger random slates (a week, ten slots)', async () => {
    await fc.assert(fc.asyncProperty(problem(40, 10), async (p) => {
      const got = await solveOrNull(p);
      if (got instanceof ScheduleInfeasibleError) return;
      expect(violations(p, got.assignment)).toEqual([]);
      if (!p.fillAll) expect(got.assignment.some((g) => g !== null)).toBe(p.games.length > 0 && got.objective > 0);
    }), { numRuns: 60, seed: 7 });
  });

  it('prefers the closer game and says why a slate cannot be filled', async () => {
    const games: SlateGame[] = [
      { home: 'BOS', away: 'MIA', date: '2024-01-02', tip: '19:30' },
      { home: 'LAL', away: 'DAL', date: '2024-01-02', tip: '22:00' },
      { home: 'BOS', away: 'CHI', date: '2024-01-03', tip: '19:30' },
    ];
    const one = await solveSlots({ games, slots: [{ date: '2024-01-02' }], fillAll: true, values: [0.4, 0.9, 1] });
    expect(one.assignment).toEqual([1]);
    // BOS on consecutive days: the two early games cannot both be national
    await expect(solveSlots({ games, slots: [{ time: '19:30' }, { time: '19:30' }], fillAll: true, values: [1, 1, 1] }))
      .rejects.toMatchObject({ name: 'ScheduleInfeasibleError', maxFilled: 1, reason: expect.stringMatching(/at most 1 of the 2 slots/) });
    await expect(solveSlots({ games, slots: [{ date: '2024-01-09' }], fillAll: true, values: [1, 1, 1] }))
      .rejects.toMatchObject({ reason: 'no game fits slot 0 (by date and tip time)' });
  });
});
