import { execFile, spawn } from 'node:child_process';
import { mkdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { TestGrid } from './support/grid-harness';
import { tempDir, watch, type AgentOptions, type Watched } from './support/processes';

/*
 * The packaged nfl-agent in whole-system tests: builds dist/nfl-agent when it is missing or older
 * than the sources (scripts/package-agent.ts --if-stale; one build at a time across test files),
 * and runs it as a volunteer would — from an empty folder, with no Node on PATH.
 */

const exec = promisify(execFile);
const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const AGENT_BINARY = join(ROOT, 'dist', process.platform === 'win32' ? 'nfl-agent.exe' : 'nfl-agent');
const LOCK = join(ROOT, 'dist', '.build-lock');

/** Builds the binary if needed (serialised by a lock folder) and returns its path. */
export async function ensureAgentBinary(): Promise<string> {
  await mkdir(join(ROOT, 'dist'), { recursive: true });
  const deadline = Date.now() + 240_000;
  for (;;) {
    try {
      await mkdir(LOCK);
      break;
    } catch {
      // Another test file is building; a lock older than the deadline is left from a crash.
      const age = Date.now() - (await stat(LOCK).then((s) => s.mtimeMs, () => Date.now()));
      if (age > 240_000) await rm(LOCK, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error('timed out waiting for another build of dist/nfl-agent');
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  try {
    await exec(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts/package-agent.ts'), '--if-stale'], { cwd: ROOT, timeout: 240_000 });
  } finally {
    await rm(LOCK, { recursive: true, force: true });
  }
  return AGENT_BINARY;
}

/** An environment without Node: the binary must need nothing from the machine. */
export function bareEnv(extra: Record<string, string> = {}): Record<string, string> {
  return { PATH: '/usr/sbin:/usr/bin:/sbin:/bin'.split(':').filter((d) => !d.includes('node')).join(':'), HOME: tempDir('home'), NFL_GRID_LOG: 'json', ...extra };
}

export type BinaryAgent = Watched & { dataDir: string };

/** Runs the packaged agent (dist/nfl-agent, or `binary`) from an empty working folder. */
export function startBinaryAgent(o: AgentOptions & { args?: string[]; binary?: string }): BinaryAgent {
  const dataDir = o.dataDir ?? tempDir('agent');
  const args = ['--coordinator', o.coordinator, '--data-dir', dataDir, '--intensity', o.intensity ?? 'high', ...(o.args ?? [])];
  if (o.token) args.push('--token', o.token);
  if (o.name) args.push('--name', o.name);
  const proc = spawn(o.binary ?? AGENT_BINARY, args, { cwd: tempDir('cwd'), stdio: ['ignore', 'pipe', 'pipe'], env: bareEnv(o.env) });
  return { ...watch(proc, o.name ?? 'agent'), dataDir };
}

/** A new volunteer with an enrollment token and a packaged agent enrolled with it. */
export async function binaryVolunteer(grid: TestGrid, name: string, o: Partial<AgentOptions> & { args?: string[]; binary?: string } = {}): Promise<BinaryAgent & { hostId: string; userId: string; api: Awaited<ReturnType<TestGrid['createUser']>>['api'] }> {
  const user = await grid.createUser(name, 'volunteer');
  const tok = await user.api.post('/api/v1/enrollment-tokens', {});
  if (tok.status !== 201) throw new Error(`enrollment token failed: ${tok.status} ${tok.text}`);
  const agent = startBinaryAgent({ coordinator: grid.url, token: tok.body.token, name, ...o });
  const m = await agent.waitFor(/agent ready host=([0-9a-f-]{36})/, 90_000);
  return Object.assign(agent, { hostId: m[1]!, userId: user.id, api: user.api });
}

/** Runs the binary with arguments to the end (for --version, status, finish). */
export async function runBinary(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec(AGENT_BINARY, args, { cwd: tempDir('cwd'), env: bareEnv(env), timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof err.code === 'number' ? err.code : 1, stdout: err.stdout ?? '', stderr: err.stderr ?? '' };
  }
}
