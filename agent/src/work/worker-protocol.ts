import type { TfBackend } from '@nfl-grid/shared/learn/tf-backend';
import type { TfLoad } from '../heat/tf-load';
import type { Throttle } from '../heat/heat';

/*
 * Messages between the main thread and a kernel worker thread (kernel-worker.ts). A worker runs
 * one item at a time; everything it needs comes in `run` (verified input bytes, a verified resume
 * snapshot), and everything it produces goes back as messages: the main thread keeps the disk,
 * the socket and the decisions.
 */

export interface RunRequest {
  type: 'run';
  runId: number;
  replicaId: number;
  kernel: string;
  params: unknown;
  seed: number;
  /** Verified input bytes by dataset name; `key` names the set so a worker can reuse parsed data. */
  inputs: { key: string; files: Array<{ name: string; bytes: Uint8Array }> };
  /** A verified snapshot (JSON text) to resume from. */
  resume: { step: number; snapshot: string } | null;
  throttle: Throttle;
  /** Post a checkpoint after this much busy (not sleeping) time; 0 = never. */
  checkpointEveryMs: number;
  /** How to load TensorFlow.js, for kernels that train with it (heat/backend.ts). */
  tf: TfLoad;
}

export type ToWorker =
  | RunRequest
  | { type: 'throttle'; throttle: Throttle }
  | { type: 'checkpoint_every'; ms: number }
  /** Stop between steps and send `stopped` with a snapshot. */
  | { type: 'stop' };

export type FromWorker =
  | { type: 'ready' }
  /**
   * The kernel is initialised (or restored); `resumeError` when a snapshot would not restore;
   * `backend` the TensorFlow.js backend this thread loaded for it (null: the kernel needs none).
   */
  | { type: 'started'; runId: number; step: number; totalSteps: number; resumed: boolean; resumeError: string | null; backend: TfBackend | null }
  | { type: 'progress'; runId: number; step: number; totalSteps: number }
  | { type: 'checkpoint'; runId: number; step: number; snapshot: string }
  | { type: 'finished'; runId: number; output: unknown; steps: number; busyMs: number; backend: TfBackend | null }
  | { type: 'stopped'; runId: number; step: number; snapshot: string; busyMs: number }
  | { type: 'failed'; runId: number; step: number; message: string };
