import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const AGENT_BIN = fileURLToPath(new URL('../../bin/nfl-agent.mjs', import.meta.url));
const GRID_BIN = fileURLToPath(new URL('../../bin/nfl-grid.mjs', import.meta.url));

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `nfl-grid-${prefix}-`));
}

/** A child process whose JSON log lines (stderr) and stdout lines can be awaited. */
export interface Watched {
  proc: ChildProcess;
  lines: string[];
  /** The JSON log records among the lines (NFL_GRID_LOG=json), whole. */
  records: Record<string, unknown>[];
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  exited: Promise<number | null>;
  kill(signal?: NodeJS.Signals): Promise<number | null>;
}

export function watch(proc: ChildProcess, name: string): Watched {
  const lines: string[] = [];
  const records: Record<string, unknown>[] = [];
  const waiters: { pattern: RegExp; resolve: (m: RegExpMatchArray) => void; reject: (e: Error) => void }[] = [];
  const onLine = (line: string) => {
    let text = line;
    try {
      const rec = JSON.parse(line);
      if (rec && typeof rec.msg === 'string') {
        text = rec.msg;
        records.push(rec);
      }
    } catch { /* plain line */ }
    lines.push(text);
    if (process.env.NFL_GRID_TEST_VERBOSE) process.stderr.write(`[${name}] ${text}\n`);
    for (const w of [...waiters]) {
      const m = text.match(w.pattern);
      if (m) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(m);
      }
    }
  };
  for (const stream of [proc.stdout, proc.stderr]) {
    let buf = '';
    stream?.setEncoding('utf8');
    stream?.on('data', (chunk: string) => {
      buf += chunk;
      let i: number;
      while ((i = buf.indexOf('\n')) >= 0) {
        onLine(buf.slice(0, i));
        buf = buf.slice(i + 1);
      }
    });
  }
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => {
    // Nothing more will be printed: fail whoever still waits, with what the process said last.
    setTimeout(() => {
      for (const w of waiters.splice(0)) w.reject(new Error(`${name} exited (code ${code}) before printing ${w.pattern}\n--- last lines ---\n${lines.slice(-30).join('\n')}`));
    }, 100);
    resolve(code);
  }));
  return {
    proc,
    lines,
    records,
    exited,
    waitFor(pattern, timeoutMs = 30_000) {
      for (const l of lines) {
        const m = l.match(pattern);
        if (m) return Promise.resolve(m);
      }
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`${name}: timed out waiting for ${pattern}\n--- last lines ---\n${lines.slice(-30).join('\n')}`)), timeoutMs);
        waiters.push({ pattern, resolve: (m) => { clearTimeout(t); resolve(m); }, reject: (e) => { clearTimeout(t); reject(e); } });
      });
    },
    async kill(signal = 'SIGTERM') {
      if (proc.exitCode !== null || proc.signalCode !== null) return proc.exitCode;
      proc.kill(signal);
      return exited;
    },
  };
}

export interface AgentOptions {
  coordinator: string;
  token?: string;
  dataDir?: string;
  intensity?: 'low' | 'medium' | 'high' | 'inferno';
  name?: string;
  env?: Record<string, string>;
}

/** Starts a real nfl-agent process. */
export function startAgent(o: AgentOptions): Watched & { dataDir: string } {
  const dataDir = o.dataDir ?? tempDir('agent');
  const args = [AGENT_BIN, '--coordinator', o.coordinator, '--data-dir', dataDir, '--intensity', o.intensity ?? 'high'];
  if (o.token) args.push('--token', o.token);
  if (o.name) args.push('--name', o.name);
  const proc = spawn(process.execPath, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NFL_GRID_LOG: 'json', ...o.env },
  });
  return { ...watch(proc, o.name ?? 'agent'), dataDir };
}

/** Starts a real coordinator process (`nfl-grid coordinator`) and waits until it serves. */
export async function startCoordinatorProcess(o: { dataDir?: string; databaseUrl?: string | null; env?: Record<string, string>; port?: number }): Promise<Watched & { url: string; dataDir: string }> {
  const dataDir = o.dataDir ?? tempDir('coord');
  const env: Record<string, string | undefined> = { ...process.env, NFL_GRID_LOG: 'json', ...o.env };
  if (o.databaseUrl) env.DATABASE_URL = o.databaseUrl;
  else delete env.DATABASE_URL;
  const proc = spawn(process.execPath, [GRID_BIN, 'coordinator', '--port', String(o.port ?? 0), '--data-dir', dataDir], { stdio: ['ignore', 'pipe', 'pipe'], env });
  const w = watch(proc, 'coordinator');
  try {
    const m = await w.waitFor(/nfl-grid coordinator on (http:\/\/\S+)/, 90_000);
    return { ...w, url: m[1]!, dataDir };
  } catch (e) {
    // a coordinator that did not come up in time must not live on beside the next attempt
    await w.kill('SIGKILL');
    throw e;
  }
}
