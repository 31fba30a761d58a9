import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { z } from 'zod';
import { DEFAULT_DATA_DIR, loadLocalKernelData } from '@nfl-grid/shared/data/local';
import { findKernel, latestKernel, listKernels } from '@nfl-grid/shared/kernels/registry';
import { runKernel } from '@nfl-grid/shared/kernels/runner';
import { type Kernel, kernelRef } from '@nfl-grid/shared/kernels/types';
import { CliError, type Command, type Ctx, table, UsageError } from '../command';

/** `name` (newest version) or `name@version`; unknown → UsageError listing the known kernels. */
function resolveLocalKernel(ref: string): Kernel {
  const k = ref.includes('@') ? findKernel(ref) : latestKernel(ref);
  if (!k) throw new UsageError(`unknown kernel ${ref}; known: ${listKernels().map(kernelRef).join(', ')}`);
  return k;
}

function readParams(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read --params ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  try {
    return text.trim() === '' ? {} : JSON.parse(text);
  } catch (e) {
    throw new CliError(`${path} is not valid JSON: ${(e as Error).message}`);
  }
}

/** The top-level scalar fields of an output, for the one-line summary. */
function summarize(output: unknown): string {
  if (output === null || typeof output !== 'object') return JSON.stringify(output);
  const parts = Object.entries(output as Record<string, unknown>)
    .filter(([, v]) => v === null || ['number', 'string', 'boolean'].includes(typeof v))
    .slice(0, 8)
    .map(([k, v]) => `${k}=${typeof v === 'number' && !Number.isInteger(v) ? Number(v.toPrecision(6)) : v}`);
  return parts.join(' ');
}

/** `--list`: every kernel version in the registry, with its one-line title. */
function listLocalKernels(ctx: Ctx): void {
  const given = ['params', 'seed', 'out', 'inputs'].filter((o) => ctx.values[o] !== undefined);
  if (given.length) throw new UsageError(`--list takes no --${given[0]}`);
  const kernels = listKernels();
  if (ctx.json) {
    ctx.io.out(JSON.stringify(kernels.map((k) => ({ name: k.name, version: k.version, ref: kernelRef(k), description: k.title })), null, 2));
    return;
  }
  ctx.io.out(table(['kernel', 'version', 'description'], kernels.map((k) => [k.name, k.version, k.title])));
}

export const runKernelCommand: Command = {
  path: ['run-kernel'],
  summary: 'run a kernel locally on the data/ folder (no coordinator)',
  usage: 'NAME --params FILE [--seed N] [--out FILE] [--json]  |  --list [--json]',
  help: [
    '--list          the kernels this build has, each with its version and what it computes',
    'NAME            kernel name (newest version) or name@version, e.g. margins.key_numbers or backtest.run@1',
    '--params FILE   JSON object of the kernel params (defaults fill in the rest)',
    '--seed N        seed (default 1)',
    '--out FILE      write the full JSON output here (default: stdout)',
    '--inputs DIR    data folder with the datasets (default: the repository data/)',
    'Progress goes to stderr. Exit 2 for usage errors (unknown kernel, bad options), 1 for bad params.',
  ],
  options: { params: { type: 'string' }, seed: { type: 'string' }, out: { type: 'string' }, inputs: { type: 'string' }, list: { type: 'boolean' } },
  args: ['NAME'],
  argsNotWith: 'list',
  async run(ctx) {
    if (ctx.values.list) return void listLocalKernels(ctx);
    const kernel = resolveLocalKernel(ctx.args[0]!);
    const paramsPath = ctx.values.params as string | undefined;
    if (!paramsPath) throw new UsageError('--params FILE is required');
    const seedText = (ctx.values.seed as string | undefined) ?? '1';
    const seed = Number(seedText);
    if (!/^\d+$/.test(seedText) || !Number.isSafeInteger(seed) || seed > 2 ** 32 - 1) throw new UsageError(`--seed must be an integer 0…${2 ** 32 - 1}: ${seedText}`);
    const parsed = (kernel.paramsSchema as z.ZodType).safeParse(readParams(resolve(ctx.io.cwd, paramsPath)));
    if (!parsed.success) {
      throw new CliError(`params are not valid for ${kernelRef(kernel)}`, parsed.error.issues.map((i) => `${i.path.join('.') || '(top level)'}: ${i.message}`));
    }
    const params = parsed.data;
    const dataDir = ctx.values.inputs ? resolve(ctx.io.cwd, ctx.values.inputs as string) : DEFAULT_DATA_DIR;
    let data;
    try {
      data = loadLocalKernelData(dataDir, kernel.datasets(params));
    } catch (e) {
      throw new CliError(`cannot load datasets of ${kernelRef(kernel)} from ${dataDir}: ${(e as Error).message}`);
    }
    const started = performance.now();
    const r = await runKernel(kernel, params, seed, data, {
      afterStep: ({ step, totalSteps }) => ctx.io.err(`${kernelRef(kernel)}: step ${step}/${totalSteps}`),
    });
    if (r.status !== 'finished') throw new CliError(`${kernelRef(kernel)} stopped at step ${r.steps}`);
    const seconds = (performance.now() - started) / 1000;
    const json = JSON.stringify(r.output, null, 2);
    const outPath = ctx.values.out ? resolve(ctx.io.cwd, ctx.values.out as string) : undefined;
    if (outPath) writeFileSync(outPath, json + '\n');
    const summary = { kernel: kernelRef(kernel), seed, steps: r.steps, seconds: Number(seconds.toFixed(3)), out: outPath ?? null };
    if (ctx.json) {
      // Machine-readable: the summary on stderr when the output itself goes to stdout.
      if (outPath) ctx.io.out(JSON.stringify(summary));
      else { ctx.io.err(JSON.stringify(summary)); ctx.io.out(json); }
      return;
    }
    const line = `${kernelRef(kernel)} finished: ${r.steps} steps in ${seconds.toFixed(2)} s (seed ${seed}). ${summarize(r.output)}`;
    if (outPath) ctx.io.out(`${line}\nOutput written to ${outPath}.`);
    else { ctx.io.err(line); ctx.io.out(json); }
  },
};
