import type { Worker } from 'node:worker_threads';
import { startTsWorker } from '@nfl-grid/shared/threads/ts-worker';
import type { ReplicaCheck, UncheckedReplica } from '../queue/record-checks';

/*
 * The thread the coordinator checks reported outputs on (Kernel.verify: re-scoring a returned
 * model takes seconds of CPU and the held-out data sets), so the event loop keeps serving agents.
 * One thread per coordinator (built by the composition root), started on first use with the data
 * folder it reads, and ended after IDLE_MS without work (its parsed data sets go with it). It is
 * unref'd: it never keeps the process alive.
 */

export interface CheckRequest { id: number; inputsDir: string; items: UncheckedReplica[] }
export type CheckReply = { id: number; checks: ReplicaCheck[] } | { id: number; error: string };

const IDLE_MS = 120_000;

/** The check thread of one coordinator: started on first use, ended after IDLE_MS idle or by stop(). */
export interface CheckThread {
  /** Checks these outputs: one verdict per item, in order. */
  check(items: UncheckedReplica[]): Promise<ReplicaCheck[]>;
  /** Ends the thread now (the next check starts another). */
  stop(): Promise<void>;
}

export function createCheckThread(inputsDir: string): CheckThread {
  let thread: { worker: Worker; idle: NodeJS.Timeout | null; nextId: number } | null = null;
  const waiting = new Map<number, { resolve: (c: ReplicaCheck[]) => void; reject: (e: Error) => void }>();

  const failAll = (e: Error) => {
    for (const w of waiting.values()) w.reject(e);
    waiting.clear();
  };

  const start = (): NonNullable<typeof thread> => {
    const worker = startTsWorker(new URL('./check-worker.ts', import.meta.url));
    worker.unref();
    const t = { worker, idle: null, nextId: 1 };
    worker.on('message', (m: CheckReply) => {
      const w = waiting.get(m.id);
      waiting.delete(m.id);
      if (!w) return;
      if ('error' in m) w.reject(new Error(`check thread: ${m.error}`));
      else w.resolve(m.checks);
    });
    worker.on('error', (e) => { if (thread === t) thread = null; failAll(e); });
    worker.on('exit', (code) => { if (thread === t) thread = null; failAll(new Error(`check thread exited (code ${code})`)); });
    return t;
  };

  const stop = async () => {
    const t = thread;
    thread = null;
    if (!t) return;
    if (t.idle) clearTimeout(t.idle);
    await t.worker.terminate();
  };

  return {
    async check(items) {
      if (items.length === 0) return [];
      const t = (thread ??= start());
      if (t.idle) clearTimeout(t.idle);
      const id = t.nextId++;
      try {
        return await new Promise<ReplicaCheck[]>((resolve, reject) => {
          waiting.set(id, { resolve, reject });
          t.worker.postMessage({ id, inputsDir, items } satisfies CheckRequest);
        });
      } finally {
        if (thread === t && waiting.size === 0) {
          t.idle = setTimeout(() => void stop(), IDLE_MS);
          t.idle.unref();
        }
      }
    },
    stop,
  };
}
