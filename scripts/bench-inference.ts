/*
 * npm run bench:inference — latency and throughput of POST /game/inference on a real coordinator.
 *
 * Starts `nfl-grid coordinator` in a child process (PGlite in a temporary data folder, or the
 * DATABASE_URL server), registers and promotes a network of the size of a small trained cover
 * model (5 inputs, 64 and 64 tanh units, sigmoid output) so that the model path is measured, then
 * runs autocannon from this process, one run per phase:
 *   1. closed loop, 10 connections, as fast as the server answers: p50, p99, requests/s
 *   2. open loop at a fixed 500 requests/s (10 connections): p50, p99 — the target is p99 < 5 ms
 *   3. the batch route, 100 states per request, 10 connections: states/s
 * Options: --seconds N (per phase, default 10).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { coverModelBody, handMadeNet } from '../test/support/models';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '10' } } });
const seconds = Number(values.seconds);
const GRID = fileURLToPath(new URL('../bin/nfl-grid.mjs', import.meta.url));
const dataDir = mkdtempSync(join(tmpdir(), 'nfl-grid-bench-inference-'));

const child = spawn(process.execPath, [GRID, 'coordinator', '--port', '0', '--data-dir', dataDir], { stdio: ['ignore', 'ignore', 'pipe'] });
const url = await new Promise<string>((resolve, reject) => {
  const rl = createInterface({ input: child.stderr! });
  rl.on('line', (line) => {
    const m = line.match(/listening on (http:\/\/[^\s"]+)/);
    if (m) resolve(m[1]!);
  });
  child.once('exit', (code) => reject(new Error(`coordinator exited (${code}) before listening`)));
});

async function stop(): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGINT');
  await exited;
  rmSync(dataDir, { recursive: true, force: true });
}

try {
  const key = readFileSync(join(dataDir, 'admin-key'), 'utf8').trim();
  const api = async (method: string, path: string, body?: unknown) => {
    const r = await fetch(url + path, { method, headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    const j = await r.json() as Record<string, any>;
    if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(j)}`);
    return j;
  };
  const reg = await api('POST', '/api/v1/models', coverModelBody(handMadeNet([64, 64]), { kernel: 'bench' }));
  await api('POST', `/api/v1/models/${reg.id}/promote`, { override: { reason: 'inference benchmark' } });
  const served = await api('GET', '/game/model');
  const state = { time_sec: 2000, hspread: -5, favorite_points: 17, underdog_points: 15 };
  const one = JSON.stringify(state);
  const batch = JSON.stringify({ items: Array.from({ length: 100 }, (_, i) => ({ ...state, time_sec: 30 * i })) });
  const headers = { 'content-type': 'application/json' };

  const run = (opts: Partial<autocannon.Options>) => autocannon({ method: 'POST', headers, body: one, connections: 10, duration: seconds, ...opts, url: opts.url ?? `${url}/game/inference` });
  const ms = (v: number) => `${v.toFixed(2)} ms`;
  console.log(`coordinator ${url} (${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'}), model ${served.model} v${served.version} (${served.format}, loaded in ${served.loadMs.toFixed(2)} ms)`);
  console.log(`machine: ${cpus().length} cores, load average before the run ${loadavg()[0]!.toFixed(2)}; ${seconds} s per phase`);

  await run({ duration: 2 }); // warm-up
  const closed = await run({});
  console.log(`1. 10 connections, closed loop: p50 ${ms(closed.latency.p50)}, p99 ${ms(closed.latency.p99)}, ${closed.requests.average.toFixed(0)} requests/s, errors ${closed.errors + closed.non2xx}`);
  const fixed = await run({ overallRate: 500 });
  console.log(`2. fixed 500 requests/s: p50 ${ms(fixed.latency.p50)}, p99 ${ms(fixed.latency.p99)}, max ${ms(fixed.latency.max)}, ${fixed.requests.average.toFixed(0)} requests/s, errors ${fixed.errors + fixed.non2xx} (target p99 < 5 ms)`);
  const batched = await run({ url: `${url}/game/inference/batch`, body: batch });
  console.log(`3. batch of 100, 10 connections: p50 ${ms(batched.latency.p50)}, p99 ${ms(batched.latency.p99)}, ${(batched.requests.average * 100).toFixed(0)} states/s, errors ${batched.errors + batched.non2xx}`);
} finally {
  await stop();
}
