import { parseArgs } from 'node:util';
import { Intensity } from '@nfl-grid/shared/protocol/host-report';
import { ConfigError } from '../errors';
import type { ControlCommand } from '../status/control';

/*
 * The command line: an optional command (`status`, `finish`, `intensity`, `pause`, `resume`,
 * `quit`; none means run) and flags. Only the
 * flags that make sense for the command are accepted; values are checked later, in config.ts.
 */

/** Flags for running the agent (config.ts resolves them with env and config.json). */
export interface Flags {
  coordinator?: string;
  token?: string;
  intensity?: string;
  dataDir?: string;
  name?: string;
  runWindow?: string;
  idleMinutes?: string;
  onBattery?: string;
  maxCpuTemp?: string;
  maxGpuTemp?: string;
  maxMemory?: string;
  tempHysteresis?: string;
  memoryHysteresis?: string;
  checkpointInterval?: string;
  plain?: boolean;
}

export type CliRequest =
  | { kind: 'help' }
  | { kind: 'version'; verbose: boolean }
  | { kind: 'run'; flags: Flags }
  | { kind: 'status'; dataDir?: string; json: boolean }
  | { kind: 'finish'; dataDir?: string; exit: boolean; cancel: boolean }
  | { kind: 'control'; dataDir?: string; command: ControlCommand };

const RUN_FLAGS: Record<string, keyof Flags> = {
  coordinator: 'coordinator', token: 'token', intensity: 'intensity', 'data-dir': 'dataDir', name: 'name',
  'run-window': 'runWindow', 'idle-minutes': 'idleMinutes', 'on-battery': 'onBattery',
  'max-cpu-temp': 'maxCpuTemp', 'max-gpu-temp': 'maxGpuTemp', 'max-memory': 'maxMemory',
  'temp-hysteresis': 'tempHysteresis', 'memory-hysteresis': 'memoryHysteresis', 'checkpoint-interval': 'checkpointInterval',
};

const OPTIONS = {
  ...Object.fromEntries(Object.keys(RUN_FLAGS).map((k) => [k, { type: 'string' as const }])),
  plain: { type: 'boolean' as const },
  help: { type: 'boolean' as const, short: 'h' },
  version: { type: 'boolean' as const, short: 'v' },
  verbose: { type: 'boolean' as const },
  json: { type: 'boolean' as const },
  exit: { type: 'boolean' as const },
  cancel: { type: 'boolean' as const },
  abandon: { type: 'boolean' as const },
};

/** Which flags each command accepts (besides --help). */
const ALLOWED: Record<string, string[]> = {
  run: [...Object.keys(RUN_FLAGS), 'plain', 'version', 'verbose'],
  status: ['data-dir', 'json'],
  finish: ['data-dir', 'exit', 'cancel'],
  intensity: ['data-dir'],
  pause: ['data-dir'],
  resume: ['data-dir'],
  quit: ['data-dir', 'abandon'],
};

const COMMANDS = Object.keys(ALLOWED).filter((c) => c !== 'run');

/** Parses argv (without node and script). Throws ConfigError('bad_flag') on anything unknown. */
export function parseCli(argv: string[]): CliRequest {
  let values: Record<string, string | boolean | undefined>;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({ args: argv, strict: true, allowPositionals: true, options: OPTIONS }));
  } catch (e) {
    throw new ConfigError('bad_flag', `${(e as Error).message} (see nfl-agent --help)`);
  }
  if (values.help) return { kind: 'help' };
  const command = positionals[0] ?? 'run';
  if (positionals.length && !COMMANDS.includes(command)) {
    throw new ConfigError('bad_flag', `unknown command "${command}"; commands are ${COMMANDS.join(', ')} (see nfl-agent --help)`);
  }
  const operands = command === 'intensity' ? 1 : 0;
  if (positionals.length > 1 + operands) throw new ConfigError('bad_flag', `unexpected argument "${positionals[1 + operands]}" (see nfl-agent --help)`);
  const given = Object.keys(values).filter((k) => values[k] !== undefined);
  const stray = given.filter((k) => !ALLOWED[command]!.includes(k));
  if (stray.length) {
    throw new ConfigError('bad_flag', `--${stray[0]} does not apply to ${command === 'run' ? 'running the agent' : `"nfl-agent ${command}"`} (see nfl-agent --help)`);
  }
  const str = (k: string) => values[k] as string | undefined;
  if (command === 'status') return { kind: 'status', dataDir: str('data-dir'), json: Boolean(values.json) };
  if (command === 'finish') {
    if (values.exit && values.cancel) throw new ConfigError('bad_flag', 'give --exit or --cancel, not both');
    return { kind: 'finish', dataDir: str('data-dir'), exit: Boolean(values.exit), cancel: Boolean(values.cancel) };
  }
  if (command === 'intensity') {
    const level = Intensity.safeParse(positionals[1]);
    if (!level.success) throw new ConfigError('bad_flag', `nfl-agent intensity takes one of ${Intensity.options.join(', ')}${positionals[1] ? `, not "${positionals[1]}"` : ''}`);
    return { kind: 'control', dataDir: str('data-dir'), command: { kind: 'intensity', level: level.data } };
  }
  if (command === 'pause' || command === 'resume') return { kind: 'control', dataDir: str('data-dir'), command: { kind: command } };
  if (command === 'quit') return { kind: 'control', dataDir: str('data-dir'), command: { kind: 'quit', abandon: Boolean(values.abandon) } };
  if (values.version) return { kind: 'version', verbose: Boolean(values.verbose) };
  if (values.verbose) throw new ConfigError('bad_flag', '--verbose goes with --version');
  const flags: Flags = {};
  for (const [flag, key] of Object.entries(RUN_FLAGS)) {
    const v = str(flag);
    if (v !== undefined) (flags as Record<string, string>)[key] = v;
  }
  if (values.plain) flags.plain = true;
  return { kind: 'run', flags };
}
