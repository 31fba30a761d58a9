import { type AssignmentProblem, dayNumber, fits, windowOf } from './problem';

/*
 * The slot problem as a 0-1 MILP in CPLEX LP text (what the HiGHS solver reads). One binary
 * x_g_s per game g that fits slot s; maximise Σ value_g · x_g_s subject to
 *   slot s:          Σ_g x_g_s ≤ 1  (= 1 with fillAll)
 *   game g:          Σ_s x_g_s ≤ 1
 *   team t, window w: Σ x_g_s over t's games and w's slots ≤ 1
 *   team t, day d:   Σ x_g_s over t's games on days d and d+1 ≤ 1  (no back-to-back national games)
 * Rows with a single variable add nothing and are left out.
 */

export interface LpVariable {
  name: string;
  game: number;
  slot: number;
}

export interface LpModel {
  text: string;
  variables: LpVariable[];
  /** Slots no game fits (with fillAll the model is infeasible for that reason alone). */
  emptySlots: number[];
}

// LP-format lines are kept short: readers of the format are only required to take 255 characters.
const TERMS_PER_LINE = 8;

function sum(terms: string[]): string {
  const lines: string[] = [];
  for (let i = 0; i < terms.length; i += TERMS_PER_LINE) lines.push(terms.slice(i, i + TERMS_PER_LINE).join(' + '));
  return lines.join('\n   + ');
}

const coefficient = (v: number) => (Number.isFinite(v) ? v.toFixed(9) : '0');

export function buildLpModel(problem: AssignmentProblem): LpModel {
  const { games, slots } = problem;
  const variables: LpVariable[] = [];
  for (let s = 0; s < slots.length; s++) {
    for (let g = 0; g < games.length; g++) if (fits(games[g]!, slots[s]!)) variables.push({ name: `x_${g}_${s}`, game: g, slot: s });
  }
  const emptySlots = slots.map((_, s) => s).filter((s) => !variables.some((v) => v.slot === s));
  const rows: string[] = [];
  const group = (key: (v: LpVariable) => string[]) => {
    const m = new Map<string, string[]>();
    for (const v of variables) for (const k of key(v)) m.set(k, [...(m.get(k) ?? []), v.name]);
    return m;
  };
  for (const [s, names] of group((v) => [String(v.slot)])) rows.push(`slot_${s}: ${sum(names)} ${problem.fillAll ? '=' : '<='} 1`);
  for (const [g, names] of group((v) => [String(v.game)])) if (names.length > 1) rows.push(`game_${g}: ${sum(names)} <= 1`);
  const teamsOf = (v: LpVariable) => [games[v.game]!.home, games[v.game]!.away];
  const windows = group((v) => teamsOf(v).map((t) => `${t}\u0000${windowOf(slots[v.slot]!)}`));
  let i = 0;
  for (const names of windows.values()) if (names.length > 1) rows.push(`window_${i++}: ${sum(names)} <= 1`);
  // a game on day d belongs to the pairs (d-1, d) and (d, d+1)
  const days = group((v) => {
    const d = dayNumber(games[v.game]!.date);
    return teamsOf(v).flatMap((t) => [`${t}\u0000${d - 1}`, `${t}\u0000${d}`]);
  });
  i = 0;
  for (const names of days.values()) if (new Set(names).size > 1) rows.push(`rest_${i++}: ${sum([...new Set(names)])} <= 1`);
  const objectiveTerms = variables.map((v) => `${coefficient(problem.values[v.game]!)} ${v.name}`);
  const text = [
    'Maximize',
    ` value: ${variables.length ? sum(objectiveTerms) : '0 x_none'}`,
    'Subject To',
    ...rows.map((r) => ` ${r}`),
    'Binary',
    ...variables.map((v) => ` ${v.name}`),
    'End',
  ].join('\n');
  return { text, variables, emptySlots };
}
