import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { BatchSpec } from '@nfl-grid/shared/api/batch';
import { getJson } from '../api-client';
import type { Command } from '../command';
import { CliError } from '../errors';
import { fmtNum } from '../format';

/** Reads and checks a batch spec file before anything is sent. */
export function readSpecFile(path: string): BatchSpec {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new CliError(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new CliError(`${path} is not valid JSON: ${(e as Error).message}`);
  }
  const parsed = BatchSpec.safeParse(raw);
  if (!parsed.success) {
    throw new CliError(`${path} is not a valid batch spec`, parsed.error.issues.map((i) => `${i.path.join('.') || '(top level)'}: ${i.message}`));
  }
  return parsed.data;
}

export const submitCommand: Command = {
  path: ['submit'],
  summary: 'submit a batch from a JSON spec file (checked here first)',
  usage: 'FILE',
  help: ['FILE   a BatchSpec: { name, kernel, params, grid | units, replicates, priority, seed, policy }'],
  args: ['FILE'],
  async run(ctx) {
    const spec = readSpecFile(resolve(ctx.io.cwd, ctx.args[0]!));
    const api = ctx.api();
    const r = await getJson(ctx.url, () => api.api.v1.batches.$post({ json: spec }));
    if (ctx.json) return ctx.io.out(JSON.stringify(r, null, 2));
    ctx.io.out(`Submitted batch ${r.batchId}: ${fmtNum(r.wuCount)} work units, about ${fmtNum(r.estimatedHours, 1)} CPU hours.`);
  },
};
