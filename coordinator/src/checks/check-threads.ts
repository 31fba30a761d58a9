import type { Worker } from 'node:worker_threads';
import { startTsWorker } from '@nfl-grid/shared/threads/ts-worker';
import type { ReplicaCheck, UncheckedReplica } from '../queue/record-checks';

/*
 * The thread the coordinator checks reported outputs on (Kernel.verify: re-scoring a returned
 * model takes seconds of CPU and the held-out data sets), so the event loop keeps serving agents.
 * One thread per process, started on first use with the data folder it reads, and ended after
 * IDLE_MS without work (its parsed data sets go with it). It is unref'd: it never keeps the
 * process alive.
 */

export interface CheckRequest { id: number; inputsDir: string; items: UncheckedReplica[] }
export type CheckReply = { id: number; checks: ReplicaCheck[] } | { id: number; error: string };

const IDLE_MS = 120_000;

let thread: { worker: Worker; inputsDir: string; idle: NodeJS.Timeout | null; nextId: number } | null = null;
const waiting = new Map<number, { resolve: (c: ReplicaCheck[]) => void; reject: (e: Error) => void }>();

function failAll(e: Error): void {
  for (const w of waiting.values()) w.reject(e);
  waiting.clear();
}

function start(inputsDir: string): NonNullable<typeof thread> {
  const worker = startTsWorker(new URL('./check-worker.ts', import.meta.url));
  worker.unref();
  const t = { worker, inputsDir, idle: null, nextId: 1 };
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
}

/** Checks these outputs on the check thread: one verdict per item, in order. */
export async function checkOnThread(inputsDir: string, items: UncheckedReplica[]): Promise<ReplicaCheck[]> {
  if (items.length === 0) return [];
  if (thread && thread.inputsDir !== inputsDir) await stopCheckThread();
  const t = (thread ??= start(inputsDir));
  if (t.idle) clearTimeout(t.idle);
  const id = t.nextId++;
  try {
    return await new Promise<ReplicaCheck[]>((resolve, reject) => {
      waiting.set(id, { resolve, reject });
      t.worker.postMessage({ id, inputsDir, items } satisfies CheckRequest);
    });
  } finally {
    if (thread === t && waiting.size === 0) {
      t.idle = setTimeout(() => void stopCheckThread(), IDLE_MS);
      t.idle.unref();
    }
  }
}

/** Ends the check thread now (the next check starts another). */
export async function stopCheckThread(): Promise<void> {
  const t = thread;
  thread = null;
  if (!t) return;
  if (t.idle) clearTimeout(t.idle);
  await t.worker.terminate();
}
