import type { ParseArgsConfig } from 'node:util';
import type { Api } from './api-client';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;
export type Values = Record<string, string | boolean | undefined>;

/** Where a command writes; tests pass their own. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

export interface Ctx {
  io: CliIo;
  values: Values;
  /** The command's own positional arguments (after its name). */
  args: string[];
  json: boolean;
  /** The coordinator's base URL. */
  url: string;
  /** The API client, with the API key resolved on first use. */
  api(): Api;
}

export interface Command {
  /** `['status']`, or `['admin', 'create-user']`. */
  path: string[];
  summary: string;
  /** Everything after `nfl-grid <path>` in the usage line. */
  usage: string;
  /** Lines explaining the options. */
  help?: string[];
  options?: OptionSpec;
  /** Names of the positional arguments, all required. */
  args?: string[];
  run(ctx: Ctx): Promise<number | void>;
}

/** Options every command takes. */
export const GLOBAL_OPTIONS: OptionSpec = {
  coordinator: { type: 'string' },
  'api-key': { type: 'string' },
  'data-dir': { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
};

export const GLOBAL_HELP = [
  '--coordinator URL   coordinator to talk to (env NFL_GRID_URL; default http://127.0.0.1:8787)',
  '--api-key KEY       API key (env NFL_GRID_API_KEY; for a local coordinator the admin key in the data folder)',
  '--data-dir DIR      the coordinator data folder (env NFL_GRID_DATA_DIR; default ./.nfl-grid)',
  '--json              machine-readable output',
  '-h, --help          help',
];
