import { type Assignment, type AssignmentProblem, fits, objective, violations } from './problem';

/**
 * The optimum by trying every assignment (each slot: empty or any game that fits it), checked with
 * `violations`. Exponential: only for small problems, as the yardstick the MILP is tested against.
 * Null when no assignment keeps the rules.
 */
export function bruteForceOptimum(problem: AssignmentProblem): { objective: number; assignment: Assignment } | null {
  const choices = problem.slots.map((slot) => [null, ...problem.games.flatMap((g, i) => (fits(g, slot) ? [i] : []))]);
  let best: { objective: number; assignment: Assignment } | null = null;
  const current: Assignment = [];
  const visit = (s: number) => {
    if (s === choices.length) {
      if (violations(problem, current).length > 0) return;
      const value = objective(problem, current);
      if (best === null || value > best.objective) best = { objective: value, assignment: [...current] };
      return;
    }
    for (const c of choices[s]!) {
      current[s] = c;
      visit(s + 1);
    }
  };
  visit(0);
  return best;
}
