import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { send } from '../api-client';
import { choiceOption } from '../args';
import type { Command } from '../command';
import { CliError } from '../errors';

export const resultsCommand: Command = {
  path: ['results'],
  summary: "download a batch's validated results",
  usage: 'ID [--format csv|json] [--out FILE]',
  help: ['--format F   csv (default) or json', '--out FILE   write to FILE instead of standard output'],
  args: ['ID'],
  options: { format: { type: 'string' }, out: { type: 'string' } },
  async run(ctx) {
    const format = choiceOption(ctx.values, 'format', ['csv', 'json'] as const) ?? (ctx.json ? 'json' : 'csv');
    const api = ctx.api();
    const res = await send(ctx.url, () => api.api.v1.batches[':id'].results.$get({ param: { id: ctx.args[0]! }, query: { format } }));
    let text = await res.text();
    if (format === 'json') text = JSON.stringify(JSON.parse(text), null, 2) + '\n';
    const out = ctx.values.out as string | undefined;
    if (!out) {
      ctx.io.out(text.replace(/\r?\n$/, ''));
      return;
    }
    try {
      writeFileSync(resolve(ctx.io.cwd, out), text);
    } catch (e) {
      throw new CliError(`cannot write ${out}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    ctx.io.err(`Wrote ${out}`);
  },
};
