import { parentPort } from 'node:worker_threads';
import { createKernelData } from '@nfl-grid/shared/data/kernel-data';
import { getKernel } from '@nfl-grid/shared/kernels/registry';
import type { Kernel, KernelData } from '@nfl-grid/shared/kernels/types';
import { DutyCycle } from '../heat/duty-cycle';
import type { Throttle } from '../heat/heat';
import type { FromWorker, RunRequest, ToWorker } from './worker-protocol';

/*
 * A kernel worker thread: runs one item at a time, step by step, and between steps
 *   - reports progress (at most every PROGRESS_MS),
 *   - posts a checkpoint after every `checkpointEveryMs` of busy time,
 *   - sleeps as the duty cycle asks, or waits while suspended,
 *   - stops with a snapshot when told to.
 * Parsed input data is kept for the next item with the same inputs (items of one batch share them).
 */

const PROGRESS_MS = 250;
const DATA_CACHE = 2;

const port = parentPort;
if (!port) throw new Error('kernel-worker.ts must run in a worker thread');

const dataCache = new Map<string, KernelData>();
let active: ActiveRun | null = null;

interface ActiveRun {
  req: RunRequest;
  throttle: Throttle;
  duty: DutyCycle;
  checkpointEveryMs: number;
  stopRequested: boolean;
  /** Cuts a sleep or a suspension short (a new throttle, or stop). */
  wake: (() => void) | null;
}

const post = (m: FromWorker) => port.postMessage(m);

port.on('message', (m: ToWorker) => {
  if (m.type === 'run') {
    if (active) return post({ type: 'failed', runId: m.runId, step: 0, message: 'worker is busy' });
    const run: ActiveRun = {
      req: m, throttle: m.throttle, duty: new DutyCycle(m.throttle.duty), checkpointEveryMs: m.checkpointEveryMs, stopRequested: false, wake: null,
    };
    active = run;
    void execute(run).finally(() => {
      active = null;
    });
    return;
  }
  if (!active) return;
  if (m.type === 'throttle') {
    active.throttle = m.throttle;
    active.duty.setDuty(m.throttle.duty);
  } else if (m.type === 'checkpoint_every') {
    active.checkpointEveryMs = m.ms;
  } else if (m.type === 'stop') {
    active.stopRequested = true;
  }
  active.wake?.();
});

function dataFor(req: RunRequest): KernelData {
  const hit = dataCache.get(req.inputs.key);
  if (hit) return hit;
  const data = createKernelData(new Map(req.inputs.files.map((f) => [f.name, f.bytes])));
  dataCache.set(req.inputs.key, data);
  while (dataCache.size > DATA_CACHE) dataCache.delete(dataCache.keys().next().value as string);
  return data;
}

/** Waits `ms`, or until woken; returns the time actually waited. */
function pause(run: ActiveRun, ms: number): Promise<number> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      run.wake = null;
      resolve(performance.now() - t0);
    };
    const timer = setTimeout(done, Math.max(0, ms));
    run.wake = done;
  });
}

const yieldNow = () => new Promise<void>((resolve) => setImmediate(resolve));

async function execute(run: ActiveRun): Promise<void> {
  const { req } = run;
  const runId = req.runId;
  let step = 0;
  try {
    const kernel: Kernel = getKernel(req.kernel);
    const params = kernel.paramsSchema.parse(req.params);
    const data = dataFor(req);
    const totalSteps = kernel.totalSteps(params);
    let state: unknown = null;
    let resumeError: string | null = null;
    if (req.resume) {
      try {
        state = kernel.restore(params, JSON.parse(req.resume.snapshot), data);
        if (kernel.stepOf(state) !== req.resume.step) throw new Error(`snapshot is at step ${kernel.stepOf(state)}, not ${req.resume.step}`);
      } catch (e) {
        state = null;
        resumeError = (e as Error)?.message ?? String(e);
      }
    }
    const resumed = state !== null;
    if (!resumed) state = kernel.init(params, req.seed, data);
    step = kernel.stepOf(state);
    post({ type: 'started', runId, step, totalSteps, resumed, resumeError });

    let busyMs = 0;
    let sinceCheckpoint = 0;
    let lastProgress = 0;
    let mark = performance.now();
    while (step < totalSteps) {
      if (run.stopRequested) {
        post({ type: 'stopped', runId, step, snapshot: JSON.stringify(kernel.checkpoint(state)), busyMs });
        return;
      }
      state = kernel.step(state, data);
      step = kernel.stepOf(state);
      const now = performance.now();
      const busy = now - mark;
      busyMs += busy;
      sinceCheckpoint += busy;
      if (now - lastProgress >= PROGRESS_MS || step >= totalSteps) {
        lastProgress = now;
        post({ type: 'progress', runId, step, totalSteps });
      }
      if (run.checkpointEveryMs > 0 && sinceCheckpoint >= run.checkpointEveryMs && step < totalSteps) {
        sinceCheckpoint = 0;
        post({ type: 'checkpoint', runId, step, snapshot: JSON.stringify(kernel.checkpoint(state)) });
      }
      // Throttle between steps: suspended items wait; the duty cycle sleeps off its debt.
      while (run.throttle.suspended && !run.stopRequested) await pause(run, 60_000);
      const owed = run.duty.afterWork(busy);
      if (owed > 0 && !run.stopRequested) run.duty.slept(await pause(run, owed));
      else await yieldNow();
      mark = performance.now();
    }
    const output = kernel.finish(state, data);
    post({ type: 'finished', runId, output, steps: step, busyMs });
  } catch (e) {
    post({ type: 'failed', runId, step, message: (e as Error)?.message ?? String(e) });
  }
}

post({ type: 'ready' });
