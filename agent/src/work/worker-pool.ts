import type { Worker } from 'node:worker_threads';
import type { TfBackend } from '@nfl-grid/shared/learn/tf-backend';
import type { Logger } from '@nfl-grid/shared/logging/logger';
import type { Throttle } from '../heat/heat';
import type { FromWorker, RunRequest, ToWorker } from './worker-protocol';
import { startKernelWorker } from './worker-source';

/*
 * Kernel worker threads, seen from the main thread. A KernelThread runs one item at a time (one
 * item per worker); the pool keeps finished workers for the next item (their parsed input data is
 * warm) up to a limit, and starts new ones as needed. A worker that crashes is never reused.
 */

export type ThreadOutcome =
  | { type: 'finished'; output: unknown; steps: number; busyMs: number; backend: TfBackend | null }
  | { type: 'stopped'; step: number; snapshot: string; busyMs: number }
  | { type: 'failed'; step: number; message: string }
  | { type: 'crashed'; message: string };

export interface RunHandlers {
  started(m: Extract<FromWorker, { type: 'started' }>): void;
  progress(step: number, totalSteps: number): void;
  checkpoint(step: number, snapshot: string): void;
}

const START_TIMEOUT_MS = 120_000;
let nextRunId = 1;

export class KernelThread {
  private current: { runId: number; handlers: RunHandlers; resolve: (o: ThreadOutcome) => void } | null = null;
  private dead: string | null = null;

  private constructor(private readonly worker: Worker) {
    worker.on('message', (m: FromWorker) => this.onMessage(m));
    worker.on('error', (e) => this.die(`worker error: ${e.message}`));
    worker.on('exit', (code) => this.die(`worker exited with code ${code}`));
  }

  /** Starts a worker and waits until it has loaded the kernels. */
  static start(): Promise<KernelThread> {
    return new Promise((resolve, reject) => {
      const worker = startKernelWorker();
      // Only our own listeners come off: Worker keeps internal ones (removeAllListeners breaks it).
      const off = () => {
        clearTimeout(timer);
        worker.off('error', fail);
        worker.off('exit', onExit);
        worker.off('message', onMessage);
      };
      const fail = (e: Error) => {
        off();
        void worker.terminate();
        reject(e);
      };
      const onExit = (code: number) => fail(new Error(`kernel worker exited with code ${code} while starting`));
      const onMessage = (m: FromWorker) => {
        if (m.type !== 'ready') return fail(new Error(`kernel worker said ${m.type} before ready`));
        off();
        resolve(new KernelThread(worker));
      };
      const timer = setTimeout(() => fail(new Error(`kernel worker did not start within ${START_TIMEOUT_MS} ms`)), START_TIMEOUT_MS);
      worker.on('error', fail);
      worker.on('exit', onExit);
      worker.on('message', onMessage);
    });
  }

  get alive(): boolean {
    return this.dead === null;
  }

  get busy(): boolean {
    return this.current !== null;
  }

  run(req: Omit<RunRequest, 'type' | 'runId'>, handlers: RunHandlers): Promise<ThreadOutcome> {
    if (this.dead) return Promise.resolve({ type: 'crashed', message: this.dead });
    if (this.current) throw new Error('KernelThread is busy');
    const runId = nextRunId++;
    return new Promise((resolve) => {
      this.current = { runId, handlers, resolve };
      // Input bytes are copied, not transferred: the main thread's input cache keeps its buffers.
      this.send({ type: 'run', runId, ...req });
    });
  }

  setThrottle(throttle: Throttle): void {
    if (this.current) this.send({ type: 'throttle', throttle });
  }

  setCheckpointEvery(ms: number): void {
    if (this.current) this.send({ type: 'checkpoint_every', ms });
  }

  /** Asks the running item to stop between steps; the outcome is `stopped` with a snapshot. */
  stop(): void {
    if (this.current) this.send({ type: 'stop' });
  }

  async terminate(): Promise<void> {
    this.die('terminated');
    await this.worker.terminate().catch(() => undefined);
  }

  private send(m: ToWorker): void {
    if (!this.dead) this.worker.postMessage(m);
  }

  private onMessage(m: FromWorker): void {
    const cur = this.current;
    if (!cur || m.type === 'ready' || m.runId !== cur.runId) return;
    switch (m.type) {
      case 'started':
        return cur.handlers.started(m);
      case 'progress':
        return cur.handlers.progress(m.step, m.totalSteps);
      case 'checkpoint':
        return cur.handlers.checkpoint(m.step, m.snapshot);
      case 'finished':
        return this.settle({ type: 'finished', output: m.output, steps: m.steps, busyMs: m.busyMs, backend: m.backend });
      case 'stopped':
        return this.settle({ type: 'stopped', step: m.step, snapshot: m.snapshot, busyMs: m.busyMs });
      case 'failed':
        return this.settle({ type: 'failed', step: m.step, message: m.message });
    }
  }

  private settle(outcome: ThreadOutcome): void {
    const cur = this.current;
    this.current = null;
    cur?.resolve(outcome);
  }

  private die(why: string): void {
    if (this.dead) return;
    this.dead = why;
    this.settle({ type: 'crashed', message: why });
  }
}

export class WorkerPool {
  private readonly idle: KernelThread[] = [];
  private readonly all = new Set<KernelThread>();
  private closed = false;

  constructor(private readonly log: Logger, private keepIdle = 1, private readonly start = KernelThread.start) {}

  /** How many finished workers to keep warm (the heat plan's thread count). */
  setKeepIdle(n: number): void {
    this.keepIdle = Math.max(0, n);
    while (this.idle.length > this.keepIdle) void this.retire(this.idle.pop()!);
  }

  get size(): number {
    return this.all.size;
  }

  async acquire(): Promise<KernelThread> {
    if (this.closed) throw new Error('worker pool is closed');
    for (let t = this.idle.pop(); t; t = this.idle.pop()) if (t.alive) return t;
    const t = await this.start();
    this.all.add(t);
    this.log.debug(`kernel worker started (${this.all.size} running)`);
    if (this.closed) {
      await this.retire(t);
      throw new Error('worker pool is closed');
    }
    return t;
  }

  release(t: KernelThread): void {
    if (!t.alive || this.closed || this.idle.length >= this.keepIdle) void this.retire(t);
    else this.idle.push(t);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.idle.length = 0;
    await Promise.all([...this.all].map((t) => this.retire(t)));
  }

  private async retire(t: KernelThread): Promise<void> {
    this.all.delete(t);
    await t.terminate();
  }
}
