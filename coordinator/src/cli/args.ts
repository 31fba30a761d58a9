import { parseArgs } from 'node:util';
import { type Command, GLOBAL_OPTIONS, type OptionSpec, UsageError, type Values } from './command';
import { joinNegativeValues } from './negative-values';

export type Parsed =
  /** `asked`: --help was given (exit 0); otherwise the command line was incomplete (exit 2). */
  | { kind: 'help'; command: Command | null; group?: string; asked: boolean }
  | { kind: 'run'; command: Command; values: Values; args: string[] };

/** Global options that take a value: their value is not the command name. */
const VALUED = new Set(Object.entries(GLOBAL_OPTIONS).filter(([, o]) => o.type === 'string').map(([k]) => `--${k}`));

/** Words that open a group of commands (`admin create-user`, `nba schedule`). */
const GROUPS = new Set(['admin', 'nba']);

/** The command words (`status`, `admin create-user`) and where they sit in argv. */
function findCommandWords(argv: string[]): number[] {
  const at: number[] = [];
  for (let i = 0; i < argv.length && at.length < 2; i++) {
    const a = argv[i]!;
    if (a === '--') break;
    if (a.startsWith('-')) {
      if (at.length === 0 && VALUED.has(a)) i++;
      if (at.length > 0) break; // options of the command begin
      continue;
    }
    at.push(i);
    if (!GROUPS.has(argv[i]!)) break;
  }
  return at;
}

/** Parses `nfl-grid [global options] <command> [options] [args]`; throws UsageError. */
export function parseCli(argv: string[], commands: Command[]): Parsed {
  const at = findCommandWords(argv);
  const words = at.map((i) => argv[i]!);
  const rest = argv.filter((_, i) => !at.includes(i));
  const wantsHelp = rest.includes('--help') || rest.includes('-h');
  if (words.length === 0) {
    if (wantsHelp || argv.length === 0) return { kind: 'help', command: null, asked: wantsHelp };
    throw new UsageError('no command given');
  }
  const command = commands.find((c) => c.path.join(' ') === words.join(' '));
  if (!command && GROUPS.has(words[0]!)) {
    if (words.length === 1) return { kind: 'help', command: null, group: words[0]!, asked: wantsHelp };
    throw new UsageError(`unknown ${words[0]} command: ${words[1]}`, words[0]);
  }
  if (!command) throw new UsageError(`unknown command: ${words[0]}`);
  if (wantsHelp) return { kind: 'help', command, asked: true };
  const options: OptionSpec = { ...GLOBAL_OPTIONS, ...command.options };
  let parsed;
  try {
    parsed = parseArgs({ args: joinNegativeValues(rest, options), options, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError((e as Error).message.replace(/\. To specify a positional argument.*$/s, ''), command.path.join(' '));
  }
  const expected = command.argsNotWith && parsed.values[command.argsNotWith] ? [] : command.args ?? [];
  if (parsed.positionals.length < expected.length) {
    throw new UsageError(`missing ${expected.slice(parsed.positionals.length).join(' ')}`, command.path.join(' '));
  }
  if (parsed.positionals.length > expected.length) {
    throw new UsageError(`unexpected argument: ${parsed.positionals[expected.length]}`, command.path.join(' '));
  }
  return { kind: 'run', command, values: parsed.values as Values, args: parsed.positionals };
}

/** An integer option within bounds, or undefined when absent. */
export function intOption(values: Values, name: string, min: number, max: number): number | undefined {
  const v = values[name];
  if (v === undefined) return undefined;
  const n = Number(v);
  if (typeof v !== 'string' || !/^-?\d+$/.test(v) || n < min || n > max) {
    throw new UsageError(`--${name} must be a whole number from ${min} to ${max}`);
  }
  return n;
}

/** A string option that must be one of `choices`. */
export function choiceOption<T extends string>(values: Values, name: string, choices: readonly T[]): T | undefined {
  const v = values[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || !choices.includes(v as T)) throw new UsageError(`--${name} must be one of ${choices.join(', ')}`);
  return v as T;
}

export function requiredString(values: Values, name: string): string {
  const v = values[name];
  if (typeof v !== 'string' || v === '') throw new UsageError(`--${name} is required`);
  return v;
}
