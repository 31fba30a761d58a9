import type { ObdLog } from '../../data/obd';

/*
 * Evaluation policies for ope.estimate. All are context-free: π_e(a | slot), a matrix
 * slots × items (row-major). The model-based ones rank items by a score per (item, slot): the
 * smoothed click rate in the FIRST half (by time) of the uniform-random log of the same campaign,
 * so their true value can be measured without bias on the SECOND half by replay (the random
 * log's propensity 1/nItems is known exactly).
 *   uniform          1/nItems
 *   logging          the log's own empirical item frequencies per slot (its importance weights
 *                    are 1 by definition; only the DM term uses these frequencies)
 *   greedy           all mass on the best-scoring item of the slot (lowest id among ties)
 *   epsilon_greedy   (1 − ε) greedy + ε uniform
 *   softmax          ∝ score^β (β = 0 is uniform, β → ∞ greedy)
 */

export type EvalPolicySpec =
  | { kind: 'uniform' }
  | { kind: 'logging' }
  | { kind: 'greedy' }
  | { kind: 'epsilon_greedy'; epsilon: number }
  | { kind: 'softmax'; beta: number };

export const SLOTS = 3;
/** Pseudo-rows of the score's shrinkage towards the overall click rate. */
const SCORE_PRIOR = 10;

/** Rows of the random log used to fit the policy scores (first half) and to measure them (second). */
export const policyFitRows = (random: ObdLog): number => Math.floor(random.nRows / 2);

/** Smoothed click rate per (slot, item) on rows [0, upTo) of a log. */
export function policyScores(random: ObdLog, upTo = policyFitRows(random)): Float64Array {
  const m = random.nItems;
  const clicks = new Float64Array(SLOTS * m), rows = new Float64Array(SLOTS * m);
  let tc = 0;
  for (let i = 0; i < upTo; i++) {
    const cell = (random.position[i] - 1) * m + random.itemId[i];
    clicks[cell] += random.click[i];
    rows[cell]++;
    tc += random.click[i];
  }
  const base = tc / upTo;
  return clicks.map((c, cell) => (c + SCORE_PRIOR * base) / (rows[cell] + SCORE_PRIOR));
}

/** π_e(a | slot) as a slots × items matrix. `scores` is needed by the model-based policies. */
export function policyMatrix(spec: EvalPolicySpec, log: ObdLog, scores?: Float64Array): Float64Array {
  const m = log.nItems;
  const pi = new Float64Array(SLOTS * m);
  if (spec.kind === 'uniform') return pi.fill(1 / m);
  if (spec.kind === 'logging') {
    const rows = new Float64Array(SLOTS);
    for (let i = 0; i < log.nRows; i++) { pi[(log.position[i] - 1) * m + log.itemId[i]]++; rows[log.position[i] - 1]++; }
    for (let k = 0; k < SLOTS; k++) for (let a = 0; a < m; a++) pi[k * m + a] /= rows[k];
    return pi;
  }
  if (!scores) throw new Error(`policy ${spec.kind} needs scores`);
  for (let k = 0; k < SLOTS; k++) {
    const s = scores.subarray(k * m, (k + 1) * m);
    if (spec.kind === 'softmax') {
      let max = -Infinity;
      for (let a = 0; a < m; a++) max = Math.max(max, spec.beta * Math.log(s[a]));
      let z = 0;
      for (let a = 0; a < m; a++) z += (pi[k * m + a] = Math.exp(spec.beta * Math.log(s[a]) - max));
      for (let a = 0; a < m; a++) pi[k * m + a] /= z;
      continue;
    }
    let best = 0;
    for (let a = 1; a < m; a++) if (s[a] > s[best]) best = a;
    const eps = spec.kind === 'epsilon_greedy' ? spec.epsilon : 0;
    for (let a = 0; a < m; a++) pi[k * m + a] = eps / m + (a === best ? 1 - eps : 0);
  }
  return pi;
}

export interface ReferenceValue {
  value: number;
  /** Standard error of the reference itself. */
  se: number;
  rows: number;
  kind: 'on_policy_mean' | 'replay_second_half';
  /** The log it was measured on. */
  dataset: string;
}

/** Mean click rate of rows [from, to) of a log, with its binomial standard error. */
export function meanClick(log: ObdLog, from = 0, to = log.nRows): { value: number; se: number } {
  let c = 0;
  for (let i = from; i < to; i++) c += log.click[i];
  const n = to - from, p = c / n;
  return { value: p, se: Math.sqrt((p * (1 - p)) / n) };
}

/**
 * Replay (IPS with the known uniform propensity 1/nItems) of π_e on rows [from, to) of the random
 * log: unbiased for V(π_e) as long as π_e was not fitted on those rows.
 */
export function replayValue(random: ObdLog, pi: Float64Array, from: number, to = random.nRows): { value: number; se: number } {
  const m = random.nItems;
  let s = 0, s2 = 0;
  for (let i = from; i < to; i++) {
    const x = pi[(random.position[i] - 1) * m + random.itemId[i]] * m * random.click[i];
    s += x;
    s2 += x * x;
  }
  const n = to - from, mean = s / n;
  return { value: mean, se: Math.sqrt(Math.max(0, s2 / n - mean * mean) / n) };
}
