import { createLogger } from '@nfl-grid/shared/util/log';
import { startAgent } from './agent';
import { AGENT_VERSION, parseCli, resolveSettings, USAGE, type AgentSettings } from './config';
import { AgentError, ConfigError, describe } from './errors';
import { handleShutdownSignals } from './signals';

/*
 * `nfl-agent`: parses flags, resolves the settings once, starts the agent and runs until SIGINT or
 * SIGTERM. Exit status: 0 after a clean stop (and for --help, --version), 1 when the agent cannot
 * start (enrollment refused, identity damaged), 2 for bad flags or settings, 130 when forced.
 * Log lines go to stderr (JSON unless stderr is a terminal; see shared/src/util/log.ts).
 */

export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  let settings: AgentSettings;
  try {
    const request = parseCli(argv);
    if (request.kind === 'help') {
      process.stdout.write(USAGE);
      return EXIT.ok;
    }
    if (request.kind === 'version') {
      process.stdout.write(`nfl-agent ${AGENT_VERSION}\n`);
      return EXIT.ok;
    }
    settings = await resolveSettings(request.flags, env);
  } catch (e) {
    return fail(e);
  }

  const log = createLogger('nfl-agent');
  const shutdown = handleShutdownSignals(log);
  try {
    const agent = await startAgent(settings, log);
    shutdown.arm((signal) => agent.stop(`${signal} received`));
  } catch (e) {
    shutdown.dispose();
    if (e instanceof ConfigError) return fail(e);
    if (e instanceof AgentError) log.error(`cannot start (${e.code}): ${e.message}`, { code: e.code });
    else log.error(`cannot start: ${describe(e)}`, { stack: (e as Error)?.stack });
    return EXIT.failed;
  }
  const code = await shutdown.stopped;
  shutdown.dispose();
  return code;
}

/** Prints a startup error for the person at the terminal and picks the exit status. */
function fail(e: unknown): number {
  if (e instanceof ConfigError) {
    process.stderr.write(`nfl-agent: ${e.message}\n`);
    return EXIT.usage;
  }
  process.stderr.write(`nfl-agent: ${describe(e)}\n`);
  return EXIT.failed;
}
