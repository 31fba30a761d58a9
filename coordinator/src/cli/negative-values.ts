import type { OptionSpec } from './command';

const NEGATIVE_NUMBER = /^-(\d|\.\d)/;

/**
 * `-s -3.5` and `--spread -3.5` as `--spread=-3.5`: node's parseArgs otherwise refuses a value
 * that starts with a dash. Only options that take a value, and only values that are numbers.
 */
export function joinNegativeValues(args: readonly string[], options: OptionSpec): string[] {
  const byShort = new Map(Object.entries(options).filter(([, o]) => o.short).map(([name, o]) => [`-${o.short}`, name]));
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') { out.push(...args.slice(i)); break; }
    const name = a.startsWith('--') ? a.slice(2) : byShort.get(a);
    const next = args[i + 1];
    if (name && options[name]?.type === 'string' && next !== undefined && NEGATIVE_NUMBER.test(next)) {
      out.push(`--${name}=${next}`);
      i++;
    } else out.push(a);
  }
  return out;
}
