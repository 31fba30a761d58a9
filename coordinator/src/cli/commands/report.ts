import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { getJson } from '../api-client';
import { choiceOption } from '../args';
import type { Command } from '../command';
import { CliError } from '../errors';

export const reportCommand: Command = {
  path: ['report'],
  summary: "write a batch's reproducible report (methods, tables, SVG figures)",
  usage: 'ID [--format md|tex] [--out DIR]',
  help: [
    '--format F   md (default) or tex (LaTeX: pdflatex report.tex; figures are SVG, included as PDF when converted)',
    '--out DIR    folder to write into (default ./report-ID); the coordinator builds the report',
  ],
  args: ['ID'],
  options: { format: { type: 'string' }, out: { type: 'string' } },
  async run(ctx) {
    const id = ctx.args[0]!;
    const format = choiceOption(ctx.values, 'format', ['md', 'tex'] as const) ?? 'md';
    const api = ctx.api();
    const bundle = await getJson(ctx.url, () => api.api.v1.batches[':id'].report.$get({ param: { id }, query: { format } }));
    const dir = resolve(ctx.io.cwd, (ctx.values.out as string | undefined) ?? `report-${id}`);
    for (const f of bundle.files) {
      const path = resolve(dir, f.path);
      if (!path.startsWith(dir)) throw new CliError(`refusing to write outside ${dir}: ${f.path}`);
      try {
        mkdirSync(dirname(path), { recursive: true });
        writeFileSync(path, f.content);
      } catch (e) {
        throw new CliError(`cannot write ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      }
    }
    if (ctx.json) return ctx.io.out(JSON.stringify({ dir, main: bundle.main, files: bundle.files.map((f) => f.path) }, null, 2));
    ctx.io.out(`Wrote ${bundle.files.length} files to ${dir} (main: ${bundle.main})`);
  },
};
