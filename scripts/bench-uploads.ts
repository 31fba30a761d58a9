/*
 * npm run bench:uploads — a coordinator's memory under 40 unfinished 31 MB uploads without a key,
 * then under 40 agent websockets that trickle a 31 MB frame and never say hello.
 *
 * Starts `nfl-grid coordinator` in a child process (PGlite in a temporary data folder, or the
 * DATABASE_URL server, which it migrates), then opens 40 uploads to eight /api routes that take
 * a body, half declaring 31 MB and half chunked, each written as fast as its socket takes it and
 * never finished. Prints one JSON line per phase: the child's RSS (/proc VmRSS) before, at its
 * peak (sampled every 50 ms) and after, and how the uploads ended (answered, cut off, or still
 * open when the client gave up after 20 s).
 * Options: --repo DIR (another checkout's bin/nfl-grid.mjs, e.g. an older commit's, to compare).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { rssMb, unfinishedFrame, unfinishedUpload } from '../test/support/uploads';

const { values } = parseArgs({ options: { repo: { type: 'string' } } });
const repo = values.repo ? resolve(values.repo) : fileURLToPath(new URL('..', import.meta.url));
const dataDir = mkdtempSync(join(tmpdir(), 'nfl-grid-bench-uploads-'));
const MB = 1024 * 1024;
const PATHS: [string, string][] = [
  ['POST', '/api/v1/batches'], ['POST', '/api/v1/users'], ['PATCH', '/api/v1/hosts/00000000-0000-4000-8000-000000000000'],
  ['PUT', '/api/v1/bandit/strategy'], ['POST', '/api/training/submit'], ['POST', '/api/performance/compare'],
  ['POST', '/api/v1/enrollment-tokens'], ['PUT', '/api/data/preprocessing/config'],
];

const child = spawn(process.execPath, [join(repo, 'bin/nfl-grid.mjs'), 'coordinator', '--port', '0', '--data-dir', dataDir], {
  stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, NFL_GRID_LOG: 'json' },
});
const url = await new Promise<string>((ok, fail) => {
  createInterface({ input: child.stderr! }).on('line', (line) => {
    const m = line.match(/listening on (http:\/\/[^\s"]+)/);
    if (m) ok(m[1]!);
  });
  child.once('exit', (code) => fail(new Error(`coordinator exited (${code}) before listening`)));
});
const pid = child.pid!;
const adminKey = readFileSync(join(dataDir, 'admin-key'), 'utf8').trim();
await fetch(`${url}/api/v1/queue`, { headers: { authorization: `Bearer ${adminKey}` } });
await new Promise((r) => setTimeout(r, 3000)); // let start-up settle before the baseline

const before = rssMb(pid);
let peak = before;
const sampler = setInterval(() => { peak = Math.max(peak, rssMb(pid)); }, 50);
const outcomes = await Promise.all(Array.from({ length: 40 }, (_, i) => {
  const [method, path] = PATHS[i % PATHS.length]!;
  return unfinishedUpload(url, path, { method, declaredBytes: i % 2 ? 31 * MB : undefined, maxBytes: 31 * MB, giveUpMs: 20_000 });
}));
clearInterval(sampler);
const count = (f: (o: (typeof outcomes)[number]) => boolean) => outcomes.filter(f).length;
process.stdout.write(`${JSON.stringify({
  phase: 'uploads without a key', repo, database: process.env.DATABASE_URL ? 'postgres' : 'pglite',
  rssBeforeMb: +before.toFixed(1), rssPeakMb: +peak.toFixed(1), rssAfterMb: +rssMb(pid).toFixed(1),
  answered: Object.fromEntries([...new Set(outcomes.map((o) => o.status).filter((s) => s !== null))].map((s) => [s, count((o) => o.status === s)])),
  cutOff: count((o) => o.status === null && o.closed), openWhenGivenUp: count((o) => o.status === null && !o.closed),
  slowestMs: Math.max(...outcomes.map((o) => o.ms)), mostWrittenMb: +(Math.max(...outcomes.map((o) => o.sent)) / MB).toFixed(1),
})}\n`);

const wsBefore = rssMb(pid);
let wsPeak = wsBefore;
const wsSampler = setInterval(() => { wsPeak = Math.max(wsPeak, rssMb(pid)); }, 50);
const frames = await Promise.all(Array.from({ length: 40 }, () => unfinishedFrame(url, { declaredBytes: 31 * MB, giveUpMs: 20_000 })));
clearInterval(wsSampler);
process.stdout.write(`${JSON.stringify({
  phase: 'websocket frames before hello', rssBeforeMb: +wsBefore.toFixed(1), rssPeakMb: +wsPeak.toFixed(1), rssAfterMb: +rssMb(pid).toFixed(1),
  upgraded: frames.filter((f) => f.upgraded).length, closed: frames.filter((f) => f.closed).length,
  slowestMs: Math.max(...frames.map((f) => f.ms)), mostWrittenMb: +(Math.max(...frames.map((f) => f.sent)) / MB).toFixed(1),
})}\n`);

const exited = new Promise((r) => child.once('exit', r));
child.kill('SIGKILL');
await exited;
rmSync(dataDir, { recursive: true, force: true });
