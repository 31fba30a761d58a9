import type { ParseArgsConfig } from 'node:util';
import type { hc } from 'hono/client';
import type { AppType } from '../app';

/*
 * What a command is (its options, context and result), the errors that end one with their exit
 * status, the help text, and the plain-text tables and numbers commands print.
 */

/** The typed client of the coordinator's REST API (built by api-client.ts). */
export type Api = ReturnType<typeof hc<AppType>>;

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
  /** Names of the positional arguments, all required (none when `argsNotWith` is given). */
  args?: string[];
  /** A boolean option that takes the place of the positional arguments (`run-kernel --list`). */
  argsNotWith?: string;
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

const GLOBAL_HELP = [
  '--coordinator URL   coordinator to talk to (env NFL_GRID_URL; default http://127.0.0.1:8787)',
  '--api-key KEY       API key (env NFL_GRID_API_KEY; for a local coordinator the admin key in the data folder)',
  '--data-dir DIR      the coordinator data folder (env NFL_GRID_DATA_DIR; default ./.nfl-grid)',
  '--json              machine-readable output',
  '-h, --help          help',
];

/** Bad command line: printed with a hint to --help, exit status 2. */
export class UsageError extends Error {
  constructor(message: string, readonly command?: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** The coordinator answered with an error (its JSON error body), exit status 1. */
export class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly field?: string) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Anything else that stops a command (unreachable server, unreadable file, invalid spec), exit status 1. */
export class CliError extends Error {
  constructor(message: string, readonly details: string[] = []) {
    super(message);
    this.name = 'CliError';
  }
}

export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

const usageLine = (c: Command) => `nfl-grid ${c.path.join(' ')}${c.usage ? ' ' + c.usage : ''}`;

export function mainHelp(commands: Command[], group?: string): string {
  const shown = group ? commands.filter((c) => c.path[0] === group) : commands;
  const width = Math.max(...shown.map((c) => c.path.join(' ').length));
  return [
    group ? `Usage: nfl-grid [options] ${group} <command> [args]` : 'Usage: nfl-grid [options] <command> [args]',
    '',
    group ? `${group} commands:` : 'Commands:',
    ...shown.map((c) => `  ${c.path.join(' ').padEnd(width)}  ${c.summary}`),
    '',
    'Options (any command):',
    ...GLOBAL_HELP.map((l) => `  ${l}`),
    '',
    "Run 'nfl-grid <command> --help' for a command's options. Exit status: 0 ok, 1 failed (the server's error is printed), 2 bad usage.",
  ].join('\n');
}

export function commandHelp(c: Command): string {
  return [
    `Usage: ${usageLine(c)}`,
    '',
    c.summary.charAt(0).toUpperCase() + c.summary.slice(1) + '.',
    ...(c.help?.length ? ['', ...c.help.map((l) => `  ${l}`)] : []),
    '',
    'Options (any command):',
    ...GLOBAL_HELP.map((l) => `  ${l}`),
  ].join('\n');
}

/** Plain-text tables and numbers for the terminal. */

export type Cell = string | number | boolean | null | undefined;

export function fmtNum(n: number | null | undefined, digits = 0): string {
  if (n === null || n === undefined || Number.isNaN(n)) return '-';
  return n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** "12s ago", "5m ago", "3h ago", "2d ago", or "never". */
export function ago(when: string | Date | null | undefined, now = Date.now()): string {
  if (!when) return 'never';
  const s = Math.max(0, Math.round((now - new Date(when).getTime()) / 1000));
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.floor(s / 60)}m ago`;
  if (s < 86400) return `${Math.floor(s / 3600)}h ago`;
  return `${Math.floor(s / 86400)}d ago`;
}

const cellText = (c: Cell) => (c === null || c === undefined ? '-' : typeof c === 'boolean' ? (c ? 'yes' : 'no') : String(c));

/** Columns padded to their widest cell; numbers (and number-like text) right-aligned. */
export function table(headers: string[], rows: Cell[][]): string {
  const text = rows.map((r) => r.map(cellText));
  const right = headers.map((_, i) => rows.length > 0 && rows.every((r) => typeof r[i] === 'number' || r[i] === null || r[i] === undefined || /^[\d,.]+%?$/.test(cellText(r[i]))));
  const widths = headers.map((h, i) => Math.max(h.length, ...text.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (right[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(headers), ...text.map(line)].join('\n');
}
