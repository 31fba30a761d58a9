import { parentPort } from 'node:worker_threads';
import { createKernelData } from '@nfl-grid/shared/data/kernel-data';
import { getKernel } from '@nfl-grid/shared/kernels/registry';
import { runKernel, type RunOptions, type RunOutcome } from '@nfl-grid/shared/kernels/runner';
import type { Kernel, KernelData } from '@nfl-grid/shared/kernels/types';
import { loadTfBackend, type TfBackend } from '@nfl-grid/shared/learn/tf-backend';
import { tfOrder, type TfLoad } from '../heat/tf-load';
import { DutyCycle } from '../heat/duty-cycle';
import type { Throttle } from '../heat/heat';
import type { FromWorker, RunRequest, ToWorker } from './worker-protocol';

/*
 * A kernel worker thread: runs one item at a time with the shared kernel runner
 * (shared/src/kernels/runner.ts), and in the runner's step hook
 *   - reports progress (at most every PROGRESS_MS; after every epoch of a kernel that trains),
 *   - posts a checkpoint after every `checkpointEveryMs` of busy time, and after every step of a
 *     kernel that trains (its steps are epochs, long and few),
 *   - sleeps as the duty cycle asks, or waits while suspended;
 * a `stop` aborts the runner's signal, so it stops between steps with a snapshot.
 * Parsed input data is kept for the next item with the same inputs (items of one batch share them).
 * A kernel that trains (one that can use a GPU: capabilities.gpu is not 'none') runs on the
 * TensorFlow.js backend this thread loads before its first step, with the options the main
 * thread sends (heat/tf-load.ts, heat/backend.ts); other kernels never load tfjs.
 */

const PROGRESS_MS = 250;
const DATA_CACHE = 2;

const port = parentPort;
if (!port) throw new Error('kernel-worker.ts must run in a worker thread');

const dataCache = new Map<string, KernelData>();
let active: ActiveRun | null = null;
/** The backend loaded in this thread and the options it was loaded with. */
let loaded: { key: string; backend: TfBackend } | null = null;

interface ActiveRun {
  req: RunRequest;
  throttle: Throttle;
  duty: DutyCycle;
  checkpointEveryMs: number;
  /** Aborted by a `stop` message: the runner stops between steps. */
  stop: AbortController;
  /** Cuts a sleep or a suspension short (a new throttle, or stop). */
  wake: (() => void) | null;
}

const post = (m: FromWorker) => port.postMessage(m);

port.on('message', (m: ToWorker) => {
  if (m.type === 'run') {
    if (active) return post({ type: 'failed', runId: m.runId, step: 0, message: 'worker is busy' });
    const run: ActiveRun = {
      req: m, throttle: m.throttle, duty: new DutyCycle(m.throttle.duty), checkpointEveryMs: m.checkpointEveryMs, stop: new AbortController(), wake: null,
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
    active.stop.abort();
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

const trains = (kernel: Kernel) => kernel.capabilities.gpu !== 'none';

/** Loads the TensorFlow.js backend in this thread; again only when the options change (the heat). */
async function tfBackend(load: TfLoad): Promise<TfBackend> {
  const key = JSON.stringify(load);
  if (loaded?.key !== key) loaded = { key, backend: (await loadTfBackend({ wasmDir: load.wasmDir ?? undefined, order: tfOrder(load) })).backend };
  return loaded.backend;
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

const messageOf = (e: unknown) => (e as Error)?.message ?? String(e);

/** What the step hooks measure for the outcome messages. */
interface Meter {
  started: boolean;
  step: number;
  busyMs: number;
}

/**
 * Runs the item with the shared kernel runner. A resume snapshot that will not parse, restore, or
 * land on the step it claims is dropped (`resumeError`) and the item starts from step 0.
 */
async function execute(run: ActiveRun): Promise<void> {
  const { req } = run;
  const runId = req.runId;
  const meter: Meter = { started: false, step: 0, busyMs: 0 };
  try {
    const kernel: Kernel = getKernel(req.kernel);
    const params = kernel.paramsSchema.parse(req.params);
    const data = dataFor(req);
    const backend = trains(kernel) ? await tfBackend(req.tf) : null;
    const attempt = (resumeFrom: unknown, resumeError: string | null) => runKernel(kernel, params, req.seed, data, {
      resumeFrom, signal: run.stop.signal, ...stepHooks(run, meter, resumeError, backend),
    });
    let outcome: RunOutcome<unknown>;
    if (!req.resume) {
      outcome = await attempt(undefined, null);
    } else {
      try {
        outcome = await attempt(JSON.parse(req.resume.snapshot), null);
      } catch (e) {
        if (meter.started) throw e;
        outcome = await attempt(undefined, messageOf(e));
      }
    }
    if (outcome.status === 'stopped') post({ type: 'stopped', runId, step: outcome.steps, snapshot: JSON.stringify(outcome.snapshot), busyMs: meter.busyMs });
    else post({ type: 'finished', runId, output: outcome.output, steps: outcome.steps, busyMs: meter.busyMs, backend });
  } catch (e) {
    post({ type: 'failed', runId, step: meter.step, message: messageOf(e) });
  }
}

/**
 * The runner's hooks: `started` once the state is made (checking a restored one is at the step
 * its snapshot claims); after each step progress (at most every PROGRESS_MS) and a checkpoint
 * after every `checkpointEveryMs` of busy time (both after every step when training), then the
 * throttle — a suspended item waits, the duty cycle sleeps off its debt. A stop request cuts the
 * waits short; the runner then stops before the next step and returns a snapshot.
 */
function stepHooks(run: ActiveRun, meter: Meter, resumeError: string | null, backend: TfBackend | null): Pick<RunOptions, 'onStart' | 'afterStep'> {
  const { req } = run;
  const runId = req.runId;
  const resuming = req.resume !== null && resumeError === null;
  const stopping = () => run.stop.signal.aborted;
  let sinceCheckpoint = 0;
  let lastProgress = 0;
  let mark = 0;
  return {
    onStart({ step, totalSteps }) {
      if (resuming && step !== req.resume!.step) throw new Error(`snapshot is at step ${step}, not ${req.resume!.step}`);
      meter.started = true;
      meter.step = step;
      post({ type: 'started', runId, step, totalSteps, resumed: resuming, resumeError, backend });
      mark = performance.now();
    },
    async afterStep({ step, totalSteps, state, kernel }) {
      meter.step = step;
      const now = performance.now();
      const busy = now - mark;
      meter.busyMs += busy;
      sinceCheckpoint += busy;
      if (backend !== null || now - lastProgress >= PROGRESS_MS || step >= totalSteps) {
        lastProgress = now;
        post({ type: 'progress', runId, step, totalSteps });
      }
      const due = backend !== null || sinceCheckpoint >= run.checkpointEveryMs;
      if (run.checkpointEveryMs > 0 && due && step < totalSteps) {
        sinceCheckpoint = 0;
        post({ type: 'checkpoint', runId, step, snapshot: JSON.stringify(kernel.checkpoint(state)) });
      }
      while (run.throttle.suspended && !stopping()) await pause(run, 60_000);
      const owed = run.duty.afterWork(busy);
      if (owed > 0 && !stopping()) run.duty.slept(await pause(run, owed));
      else await yieldNow();
      mark = performance.now();
    },
  };
}

post({ type: 'ready' });
