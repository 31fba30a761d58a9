import { GLOBAL_HELP, type Command } from './command';

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
