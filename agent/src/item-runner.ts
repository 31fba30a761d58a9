import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { getKernel } from '@nfl-grid/shared/kernels/registry';
import { runKernel } from '@nfl-grid/shared/kernels/runner';
import type { Kernel, KernelData } from '@nfl-grid/shared/kernels/types';
import type { ResultItem, WorkItem } from '@nfl-grid/shared/protocol/work-packet';
import { canonicalJson } from '@nfl-grid/shared/util/canonical-json';
import type { Logger } from '@nfl-grid/shared/util/log';
import { sha256Hex } from '@nfl-grid/shared/util/sha256';
import { AgentError, DeadlinePassedError, KernelRunError, describe } from './errors';
import { applyFault, type Fault } from './fault';
import type { HeatControl } from './heat';
import type { InputStore } from './inputs';
import type { KernelDataCache } from './kernel-data';

/*
 * Runs one work item from its verified claims to a ResultItem: check the deadline, look up the
 * kernel, parse its params, fetch and verify its inputs, run it step by step, hash the output.
 * Items share the main thread, so after each step the runner yields to the event loop (messages,
 * timers and the other items go on) and awaits the heat controller.
 */

/** A running item as the work loop and progress reports see it. */
export interface RunningItem {
  readonly item: WorkItem;
  readonly controller: AbortController;
  step: number;
  totalSteps: number;
  /** Set when the coordinator cancelled it (as opposed to the agent stopping). */
  cancelled: boolean;
}

export type ItemOutcome =
  | { status: 'finished'; result: ResultItem }
  | { status: 'stopped'; steps: number }
  | { status: 'failed'; code: string; message: string };

export interface ItemRunnerDeps {
  inputs: InputStore;
  data: KernelDataCache;
  heat: HeatControl;
  fault: Fault;
  log: Logger;
}

const cpuSecondsSince = (mark: NodeJS.CpuUsage) => {
  const d = process.cpuUsage(mark);
  return (d.user + d.system) / 1e6;
};

/** Never throws: every failure becomes a `failed` outcome with an error code. */
export async function runItem(run: RunningItem, deps: ItemRunnerDeps, now = Date.now): Promise<ItemOutcome> {
  const { item } = run;
  const signal = run.controller.signal;
  try {
    if (item.deadline <= now()) throw new DeadlinePassedError(item.replicaId, item.deadline);
    let kernel: Kernel;
    let params: unknown;
    try {
      kernel = getKernel(item.kernel);
      params = kernel.paramsSchema.parse(item.params);
    } catch (e) {
      throw new KernelRunError('kernel_error', item.replicaId, `${item.kernel}: ${describe(e)}`, { cause: e });
    }
    if (item.resumeFrom) {
      deps.log.info(`replica=${item.replicaId} offers a checkpoint at step ${item.resumeFrom.step}; resuming from checkpoints is not supported yet, starting at step 0`);
    }
    const data = await untilAborted(deps.data.get(item.inputs, (sha) => deps.inputs.get(sha)), signal);
    if (!data) return { status: 'stopped', steps: 0 };

    run.totalSteps = kernel.totalSteps(params);
    const started = performance.now();
    let cpuSeconds = 0;
    let mark = process.cpuUsage();
    let outcome;
    try {
      outcome = await runKernel(kernel, params, item.seed, data, {
        signal,
        afterStep: async ({ step, totalSteps }) => {
          cpuSeconds += cpuSecondsSince(mark);
          run.step = step;
          // Heat control: duty cycle and temperature limits act here, between steps.
          await deps.heat.afterStep({ replicaId: item.replicaId, step, totalSteps });
          await yieldToEventLoop();
          mark = process.cpuUsage();
        },
      });
    } catch (e) {
      throw new KernelRunError('kernel_error', item.replicaId, `${item.kernel} failed at step ${run.step}: ${describe(e)}`, { cause: e });
    }
    cpuSeconds += cpuSecondsSince(mark);
    if (outcome.status === 'stopped') return { status: 'stopped', steps: outcome.steps };

    const output = applyFault(deps.fault, outcome.output);
    let outputSha256: string;
    try {
      outputSha256 = await sha256Hex(canonicalJson(output));
    } catch (e) {
      throw new KernelRunError('kernel_error', item.replicaId, `${item.kernel} produced an output that cannot be hashed: ${describe(e)}`);
    }
    return {
      status: 'finished',
      result: {
        replicaId: item.replicaId,
        output,
        outputSha256,
        cpuSeconds: round(cpuSeconds),
        elapsedSeconds: round((performance.now() - started) / 1000),
        steps: outcome.steps,
      },
    };
  } catch (e) {
    const code = e instanceof AgentError ? e.code : 'kernel_error';
    return { status: 'failed', code, message: describe(e).slice(0, 4000) };
  }
}

const round = (x: number) => Math.round(x * 1e6) / 1e6;

/** The promise's value, or null as soon as the signal aborts. */
async function untilAborted(p: Promise<KernelData>, signal: AbortSignal): Promise<KernelData | null> {
  if (signal.aborted) return null;
  let onAbort: () => void = () => undefined;
  const aborted = new Promise<null>((resolve) => {
    onAbort = () => resolve(null);
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([p, aborted]);
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}
