import type { Worker } from 'node:worker_threads';
import { startTsWorker } from '@nfl-grid/shared/threads/ts-worker';
import { seaText } from '../sea';

/*
 * Where a kernel worker thread's code comes from. A single executable has no files to point a
 * Worker at, so the packaged binary carries the bundled worker (kernel-worker.ts, built by
 * scripts/package-agent.ts) as the asset `kernel-worker.js` and evaluates it. From a source
 * checkout the worker boots tsx first and then imports kernel-worker.ts (shared/src/util/ts-worker.ts).
 */

export const WORKER_ASSET = 'kernel-worker.js';

export function startKernelWorker(): Worker {
  return startTsWorker(new URL('./kernel-worker.ts', import.meta.url), seaText(WORKER_ASSET));
}
