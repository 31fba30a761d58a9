import { sql, type SQL } from 'drizzle-orm';

/*
 * The state machines of work units and replicas: every change of state the queue may make, and
 * nothing else. The queue's statements move rows only along these edges, and the database
 * refuses any other change (the guard triggers built from these tables in db/state-guards.ts),
 * so a finished work unit cannot start again whatever code tries.
 *
 * Staying in a state is always allowed (a statement may rewrite other columns of the row).
 *
 * A suspended replica (its host stopped and said it would come back: suspend-replicas.ts) is no
 * state of its own: it is still in_progress, assigned to that host, with a nearer time-out.
 */

export const WORK_UNIT_STATES = ['pending', 'running', 'validating', 'done', 'failed', 'cancelled'] as const;
export type WorkUnitState = (typeof WORK_UNIT_STATES)[number];

export const REPLICA_STATES = ['unsent', 'in_progress', 'reported', 'errored', 'timed_out', 'abandoned', 'cancelled'] as const;
export type ReplicaState = (typeof REPLICA_STATES)[number];

export const VALIDATE_STATES = ['pending', 'valid', 'invalid', 'inconclusive'] as const;
export type ValidateState = (typeof VALIDATE_STATES)[number];

/** One allowed edge: from, to, and which queue operation takes it. */
export type Transition<S extends string> = readonly [from: S, to: S, by: string];

export const WORK_UNIT_TRANSITIONS: readonly Transition<WorkUnitState>[] = [
  ['pending', 'running', 'claim-work: the first replica goes out'],
  ['pending', 'failed', 'fail-exhausted: error or replica limit reached'],
  ['pending', 'cancelled', 'cancel-batch'],
  ['running', 'validating', 'report-results: a quorum of replicas reported'],
  ['running', 'done', 'record-verdicts: a canonical output was chosen'],
  ['running', 'failed', 'fail-exhausted, or record-verdicts: no consensus within the limit'],
  ['running', 'cancelled', 'cancel-batch'],
  ['validating', 'running', 'record-verdicts: inconclusive, or the quorum was raised; more replicas go out'],
  ['validating', 'done', 'record-verdicts: a canonical output was chosen'],
  ['validating', 'failed', 'fail-exhausted, or record-verdicts: no consensus within the limit'],
  ['validating', 'cancelled', 'cancel-batch'],
];

export const REPLICA_TRANSITIONS: readonly Transition<ReplicaState>[] = [
  ['unsent', 'in_progress', 'claim-work'],
  ['unsent', 'cancelled', 'cancel-batch, fail-exhausted, record-verdicts: no longer needed'],
  ['in_progress', 'reported', 'report-results'],
  ['in_progress', 'errored', 'record-replica-errors: the kernel failed on the host'],
  ['in_progress', 'abandoned', 'record-replica-errors: the host gave it back; release-unheld: nobody holds it'],
  ['in_progress', 'timed_out', 'time-out-replicas: past its deadline, or suspended past its grace'],
  ['in_progress', 'cancelled', 'cancel-batch, fail-exhausted, record-verdicts: no longer needed'],
  ['timed_out', 'reported', 'report-results: a late result is still accepted'],
];

/**
 * Re-examination (queue/reopen-work.ts, and nothing else): a done WU whose canonical output a
 * caught host vouched for goes back to running; the caught host's replica becomes invalid and the
 * others' verdicts are open again, to be decided anew. These edges leave final states, but the
 * daemons still treat done, valid and invalid as final (finalStates, liveStates ignore them).
 */
export const WORK_UNIT_REOPENING: readonly Transition<WorkUnitState>[] = [
  ['done', 'running', 'reopen-work: a host it relied on was caught'],
];

export const VALIDATE_REOPENING: readonly Transition<ValidateState>[] = [
  ['valid', 'invalid', 'reopen-work: the caught host\'s own replica'],
  ['valid', 'inconclusive', 'reopen-work: decided again without the caught host'],
  ['invalid', 'inconclusive', 'reopen-work: decided again without the caught host'],
];

/** A reported replica's verdict (replicas.validate_state). */
export const VALIDATE_TRANSITIONS: readonly Transition<ValidateState>[] = [
  ['pending', 'valid', 'record-verdicts: agrees with the canonical output'],
  ['pending', 'invalid', 'record-verdicts: disagrees with the canonical output'],
  ['pending', 'inconclusive', 'record-verdicts: no quorum agrees yet'],
  ['inconclusive', 'valid', 'record-verdicts'],
  ['inconclusive', 'invalid', 'record-verdicts'],
];

export interface StateMachine<S extends string> {
  /** The table, column and enum type the machine lives in. */
  table: string;
  column: string;
  type: string;
  states: readonly S[];
  transitions: readonly Transition<S>[];
  /** Edges only re-examination takes: allowed by the guard, invisible to liveness. */
  reopening?: readonly Transition<S>[];
}

export const STATE_MACHINES = {
  workUnit: { table: 'work_units', column: 'state', type: 'wu_state', states: WORK_UNIT_STATES, transitions: WORK_UNIT_TRANSITIONS, reopening: WORK_UNIT_REOPENING },
  replica: { table: 'replicas', column: 'state', type: 'replica_state', states: REPLICA_STATES, transitions: REPLICA_TRANSITIONS },
  validation: { table: 'replicas', column: 'validate_state', type: 'validate_state', states: VALIDATE_STATES, transitions: VALIDATE_TRANSITIONS, reopening: VALIDATE_REOPENING },
} as const satisfies Record<string, StateMachine<string>>;

/** Whether a row may go from `from` to `to` (staying put always may). */
export function canMove<S extends string>(m: StateMachine<S>, from: S, to: S): boolean {
  return from === to || allTransitions(m).some(([f, t]) => f === from && t === to);
}

/** Every edge the database allows, re-examination's included. */
export function allTransitions<S extends string>(m: StateMachine<S>): readonly Transition<S>[] {
  return [...m.transitions, ...(m.reopening ?? [])];
}

/** States no transition leaves. */
export function finalStates<S extends string>(m: StateMachine<S>): S[] {
  return m.states.filter((s) => !m.transitions.some(([f]) => f === s));
}

/** The states a statement may move rows out of toward `to`, for its WHERE clause. */
export function statesLeadingTo<S extends string>(m: StateMachine<S>, to: S): S[] {
  return m.transitions.filter(([, t]) => t === to).map(([f]) => f);
}

/** States that some transition leaves: a row in one is still live. */
export function liveStates<S extends string>(m: StateMachine<S>): S[] {
  return m.states.filter((s) => m.transitions.some(([f]) => f === s));
}

// The names are the constants above, never input, so they go into the SQL as they are.
const list = (states: readonly string[]): SQL => sql.raw(`(${states.map((s) => `'${s}'`).join(', ')})`);

/** `(…)` of the states a row may move to `to` from: `WHERE state IN ${movableTo(m, to)}`. */
export function movableTo<S extends string>(m: StateMachine<S>, to: S): SQL {
  return list(statesLeadingTo(m, to));
}

/** `(…)` of the live states: `WHERE state IN ${live(m)}`. */
export function live<S extends string>(m: StateMachine<S>): SQL {
  return list(liveStates(m));
}

export const WU = STATE_MACHINES.workUnit as StateMachine<WorkUnitState>;
export const REPLICA = STATE_MACHINES.replica as StateMachine<ReplicaState>;
