import type { CombineOptions, CombinedFigures, CombinePlan } from '@nfl-grid/shared/combine/combine';

/*
 * Messages between the coordinator and its merge worker threads (combine-worker.ts). Both ends
 * are this process's own code, so they are typed rather than parsed.
 */

/** A validated result with its output still as JSON text: the worker parses it, not the main thread. */
export interface RowText {
  wuId: number;
  seq: number;
  kernel: string;
  params: unknown;
  output: string;
}

export type ToWorker =
  /** Group and pool the rows; reply with the plan (pools in shared memory). */
  | { id: number; type: 'plan'; rows: RowText[]; options: CombineOptions }
  /** Keep this plan for the chunks that follow. */
  | { id: number; type: 'load'; plan: CombinePlan }
  | { id: number; type: 'chunk'; group: number; chunk: number }
  | { id: number; type: 'finish'; chunks: Float64Array[][] };

export type FromWorker =
  | { id: number; type: 'plan'; plan: CombinePlan }
  | { id: number; type: 'loaded' }
  | { id: number; type: 'chunk'; replicates: Float64Array }
  | { id: number; type: 'finish'; figures: CombinedFigures }
  | { id: number; type: 'error'; name: string; code: string | null; message: string };
