import { readFile } from 'node:fs/promises';
import { homedir, hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { Intensity } from '@nfl-grid/shared/protocol/common';
import { ConfigError } from './errors';
import { parseFault, type Fault } from './fault';
import { readEnrolledCoordinator } from './identity';

/** Kept equal to agent/package.json's version (config.test.ts checks it). */
export const AGENT_VERSION = '0.1.0';

/**
 * Everything one nfl-agent process needs, resolved once in cli.ts and passed down. Sources, first
 * one wins: command-line flags, environment variables, `<data-dir>/config.json`, and for the
 * coordinator also the one this host enrolled with (identity.json).
 */
export interface AgentSettings {
  /** Base URL of the coordinator, no trailing slash, e.g. `http://127.0.0.1:8787`. */
  coordinator: string;
  /** Enrollment token; only used when the data folder holds no identity yet. */
  token: string | null;
  intensity: Intensity;
  /** Absolute path of the data folder (identity, outbox, input cache). */
  dataDir: string;
  /** Host name shown in the console. */
  name: string;
  agentVersion: string;
  /** Test drill (NFL_AGENT_FAULT); null in normal runs. */
  fault: Fault;
  timing: {
    reconnectInitialMs: number;
    reconnectMaxMs: number;
    /** Wait for `welcome` after `hello`, and for `work`/`no_work` after `request_work`. */
    replyTimeoutMs: number;
    benchmarkMs: number;
  };
}

/** What the command line asks for. */
export type CliRequest = { kind: 'help' } | { kind: 'version' } | { kind: 'run'; flags: Flags };

export interface Flags {
  coordinator?: string;
  token?: string;
  intensity?: string;
  dataDir?: string;
  name?: string;
}

export const USAGE = `Usage: nfl-agent [options]

Runs NFL analytics work units from an nfl-grid coordinator on this machine.

Options:
  --coordinator URL    coordinator base URL, e.g. https://grid.example.org
                       (env NFL_AGENT_COORDINATOR; remembered after enrollment)
  --token TOKEN        enrollment token, needed on the first run only (env NFL_AGENT_TOKEN)
  --intensity LEVEL    low | medium | high | inferno (env NFL_AGENT_INTENSITY; default medium)
  --data-dir DIR       identity, results outbox and input cache (env NFL_AGENT_DATA_DIR;
                       default ~/.nfl-agent)
  --name NAME          host name shown in the console (env NFL_AGENT_NAME; default the hostname)
  --help               show this help
  --version            print the agent version

Settings may also be kept in <data-dir>/config.json:
  { "coordinator": "...", "token": "...", "intensity": "high", "name": "..." }
`;

/** Parses argv (without node and script). Throws ConfigError('bad_flag') on anything unknown. */
export function parseCli(argv: string[]): CliRequest {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        coordinator: { type: 'string' },
        token: { type: 'string' },
        intensity: { type: 'string' },
        'data-dir': { type: 'string' },
        name: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
      },
    }));
  } catch (e) {
    throw new ConfigError('bad_flag', `${(e as Error).message} (see nfl-agent --help)`);
  }
  if (values.help) return { kind: 'help' };
  if (values.version) return { kind: 'version' };
  const str = (k: string) => values[k] as string | undefined;
  return {
    kind: 'run',
    flags: { coordinator: str('coordinator'), token: str('token'), intensity: str('intensity'), dataDir: str('data-dir'), name: str('name') },
  };
}

const FileConfig = z.object({
  coordinator: z.string().optional(),
  token: z.string().optional(),
  intensity: z.string().optional(),
  name: z.string().optional(),
}).strict();

async function readFileConfig(dataDir: string): Promise<z.infer<typeof FileConfig>> {
  const file = join(dataDir, 'config.json');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new ConfigError('bad_config_file', `cannot read ${file}: ${(e as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ConfigError('bad_config_file', `${file} is not valid JSON: ${(e as Error).message}`);
  }
  const parsed = FileConfig.safeParse(json);
  if (!parsed.success) {
    const why = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new ConfigError('bad_config_file', `${file}: ${why}`);
  }
  return parsed.data;
}

/** First non-empty value; an explicitly empty value is an error, not a fallthrough. */
function pick(what: string, ...sources: Array<[string, string | undefined]>): string | undefined {
  for (const [source, v] of sources) {
    if (v === undefined) continue;
    if (v.trim() === '') throw new ConfigError('bad_value', `${what} from ${source} is empty`);
    return v.trim();
  }
  return undefined;
}

/** Validates a coordinator URL and drops trailing slashes. */
export function normalizeCoordinator(raw: string, source: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError('bad_value', `coordinator from ${source} is not a URL: ${raw}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError('bad_value', `coordinator from ${source} must be http:// or https://, got ${url.protocol}`);
  }
  url.search = '';
  url.hash = '';
  return url.toString().replace(/\/+$/, '');
}

/** An HTTP endpoint under the coordinator's base URL (which may carry a path prefix). */
export function endpoint(coordinator: string, path: string): URL {
  return new URL(path.replace(/^\/+/, ''), coordinator + '/');
}

export async function resolveSettings(flags: Flags, processEnv: NodeJS.ProcessEnv = process.env): Promise<AgentSettings> {
  // An empty environment variable counts as unset; an empty flag is an error (see pick).
  const env = Object.fromEntries(Object.entries(processEnv).filter(([, v]) => v !== '')) as NodeJS.ProcessEnv;
  const dataDir = resolve(pick('data dir', ['--data-dir', flags.dataDir], ['NFL_AGENT_DATA_DIR', env.NFL_AGENT_DATA_DIR]) ?? join(homedir(), '.nfl-agent'));
  const file = await readFileConfig(dataDir);
  const fileSrc = join(dataDir, 'config.json');

  const coordinatorSources: Array<[string, string | undefined]> = [
    ['--coordinator', flags.coordinator], ['NFL_AGENT_COORDINATOR', env.NFL_AGENT_COORDINATOR], [fileSrc, file.coordinator],
  ];
  const explicit = coordinatorSources.find(([, v]) => v !== undefined);
  const rawCoordinator = pick('coordinator', ...coordinatorSources) ?? (await readEnrolledCoordinator(dataDir));
  if (!rawCoordinator) {
    throw new ConfigError('missing_coordinator', 'no coordinator given: pass --coordinator URL (or set NFL_AGENT_COORDINATOR)');
  }

  const rawIntensity = pick('intensity', ['--intensity', flags.intensity], ['NFL_AGENT_INTENSITY', env.NFL_AGENT_INTENSITY], [fileSrc, file.intensity]) ?? 'medium';
  const intensity = Intensity.safeParse(rawIntensity);
  if (!intensity.success) {
    throw new ConfigError('bad_value', `intensity must be one of ${Intensity.options.join(', ')}, got "${rawIntensity}"`);
  }

  return {
    coordinator: normalizeCoordinator(rawCoordinator, explicit?.[0] ?? join(dataDir, 'identity.json')),
    token: pick('token', ['--token', flags.token], ['NFL_AGENT_TOKEN', env.NFL_AGENT_TOKEN], [fileSrc, file.token]) ?? null,
    intensity: intensity.data,
    dataDir,
    name: (pick('name', ['--name', flags.name], ['NFL_AGENT_NAME', env.NFL_AGENT_NAME], [fileSrc, file.name]) ?? hostname()).slice(0, 200),
    agentVersion: AGENT_VERSION,
    fault: parseFault(env.NFL_AGENT_FAULT),
    timing: { reconnectInitialMs: 500, reconnectMaxMs: 30_000, replyTimeoutMs: 30_000, benchmarkMs: 300 },
  };
}
