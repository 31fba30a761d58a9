import { ConfigError } from '../config';
import { createApi, resolveApiKey } from './api-client';
import { parseCli } from './args';
import { type Api, ApiError, CliError, type CliIo, type Command, commandHelp, type Ctx, EXIT, mainHelp, UsageError } from './command';
import { coordinatorCommand, createUserCommand, enrollTokenCommand, hostsCommand, initCommand, startCommand, statusCommand } from './commands/grid';
import { banditCommand } from './commands/bandit';
import { batchCommand } from './commands/batch-show';
import { batchesCommand, cancelCommand, combinedCommand, reopenedCommand, reportCommand, resultsCommand, submitCommand } from './commands/batches';
import { rebalanceCommand, scoreboardCommand } from './commands/tracker';
import { runKernelCommand } from './commands/run-kernel';
import { coverCommand } from './commands/cover';
import { nbaScheduleCommand } from './commands/nba';

/*
 * `nfl-grid`: the coordinator's command line. Client commands talk to a coordinator's REST API
 * with the typed client; `coordinator` and `start` run one in this process. Exit status: 0 ok,
 * 1 when the server (or the network, or a file) says no, 2 for bad usage.
 */

const DEFAULT_URL = 'http://127.0.0.1:8787';

const processIo: CliIo = {
  out: (t) => void process.stdout.write(t + '\n'),
  err: (t) => void process.stderr.write(t + '\n'),
  env: process.env,
  cwd: process.cwd(),
};

function coordinatorUrl(flag: string | undefined, env: NodeJS.ProcessEnv): string {
  const raw = flag ?? env.NFL_GRID_URL ?? DEFAULT_URL;
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new UsageError(`--coordinator is not a URL: ${raw}`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new UsageError(`--coordinator must be an http(s) URL: ${raw}`);
  return raw.replace(/\/+$/, '');
}

function report(e: unknown, io: CliIo): number {
  if (e instanceof UsageError) {
    io.err(`nfl-grid: ${e.message}`);
    io.err(`Run 'nfl-grid ${e.command ? e.command + ' ' : ''}--help' for usage.`);
    return EXIT.usage;
  }
  if (e instanceof ApiError) {
    io.err(`nfl-grid: ${e.message}`);
    io.err(`  (HTTP ${e.status}, ${e.code}${e.field ? `, field ${e.field}` : ''})`);
    if (e.status === 401) io.err('  Pass --api-key KEY or set NFL_GRID_API_KEY.');
    return EXIT.failed;
  }
  if (e instanceof CliError) {
    io.err(`nfl-grid: ${e.message}`);
    for (const d of e.details) io.err(`  ${d}`);
    return EXIT.failed;
  }
  if (e instanceof ConfigError) {
    io.err(`nfl-grid: bad configuration: ${e.message}`);
    return EXIT.failed;
  }
  const sys = e as NodeJS.ErrnoException & { address?: string; port?: number };
  if (sys?.code === 'EADDRINUSE' || sys?.code === 'EACCES') {
    const where = `${sys.address ?? ''}:${sys.port ?? ''}`;
    io.err(sys.code === 'EADDRINUSE'
      ? `nfl-grid: ${where} is already in use (another coordinator?); stop it or choose another port with --port P or NFL_GRID_PORT`
      : `nfl-grid: not allowed to listen on ${where}; choose another port with --port P or NFL_GRID_PORT`);
    return EXIT.failed;
  }
  io.err(`nfl-grid: ${(e as Error)?.stack ?? String(e)}`);
  return EXIT.failed;
}

export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  try {
    const parsed = parseCli(argv, COMMANDS);
    if (parsed.kind === 'help') {
      const text = parsed.command ? commandHelp(parsed.command) : mainHelp(COMMANDS, parsed.group);
      (parsed.asked ? io.out : io.err)(text);
      return parsed.asked ? EXIT.ok : EXIT.usage;
    }
    const { values } = parsed;
    const url = coordinatorUrl(values.coordinator as string | undefined, io.env);
    let api: Api | null = null;
    const ctx: Ctx = {
      io, values, url,
      args: parsed.args,
      json: values.json === true,
      api() {
        api ??= createApi(url, resolveApiKey({
          apiKey: values['api-key'] as string | undefined, dataDir: values['data-dir'] as string | undefined, url, env: io.env, cwd: io.cwd,
        }).key);
        return api;
      },
    };
    try {
      return (await parsed.command.run(ctx)) ?? EXIT.ok;
    } catch (e) {
      if (e instanceof UsageError && !e.command) throw new UsageError(e.message, parsed.command.path.join(' '));
      throw e;
    }
  } catch (e) {
    return report(e, io);
  }
}

/** Every command, in the order `nfl-grid --help` lists them. */
export const COMMANDS: Command[] = [
  coordinatorCommand, startCommand, initCommand, statusCommand, scoreboardCommand, submitCommand,
  cancelCommand, batchesCommand, batchCommand, hostsCommand, resultsCommand, combinedCommand, reopenedCommand, reportCommand, rebalanceCommand, createUserCommand, enrollTokenCommand,
  banditCommand, runKernelCommand, coverCommand, nbaScheduleCommand,
];
