import type { BatchSpec } from '@nfl-grid/shared/api/batch';
import type { BatchPlan } from '@nfl-grid/shared/api/batch-plans';
import type { Kernel } from '@nfl-grid/shared/kernels/types';
import type { Tx } from '../db/index';
import type { Grid } from '../grid';
import type { ExpandedUnit } from '../queue/expand-batch';

/** A WU of a finished stage, as its plan's driver reads it. */
export interface StageWorkUnit {
  id: number;
  seq: number;
  state: 'done' | 'failed' | 'cancelled';
  params: Record<string, unknown>;
  seed: number;
  /** The canonical output of a done WU; null otherwise. */
  output: unknown;
}

/** A staged batch, locked for its driver. */
export interface PlanBatch<P extends BatchPlan = BatchPlan> {
  id: string;
  ownerId: string;
  name: string;
  priority: number;
  spec: BatchSpec;
  plan: P;
  /** What the driver returned as `state` last time (null before stage 0 is done). */
  state: unknown;
}

/** What a driver decides when a stage is done: the next stage's units, or none (the plan ends). */
export interface PlanOutcome {
  next?: { params: Record<string, unknown>; seed: number }[];
  /** Priority of the next stage's WUs (default: the batch's). */
  priority?: number;
  /** Kept in batches.plan_state for the next call and for readers. */
  state?: unknown;
}

/**
 * One kind of staged batch. `initialUnits` runs at submit (bad specs are BadRequest naming the
 * field); `stageDone` runs in the assimilator's transaction once every WU of `stage` has been
 * taken in, with the batch row locked, so it is called once per stage across coordinators.
 */
export interface PlanDriver<P extends BatchPlan = BatchPlan> {
  kind: P['kind'];
  initialUnits(spec: BatchSpec & { plan: P }, kernel: Kernel): ExpandedUnit[];
  stageDone(ctx: { tx: Tx; grid: Grid }, batch: PlanBatch<P>, stage: number, wus: StageWorkUnit[]): Promise<PlanOutcome>;
}
