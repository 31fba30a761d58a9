import type { Worker } from 'node:worker_threads';
import { chunkCount, type CombinedFigures, type CombineOptions, type CombinePlan } from '@nfl-grid/shared/combine/combine';
import { CombineError, type CombineErrorCode } from '@nfl-grid/shared/combine/errors';
import { startTsWorker } from '@nfl-grid/shared/threads/ts-worker';

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

/*
 * Runs one merge on worker threads: the first thread pools the results (its pools live in shared
 * memory), every thread then takes bootstrap chunks from a common list until none is left, and the
 * first thread computes the intervals. The threads are started for the merge and ended after it,
 * so an idle coordinator holds none. The figures do not depend on the number of threads: each
 * chunk has its own RNG stream (shared/src/combine/combine.ts).
 */

type Reply<T extends FromWorker['type']> = Extract<FromWorker, { type: T }>;
type Request = ToWorker extends infer M ? (M extends ToWorker ? Omit<M, 'id'> : never) : never;

class MergeThread {
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (m: FromWorker) => void; reject: (e: Error) => void }>();
  private failed: Error | null = null;

  constructor(readonly worker: Worker) {
    worker.on('message', (m: FromWorker) => {
      const w = this.waiting.get(m.id);
      this.waiting.delete(m.id);
      if (!w) return;
      if (m.type === 'error') w.reject(m.code ? new CombineError(m.code as CombineErrorCode, m.message) : new Error(`merge thread: ${m.name}: ${m.message}`));
      else w.resolve(m);
    });
    const fail = (e: Error) => {
      this.failed = e;
      for (const w of this.waiting.values()) w.reject(e);
      this.waiting.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`merge thread exited (code ${code})`)));
  }

  request<T extends FromWorker['type']>(msg: Request): Promise<Reply<T>> {
    if (this.failed) return Promise.reject(this.failed);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (m: FromWorker) => void, reject });
      this.worker.postMessage({ ...msg, id });
    });
  }
}

const startMergeThread = () => new MergeThread(startTsWorker(new URL('./combine-worker.ts', import.meta.url)));

/** Merges the rows with `threads` worker threads (at least one). */
/** How far a merge is: the pooling of the outputs, then resample chunks done of all. */
export type MergeProgress = { phase: 'pooling' } | { phase: 'resampling'; done: number; total: number } | { phase: 'finishing' };

export async function combineOnThreads(rows: RowText[], options: CombineOptions, threads: number, onProgress: (p: MergeProgress) => void = () => {}): Promise<CombinedFigures> {
  const first = startMergeThread();
  // the others start while the first pools; they are only needed once the plan is ready
  const others = Array.from({ length: Math.max(0, threads - 1) }, startMergeThread);
  const all = [first, ...others];
  try {
    onProgress({ phase: 'pooling' });
    const { plan } = await first.request<'plan'>({ type: 'plan', rows, options });
    const tasks = plan.groups.flatMap((_, g) => Array.from({ length: chunkCount(options) }, (__, c) => ({ g, c })));
    const total = tasks.length;
    let done = 0;
    onProgress({ phase: 'resampling', done, total });
    const chunks = plan.groups.map(() => new Array<Float64Array>(chunkCount(options)));
    const helpers = tasks.length > 1 ? all : [first];
    await Promise.all(helpers.map(async (t) => {
      if (t !== first) await t.request<'loaded'>({ type: 'load', plan });
      for (let task = tasks.shift(); task; task = tasks.shift()) {
        chunks[task.g]![task.c] = (await t.request<'chunk'>({ type: 'chunk', group: task.g, chunk: task.c })).replicates;
        onProgress({ phase: 'resampling', done: ++done, total });
      }
    }));
    onProgress({ phase: 'finishing' });
    return (await first.request<'finish'>({ type: 'finish', chunks })).figures;
  } finally {
    await Promise.all(all.map((t) => t.worker.terminate()));
  }
}
