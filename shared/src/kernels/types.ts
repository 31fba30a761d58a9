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
}

export const kernelRef = (k: Pick<Kernel, 'name' | 'version'>): string => `${k.name}@${k.version}`;
