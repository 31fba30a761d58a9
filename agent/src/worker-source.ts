import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { seaText } from './sea';

/*
 * Where a kernel worker thread's code comes from. A single executable has no files to point a
 * Worker at, so the packaged binary carries the bundled worker (kernel-worker.ts, built by
 * scripts/package-agent.ts) as the asset `kernel-worker.js` and evaluates it. From a source
 * checkout the worker boots tsx first and then imports kernel-worker.ts, as bin/nfl-agent.mjs
 * does for the main thread.
 */

export const WORKER_ASSET = 'kernel-worker.js';

const BOOT = `
const { workerData } = require('node:worker_threads');
import(workerData.__tsx)
  .then((api) => { api.register(); return import(workerData.__entry); })
  .catch((e) => { console.error('nfl-agent: kernel worker failed to start:', e); process.exit(70); });
`;

let tsxApi: string | null = null;

/** file: URL of tsx's ESM API (its `register()`), found from this package. */
function tsxApiUrl(): string {
  if (tsxApi) return tsxApi;
  const require = createRequire(import.meta.url);
  const pkgFile = require.resolve('tsx/package.json');
  const pkg = JSON.parse(readFileSync(pkgFile, 'utf8')) as { exports: Record<string, { import?: { default?: string } }> };
  const rel = pkg.exports['./esm/api']?.import?.default;
  if (!rel) throw new Error('tsx does not export ./esm/api; cannot start kernel workers from source');
  tsxApi = pathToFileURL(join(dirname(pkgFile), rel)).href;
  return tsxApi;
}

export function startKernelWorker(): Worker {
  const bundled = seaText(WORKER_ASSET);
  if (bundled !== null) return new Worker(bundled, { eval: true });
  return new Worker(BOOT, {
    eval: true,
    workerData: { __tsx: tsxApiUrl(), __entry: new URL('./kernel-worker.ts', import.meta.url).href },
  });
}
