import type { z } from 'zod';

/**
 * Parsed input data a kernel reads, keyed by dataset name (see shared/src/data/datasets.ts).
 * The agent builds it from content-addressed inputs it fetched and verified; tests and
 * `nfl-grid run-kernel` build it from the project's data/ folder.
 */
export interface KernelData {
  dataset<T = unknown>(name: string): T;
}

export interface KernelCapabilities {
  /** `required`: only hosts with a GPU backend; `optional`: faster with one. */
  gpu: 'none' | 'optional' | 'required';
  minMemoryMb: number;
}

/** The coordinator's own check of one reported output (Kernel.verify). */
export interface KernelCheck {
  ok: boolean;
  /** Why the output failed, for the invalid replica's record; null when it passed. */
  reason: string | null;
  /** The coordinator's own figures for this output (JSON), kept with the replica. */
  rescored: Record<string, unknown> | null;
  /**
   * Floating-point operations the output shows were done, at most the WU's cost estimate: the
   * replica claims credit for these instead of its CPU time. Null: credit by CPU time.
   */
  workFlops: number | null;
}

/**
 * A check the coordinator runs on every reported output before replicas are compared, for
 * kernels whose outputs cannot be compared as reported (training is not bit-reproducible, and a
 * claimed metric is only a claim). It runs on a coordinator worker thread with the data sets it
 * names loaded from the coordinator's data/ folder, which may include data no agent is sent.
 */
export interface KernelVerifier<P = any, O = any> {
  /** Datasets the check reads (with a held-out season the WU's own datasets leave out). */
  datasets(params: P): string[];
  check(output: O, params: P, costEstimate: number, data: KernelData): KernelCheck;
  /** The output with the coordinator's figures in place of the host's: replicas are compared on it. */
  asRescored(output: O, rescored: Record<string, unknown>): O;
}

/**
 * A deterministic computation run in steps (DESIGN.md "kernel"). Given the same params, seed and
 * data it produces the same output on every host, whether run straight through or restored from
 * a checkpoint at any step. State is plain JSON-serialisable data so checkpoints are portable.
 */
export interface Kernel<P = any, S = any, O = any> {
  name: string;
  version: number;
  title: string;
  paramsSchema: z.ZodType<P>;
  capabilities: KernelCapabilities;
  /** Names of the datasets this kernel reads for these params. */
  datasets(params: P): string[];
  /** Estimated floating-point operations for the whole WU (BOINC's rsc_fpops_est). */
  costEstimate(params: P): number;
  totalSteps(params: P): number;
  init(params: P, seed: number, data: KernelData): S;
  /** Advances the state by one step (mutating or returning it). */
  step(state: S, data: KernelData): S;
  /** The number of steps completed in this state. */
  stepOf(state: S): number;
  /** A JSON-serialisable snapshot of the state. */
  checkpoint(state: S): unknown;
  restore(params: P, snapshot: unknown, data: KernelData): S;
  finish(state: S, data: KernelData): O;
  /** True when two outputs agree (exactly, or within this kernel's tolerance). */
  compare(a: O, b: O): boolean;
  /** Checked on the coordinator before comparing (see KernelVerifier); most kernels need none. */
  verify?: KernelVerifier<P, O>;
}

export const kernelRef = (k: Pick<Kernel, 'name' | 'version'>): string => `${k.name}@${k.version}`;
