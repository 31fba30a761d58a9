import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

/*
 * Node-only: starts a worker thread on a TypeScript module. A bundled build (the agent's single
 * executable) passes the bundled worker source, which is evaluated as is. From a source checkout
 * the worker boots tsx first and then imports the module, as bin/*.mjs do for the main thread.
 */

const BOOT = `
const { workerData } = require('node:worker_threads');
import(workerData.__tsx)
  .then((api) => { api.register(); return import(workerData.__entry); })
  .catch((e) => { console.error('worker thread failed to start:', e); process.exit(70); });
`;

let tsxApi: string | null = null;

/** file: URL of tsx's ESM API (its `register()`), found from this package. */
function tsxApiUrl(): string {
  if (tsxApi) return tsxApi;
  const require = createRequire(import.meta.url);
  const pkgFile = require.resolve('tsx/package.json');
  const pkg = JSON.parse(readFileSync(pkgFile, 'utf8')) as { exports: Record<string, { import?: { default?: string } }> };
  const rel = pkg.exports['./esm/api']?.import?.default;
  if (!rel) throw new Error('tsx does not export ./esm/api; cannot start worker threads from source');
  tsxApi = pathToFileURL(join(dirname(pkgFile), rel)).href;
  return tsxApi;
}

/** A worker running `entry` (a file: URL of a .ts module), or `bundled` source when given. */
export function startTsWorker(entry: URL, bundled: string | null = null): Worker {
  if (bundled !== null) return new Worker(bundled, { eval: true });
  return new Worker(BOOT, { eval: true, workerData: { __tsx: tsxApiUrl(), __entry: entry.href } });
}
