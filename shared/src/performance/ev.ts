import { MIN_HOURS } from './reward';

/*
 * Expected value of pending work, per (batch, model) cell of the task value matrix:
 *
 *   EV = expected improvement × importance / estimated hours
 *
 *   expected improvement = pending WUs × ĝ, in metric units (so kernels compare), where
 *   ĝ = (Σ recent gains / unit + PRIOR_GAIN · PRIOR_WEIGHT) / (recent results + PRIOR_WEIGHT):
 *       the model's mean gain per result over its last EV_WINDOW results, shrunk toward an
 *       optimistic prior of PRIOR_GAIN units (so an untried model is worth exploring, and a model
 *       whose search has stopped paying fades toward 0 as results accumulate);
 *   importance = the model's admin weight (default 1);
 *   estimated hours = Σ cost estimates / 1e9 / 3600 × target replicas of the pending WUs.
 * Kernels without a model metric have no EV (null) and rank last.
 */

export const EV_WINDOW = 20;
const PRIOR_GAIN = 1;
const PRIOR_WEIGHT = 1;

/** ĝ: expected gain of one more result, in units. */
export function expectedGainPerResult(recentGainsInUnits: readonly number[]): number {
  const recent = recentGainsInUnits.slice(-EV_WINDOW);
  const sum = recent.reduce((s, g) => s + g, 0);
  return (sum + PRIOR_GAIN * PRIOR_WEIGHT) / (recent.length + PRIOR_WEIGHT);
}

export interface EvInput {
  pendingWus: number;
  gainPerResult: number;
  importance: number;
  estimatedHours: number;
}

export function expectedValue(x: EvInput): { expectedImprovement: number; ev: number } {
  const expectedImprovement = x.pendingWus * x.gainPerResult;
  return { expectedImprovement, ev: (expectedImprovement * x.importance) / Math.max(x.estimatedHours, MIN_HOURS) };
}

/** Ranks cells by EV, highest first; null EV last; ties by estimated hours (cheaper first). */
export function rankByEv<T extends { ev: number | null; estimatedHours: number }>(cells: readonly T[]): (T & { rank: number })[] {
  return [...cells]
    .sort((a, b) => (b.ev ?? -Infinity) - (a.ev ?? -Infinity) || a.estimatedHours - b.estimatedHours)
    .map((c, i) => ({ ...c, rank: i + 1 }));
}

/**
 * New batch priorities from EV: the best batch gets MAX_PRIORITY, others in proportion to their
 * EV (rounded), untracked batches (EV null) keep theirs.
 */
const MAX_PRIORITY = 1000;

export function priorityFromEv(ev: number | null, maxEv: number, current: number): number {
  if (ev === null) return current;
  if (!(maxEv > 0)) return 0;
  return Math.round((MAX_PRIORITY * Math.max(0, ev)) / maxEv);
}
