import loadHighs from 'highs';
import { buildLpModel } from '@nfl-grid/shared/nba-schedule/lp-model';
import type { Assignment, AssignmentProblem } from '@nfl-grid/shared/nba-schedule/problem';

/*
 * Solves the slot problem exactly with HiGHS (compiled to WebAssembly, the `highs` package; it
 * loads from node_modules, no network). One solver instance per process, loaded on first use and
 * dropped after an exception, since a wasm instance that threw may be left in a bad state.
 */

type Highs = Awaited<ReturnType<typeof loadHighs>>;
let instance: Promise<Highs> | null = null;

/** The rules leave no way to fill every slot; `reason` says why in words. */
export class ScheduleInfeasibleError extends Error {
  readonly code = 'schedule_infeasible';
  constructor(readonly reason: string, readonly maxFilled: number) {
    super(reason);
    this.name = 'ScheduleInfeasibleError';
  }
}

/** HiGHS ended without a proven optimum for another reason than infeasibility. */
export class SolverError extends Error {
  readonly code = 'solver_failed';
  constructor(status: string) {
    super(`the MILP solver ended with status '${status}'`);
    this.name = 'SolverError';
  }
}

export interface SlotSolution {
  assignment: Assignment;
  objective: number;
  variables: number;
  solveMs: number;
}

async function runLp(text: string) {
  instance ??= loadHighs();
  const highs = await instance;
  try {
    return highs.solve(text, { output_flag: false, mip_rel_gap: 0 });
  } catch (e) {
    instance = null;
    throw e;
  }
}

async function solveOnce(problem: AssignmentProblem): Promise<SlotSolution | null> {
  const started = performance.now();
  const model = buildLpModel(problem);
  const assignment: Assignment = problem.slots.map(() => null);
  if (model.variables.length === 0) return problem.fillAll && problem.slots.length > 0 ? null : { assignment, objective: 0, variables: 0, solveMs: performance.now() - started };
  if (problem.fillAll && model.emptySlots.length > 0) return null;
  const result = await runLp(model.text);
  if (result.Status === 'Infeasible') return null;
  if (result.Status !== 'Optimal') throw new SolverError(result.Status);
  let objective = 0;
  for (const v of model.variables) {
    // binaries come back as 0/1 up to the solver's integrality tolerance
    if ((result.Columns[v.name]?.Primal ?? 0) > 0.5) {
      assignment[v.slot] = v.game;
      objective += problem.values[v.game]!;
    }
  }
  return { assignment, objective, variables: model.variables.length, solveMs: performance.now() - started };
}

/**
 * The assignment of games to slots with the largest total value that keeps every rule
 * (shared/src/nba-schedule/problem.ts). Throws ScheduleInfeasibleError when `fillAll` cannot be met.
 */
export async function solveSlots(problem: AssignmentProblem): Promise<SlotSolution> {
  const solved = await solveOnce(problem);
  if (solved) return solved;
  const empty = buildLpModel(problem).emptySlots;
  // how many slots could be filled at all: the same rules with every game worth 1 and no fill rule
  const most = await solveOnce({ ...problem, fillAll: false, values: problem.games.map(() => 1) });
  const maxFilled = most ? most.assignment.filter((g) => g !== null).length : 0;
  const reason = empty.length > 0
    ? `no game fits slot${empty.length > 1 ? 's' : ''} ${empty.join(', ')} (by date and tip time)`
    : `the rules (a team once per window, national games at least two days apart, a game in one slot) let at most ${maxFilled} of the ${problem.slots.length} slots be filled`;
  throw new ScheduleInfeasibleError(reason, maxFilled);
}
