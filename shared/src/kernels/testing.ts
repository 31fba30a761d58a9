import type { Kernel, KernelData } from './types';

/*
 * Helpers for kernel tests and validation drills: run a kernel with its state checkpointed,
 * pushed through JSON (as an uploaded checkpoint would be) and restored at chosen steps.
 */

/**
 * Runs to the end, and at every step listed in `restartAt` replaces the state by
 * restore(JSON.parse(JSON.stringify(checkpoint(state)))). `dataAfterRestart` lets a test resume
 * on a separate KernelData, as a different host would.
 */
export function runWithRestarts<P, S, O>(
  kernel: Kernel<P, S, O>, params: P, seed: number, data: KernelData, restartAt: number[],
  dataAfterRestart: KernelData = data,
): O {
  const total = kernel.totalSteps(params);
  let d = data;
  let state = kernel.init(params, seed, d);
  for (;;) {
    const step = kernel.stepOf(state);
    if (restartAt.includes(step)) {
      const wire = JSON.stringify(kernel.checkpoint(state));
      d = dataAfterRestart;
      state = kernel.restore(params, JSON.parse(wire), d);
    }
    if (step >= total) break;
    state = kernel.step(state, d);
  }
  return kernel.finish(state, d);
}
