import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { eq, sql } from 'drizzle-orm';
import { BatchSpec } from '@nfl-grid/shared/api/batch';
import { standardJobSet } from '@nfl-grid/shared/api/standard-jobs';
import { createEnrollmentToken } from './auth/host-credentials';
import { startCoordinator, type RunningCoordinator } from './coordinator';
import type { Db } from './db/index';
import { users } from './db/schema/index';
import { exitOnSignals } from './signals';
import { submitBatch } from './queue/submit-batch';

/*
 * Serving from this process, for the CLI's `coordinator` and `start` commands: the coordinator
 * until a signal, or the whole grid on one machine (coordinator, standard jobs, a local agent).
 */

const AGENT_BIN = fileURLToPath(new URL('../../bin/nfl-agent.mjs', import.meta.url));

/** The user of that name, made (without a key) if missing: for the one-machine grid's own accounts. */
export async function findOrCreateUser(db: Db, u: { name: string; role: 'admin' | 'researcher' | 'volunteer' }): Promise<{ id: string }> {
  await db.orm.insert(users).values({ name: u.name, role: u.role }).onConflictDoNothing();
  const [row] = await db.orm.select({ id: users.id }).from(users).where(eq(users.name, u.name)).limit(1);
  return row!;
}

function announceAdminKey(c: RunningCoordinator): void {
  if (!c.adminKey) return;
  process.stdout.write(
    `\nAdmin API key (shown once; also saved to ${join(c.grid.config.dataDir, 'admin-key')}):\n  ${c.adminKey}\n\n`,
  );
}

/** `nfl-grid coordinator`: serve until a signal. */
export async function runCoordinator(o: { port?: number; host?: string; dataDir?: string } = {}): Promise<RunningCoordinator> {
  const c = await startCoordinator(o);
  announceAdminKey(c);
  process.stdout.write(`nfl-grid coordinator on ${c.url} (console and API), agents connect to ${c.url.replace(/^http/, 'ws')}/agent\n`);
  exitOnSignals(() => c.stop());
  return c;
}

/**
 * Loads the standard job set when the queue is empty. A one-machine grid has no second host to
 * cross-check against, so `quorum` (1 for `npm start`) is applied to these batches only.
 */
export async function loadStandardJobsIfEmpty(c: RunningCoordinator, ownerId: string, quorum: number): Promise<number> {
  const [{ n }] = await c.grid.db.rows<{ n: number }>(sql`SELECT count(*)::int AS n FROM batches`);
  if (n > 0) return 0;
  let total = 0;
  for (const input of standardJobSet()) {
    const spec = BatchSpec.parse({ ...input, policy: { ...input.policy, minQuorum: quorum, targetReplicas: quorum } });
    total += (await submitBatch(c.grid, ownerId, spec)).wuCount;
  }
  return total;
}

/**
 * `npm start`: the whole grid on one machine — a coordinator on the embedded database, the
 * standard job set if the queue is empty, and one local agent at the chosen intensity.
 */
export async function runStandalone(o: { port?: number; dataDir?: string; intensity?: string } = {}): Promise<void> {
  const c = await runCoordinator({ port: o.port, dataDir: o.dataDir });
  const admin = await findOrCreateUser(c.grid.db, { name: 'admin', role: 'admin' });
  const loaded = await loadStandardJobsIfEmpty(c, admin.id, 1);
  if (loaded) process.stdout.write(`Loaded the standard job set: ${loaded} work units.\n`);

  const agentDir = join(c.grid.config.dataDir, 'local-agent');
  const args = [AGENT_BIN, '--coordinator', c.url, '--intensity', o.intensity ?? 'medium', '--data-dir', agentDir, '--name', 'local-agent'];
  if (!existsSync(join(agentDir, 'identity.json'))) {
    const volunteer = await findOrCreateUser(c.grid.db, { name: 'local-volunteer', role: 'volunteer' });
    const { token } = await createEnrollmentToken(c.grid.db, volunteer.id, { uses: 1 });
    args.push('--token', token);
  }
  // The agent runs in a process group of its own, so a Ctrl+C at the terminal reaches this
  // process only; the agent then gets exactly one SIGTERM from here and stops gracefully (it
  // would take a second signal, the terminal's SIGINT plus ours, as "force").
  let agent: ChildProcess | null = spawn(process.execPath, args, { stdio: ['ignore', 'inherit', 'inherit'], detached: true });
  agent.on('exit', (code) => {
    agent = null;
    if (code) process.stderr.write(`local agent exited with code ${code}\n`);
  });
  // A forced exit of this process (a second Ctrl+C) forces the agent too: its second signal.
  process.on('exit', () => agent?.kill('SIGTERM'));
  process.stdout.write(`Local agent started (intensity ${o.intensity ?? 'medium'}). Console: ${c.url}\n`);
  const stopAgent = () => new Promise<void>((resolve) => {
    if (!agent) return resolve();
    agent.once('exit', () => resolve());
    agent.kill('SIGTERM');
  });
  process.removeAllListeners('SIGINT');
  process.removeAllListeners('SIGTERM');
  exitOnSignals(async () => {
    await stopAgent();
    await c.stop();
  });
}
