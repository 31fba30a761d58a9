import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import WebSocket from 'ws';
import { sql } from 'drizzle-orm';
import { openPostgres } from '../../coordinator/src/db/index';
import { connectRaw, enrollRaw, helloFor, type RawAgent } from '../../test/support/raw-agent';
import { startCoordinatorProcess, tempDir } from '../../test/support/processes';
import type { OwnPostgres } from './own-postgres';

/*
 * The scale drill, against one coordinator process on the drill's own PostgreSQL:
 *   - `idle` authenticated agent sockets (each host enrolled, hello signed, welcomed), then the
 *     coordinator's resident memory, the round trip of websocket pings on those sockets (the
 *     heartbeat: what a loaded event loop delays first) and a probe agent's dispatch latency
 *     (request_work until work) while they stay connected;
 *   - `silent` sockets that never say hello, and how long the coordinator takes to close them;
 *   - a 50 MB body, answered 413, with the coordinator's resident memory before and after.
 */

export interface ScaleOptions { idle: number; silent: number; probes: number }

export interface ScaleFigures {
  idle: number; connectSeconds: number; rssIdleMb: number; rssBaseMb: number;
  heartbeatP50Ms: number; heartbeatP99Ms: number; dispatchP50Ms: number; dispatchP99Ms: number;
  silent: number; silentClosed: number;
  /** Slowest close of a silent socket, from its open (when the hello timer starts) and from its dial. */
  silentMaxCloseS: number; silentMaxFromDialS: number;
  bigStatus: number; rssBeforeBigMb: number; rssAfterBigMb: number;
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
const rssMb = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;
const pct = (xs: number[], p: number) => { const s = [...xs].sort((a, b) => a - b); return s.length ? s[Math.min(s.length - 1, Math.floor(p * s.length))]! : NaN; };

/** Runs `fn` over `items`, at most `n` at a time. */
async function pool<T>(items: T[], n: number, fn: (x: T, i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: n }, async () => { while (next < items.length) { const i = next++; await fn(items[i]!, i); } }));
}

export async function runScale(pg: OwnPostgres, o: ScaleOptions, log: (s: string) => void): Promise<ScaleFigures> {
  const admin = await openPostgres(pg.url);
  await admin.rows(sql.raw('CREATE DATABASE scale'));
  await admin.close();
  const url = pg.url.replace(/\/postgres$/, '/scale');
  const dataDir = tempDir('drill-scale');
  const c = await startCoordinatorProcess({ dataDir, databaseUrl: url, env: { NFL_GRID_LOG_LEVEL: 'warn', NFL_GRID_NO_WORK_RETRY_MS: '200' } });
  const pid = c.proc.pid!;
  const adminKey = readFileSync(join(dataDir, 'admin-key'), 'utf8').trim();
  const post = async (path: string, body: unknown, key = adminKey) => {
    const res = await fetch(c.url + path, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (res.status !== 201) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    return res.json() as Promise<any>;
  };
  const agents: RawAgent[] = [];
  try {
    await pause(2000);
    const rssBaseMb = rssMb(pid);
    const u = await post('/api/v1/users', { name: 'scale-volunteer', role: 'volunteer' });
    const tokens: string[] = [];
    for (let left = o.idle + 1; left > 0; left -= 10_000) tokens.push((await post('/api/v1/enrollment-tokens', { userId: u.user.id, uses: Math.min(10_000, left) })).token);
    log(`enrolling and connecting ${o.idle} agents`);
    const t0 = Date.now();
    await pool(Array.from({ length: o.idle }, (_, i) => i), 32, async (i) => {
      const ident = await enrollRaw(c.url, tokens[Math.floor(i / 10_000)]!, `idle-${i}`);
      const a = await connectRaw(c.url, ident);
      a.send(helloFor(ident.credential, { kernels: ['bench.hash@1'] }));
      await a.next('welcome', 60_000);
      agents.push(a);
      if ((i + 1) % 1000 === 0) log(`${i + 1} agents welcomed`);
    });
    const connectSeconds = (Date.now() - t0) / 1000;
    await pause(3000);
    const rssIdleMb = rssMb(pid);

    // Heartbeat: websocket ping round trips over a sample of the idle sockets, a few rounds.
    const beats: number[] = [];
    for (let round = 0; round < 5; round++) {
      await Promise.all(agents.filter((_, i) => i % Math.max(1, Math.floor(agents.length / 2000)) === 0).map((a) => new Promise<void>((resolve) => {
        const s = performance.now();
        a.ws.once('pong', () => { beats.push(performance.now() - s); resolve(); });
        a.ws.ping();
      })));
      await pause(500);
    }

    // Dispatch latency: a probe host asks for one WU at a time while every idle socket stays open.
    const r = await post('/api/v1/users', { name: 'scale-researcher', role: 'researcher' });
    await post('/api/v1/batches', { name: 'scale probe', kernel: 'bench.hash', params: { rounds: 10, steps: 1 }, replicates: o.probes, seed: 3, policy: { minQuorum: 1, adaptive: false } }, r.apiKey);
    const pu = await post('/api/v1/users', { name: 'scale-probe', role: 'volunteer' });
    const probeIdent = await enrollRaw(c.url, (await post('/api/v1/enrollment-tokens', { userId: pu.user.id })).token, 'probe');
    const probe = await connectRaw(c.url, probeIdent);
    probe.send(helloFor(probeIdent.credential, { kernels: ['bench.hash@1'] }));
    await probe.next('welcome');
    const dispatch: number[] = [];
    for (let i = 0; i < o.probes; i++) {
      const s = performance.now();
      probe.send({ type: 'request_work', max: 1 });
      const type = await new Promise<string>((resolve) => {
        const on = (d: WebSocket.RawData) => {
          const m = JSON.parse(d.toString()) as { type: string };
          if (m.type === 'work' || m.type === 'no_work') { probe.ws.off('message', on); resolve(m.type); }
        };
        probe.ws.on('message', on);
      });
      if (type === 'work') dispatch.push(performance.now() - s);
    }
    probe.close();
    log(`heartbeat and dispatch measured; closing ${agents.length} idle agents`);
    for (const a of agents) a.ws.terminate();
    agents.length = 0;
    await pause(3000);

    // Silent sockets: opened, never a word; the coordinator must close each within its hello timeout.
    log(`opening ${o.silent} silent sockets`);
    // The hello timer starts when the connection is open; 2,000 dials at once take seconds to be
    // accepted, so the time from the dial is kept apart from the time from the open.
    const closeTimes: number[] = [];
    const fromDial: number[] = [];
    const silentStart = Date.now();
    const silent = await Promise.all(Array.from({ length: o.silent }, () => new Promise<WebSocket>((resolve) => {
      const ws = new WebSocket(c.url.replace(/^http/, 'ws') + '/agent');
      const dialled = Date.now();
      let opened: number | null = null;
      ws.on('open', () => { opened = Date.now(); });
      ws.on('close', () => {
        fromDial.push((Date.now() - dialled) / 1000);
        if (opened !== null) closeTimes.push((Date.now() - opened) / 1000);
      });
      ws.on('error', () => {});
      resolve(ws);
    })));
    while (fromDial.length < o.silent && Date.now() - silentStart < 60_000) await pause(250);
    for (const ws of silent) ws.terminate();

    // A 50 MB body: 413, and the process does not keep it.
    await pause(2000);
    const rssBeforeBigMb = rssMb(pid);
    const big = Buffer.alloc(50 * 1024 * 1024, 0x20);
    const res = await fetch(`${c.url}/api/v1/batches`, { method: 'POST', headers: { authorization: `Bearer ${r.apiKey}`, 'content-type': 'application/json' }, body: big }).catch(() => null);
    await res?.text().catch(() => '');
    await pause(3000);
    const rssAfterBigMb = rssMb(pid);
    return {
      idle: o.idle, connectSeconds, rssIdleMb, rssBaseMb,
      heartbeatP50Ms: pct(beats, 0.5), heartbeatP99Ms: pct(beats, 0.99), dispatchP50Ms: pct(dispatch, 0.5), dispatchP99Ms: pct(dispatch, 0.99),
      silent: o.silent, silentClosed: closeTimes.length, silentMaxCloseS: Math.max(0, ...closeTimes), silentMaxFromDialS: Math.max(0, ...fromDial),
      bigStatus: res?.status ?? 0, rssBeforeBigMb, rssAfterBigMb,
    };
  } finally {
    for (const a of agents) a.ws.terminate();
    await c.kill('SIGKILL');
  }
}
