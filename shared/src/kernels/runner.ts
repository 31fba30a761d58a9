import type { Kernel, KernelData } from './types';

export interface RunOptions {
  /** Resume from a checkpoint snapshot instead of starting at step 0. */
  resumeFrom?: unknown;
  /** Awaited once the state is made (init or restore), before the first step. */
  onStart?: (info: StepInfo) => Promise<void> | void;
  /** Awaited after every step: progress reports, checkpoints and throttling happen here. */
  afterStep?: (info: StepInfo) => Promise<void> | void;
  signal?: AbortSignal;
}

export interface StepInfo {
  step: number;
  totalSteps: number;
  state: unknown;
  kernel: Kernel;
}

export type RunOutcome<O> =
  | { status: 'finished'; output: O; steps: number }
  | { status: 'stopped'; steps: number; snapshot: unknown };

/** Runs a kernel to the end (or until the signal aborts, returning a snapshot to resume from). */
export async function runKernel<P, S, O>(
  kernel: Kernel<P, S, O>, params: P, seed: number, data: KernelData, opts: RunOptions = {},
): Promise<RunOutcome<O>> {
  const totalSteps = kernel.totalSteps(params);
  let state = opts.resumeFrom === undefined ? kernel.init(params, seed, data) : kernel.restore(params, opts.resumeFrom, data);
  if (opts.onStart) await opts.onStart({ step: kernel.stepOf(state), totalSteps, state, kernel });
  while (kernel.stepOf(state) < totalSteps) {
    if (opts.signal?.aborted) return { status: 'stopped', steps: kernel.stepOf(state), snapshot: kernel.checkpoint(state) };
    state = kernel.step(state, data);
    if (opts.afterStep) await opts.afterStep({ step: kernel.stepOf(state), totalSteps, state, kernel });
  }
  return { status: 'finished', output: kernel.finish(state, data), steps: kernel.stepOf(state) };
}

/** Runs a kernel synchronously from start to end (tests, validation reruns, local runs). */
export function runKernelSync<P, S, O>(kernel: Kernel<P, S, O>, params: P, seed: number, data: KernelData): O {
  const totalSteps = kernel.totalSteps(params);
  let state = kernel.init(params, seed, data);
  while (kernel.stepOf(state) < totalSteps) state = kernel.step(state, data);
  return kernel.finish(state, data);
}
