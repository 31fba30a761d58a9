import { Hono } from 'hono';
import { z } from 'zod';
import { BatchSpec } from '@nfl-grid/shared/api/batch';
import { loadLocalKernelData } from '@nfl-grid/shared/data/local';
import { backtestCompare } from '@nfl-grid/shared/kernels/backtest/compare';
import { backtestRun } from '@nfl-grid/shared/kernels/backtest/run';
import { runKernelSync } from '@nfl-grid/shared/kernels/runner';
import { type Kernel, kernelRef } from '@nfl-grid/shared/kernels/types';
import { requireAuth } from '../auth/access';
import { BadRequest } from '../errors';
import type { Grid } from '../grid';
import { describeRoute } from '../openapi/registry';
import { submitBatch } from '../queue/submit-batch';
import { badRequestFromZod } from './http/validate';
import { modelBacktest, ModelBacktestBody } from '../models/model-backtest-body';

/*
 * `/api/backtest/*`: backtests answered in-process when small, queued as a batch when large.
 *
 * The body is the kernel's params (backtest.run@1 / backtest.compare@1) plus optional control
 * fields that are not passed to the kernel: `seed` (one run), `seeds` (a list: one run per seed),
 * `replicates` (that many runs with seeds derived from `seed`), and `name` / `priority` for the
 * batch.
 *
 * Threshold: a request runs directly (200 with the kernel output) when it is ONE run (at most
 * one seed / replicate) and seasons × strategies ≤ DIRECT_MAX_SEASON_STRATEGIES (a strategy-
 * season is ~2–8 ms of CPU, so a direct run stays well under a second after the data parse).
 * Anything larger becomes a batch (202 `{ batchId, wuCount }`, one WU per seed).
 */

export const DIRECT_MAX_SEASON_STRATEGIES = 100;

const Control = z.strictObject({
  seed: z.number().int().min(0).max(2 ** 32 - 1).default(1),
  seeds: z.array(z.number().int().min(0).max(2 ** 32 - 1)).min(1).max(10_000).optional(),
  replicates: z.number().int().min(1).max(10_000).default(1),
  name: z.string().min(1).max(200).optional(),
  priority: z.number().int().min(-1000).max(1000).default(0),
}).refine((c) => !(c.seeds && c.replicates > 1), { message: 'give either seeds or replicates, not both', path: ['replicates'] });
const CONTROL_KEYS = ['seed', 'seeds', 'replicates', 'name', 'priority'] as const;

async function readBody(text: string): Promise<Record<string, unknown>> {
  if (text.trim() === '') return {};
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new BadRequest(`request body is not valid JSON: ${(e as Error).message}`, undefined, 'bad_json');
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new BadRequest('request body must be a JSON object', 'body');
  return raw as Record<string, unknown>;
}

/** Splits the body into control fields and kernel params, validating both (400 naming the field). */
function parseBody<P>(kernel: Kernel<P>, body: Record<string, unknown>) {
  const control: Record<string, unknown> = {}, rest: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(body)) ((CONTROL_KEYS as readonly string[]).includes(k) ? control : rest)[k] = v;
  const c = Control.safeParse(control);
  if (!c.success) throw badRequestFromZod(c.error, 'body');
  const p = (kernel.paramsSchema as z.ZodType<P>).safeParse(rest);
  if (!p.success) throw badRequestFromZod(p.error, 'body');
  return { control: c.data, params: p.data };
}

type Control = z.output<typeof Control>;

/** Runs directly, or queues a batch with one WU per seed. */
async function runOrQueue<P extends { seasonFrom: number; seasonTo: number }>(
  grid: Grid, ownerId: string, kernel: Kernel<P>, control: Control, params: P, strategies: number,
): Promise<{ direct: true; output: unknown } | { direct: false; batchId: string; wuCount: number }> {
  const runs = control.seeds?.length ?? control.replicates;
  const size = (params.seasonTo - params.seasonFrom + 1) * strategies;
  if (runs <= 1 && size <= DIRECT_MAX_SEASON_STRATEGIES) {
    const seed = control.seeds?.[0] ?? control.seed;
    const data = loadLocalKernelData(grid.config.inputsDir, kernel.datasets(params));
    return { direct: true, output: runKernelSync(kernel, params, seed, data) };
  }
  const spec = BatchSpec.parse({
    name: control.name ?? `${kernel.name} ${params.seasonFrom}–${params.seasonTo} (${strategies} strateg${strategies === 1 ? 'y' : 'ies'} × ${runs} run${runs === 1 ? '' : 's'})`,
    kernel: kernelRef(kernel),
    priority: control.priority,
    seed: control.seed,
    params: params as Record<string, unknown>,
    ...(control.seeds ? { units: control.seeds.map((seed) => ({ params: {}, seed })) } : { replicates: control.replicates }),
  });
  const r = await submitBatch(grid, ownerId, spec);
  return { direct: false, batchId: r.batchId, wuCount: r.wuCount };
}

const DESCRIPTION = `Body: the kernel's params, plus optional seed, seeds[], replicates, name, priority. `
  + `One run with (seasonTo − seasonFrom + 1) × strategies ≤ ${DIRECT_MAX_SEASON_STRATEGIES} is computed at once (200, the kernel output); `
  + `more seeds/replicates or more season-strategies become a batch (202, { batchId, wuCount }, one work unit per seed).`;

export function backtestRoutes(grid: Grid) {
  const researcher = requireAuth(grid, ['researcher', 'admin']);
  return new Hono()
    .post('/backtest/run',
      describeRoute({
        summary: 'Backtest one betting strategy: a registry model (model_id, sport, start_date, end_date or season_from/season_to, initial_bankroll, betting_strategy, min_confidence) at the closing prices, or backtest.run@1 (answered directly when small, else queued as a batch)',
        description: DESCRIPTION,
        responses: { 200: 'The backtest.run@1 output', 202: 'The batch id and its number of work units' },
      }),
      researcher,
      async (c) => {
        const body = await readBody(await c.req.text());
        if ('model_id' in body) {
          const b = ModelBacktestBody.safeParse(body);
          if (!b.success) throw badRequestFromZod(b.error, 'body');
          return c.json(await modelBacktest(grid, c.get('scope'), b.data), 200);
        }
        const { control, params } = parseBody(backtestRun, body);
        const r = await runOrQueue(grid, c.get('user').id, backtestRun, control, params, 1);
        return r.direct ? c.json(r.output as object, 200) : c.json({ batchId: r.batchId, wuCount: r.wuCount }, 202);
      })
    .post('/backtest/compare-strategies',
      describeRoute({
        summary: 'Compare betting strategies on the same games (backtest.compare@1): answered directly when small, else queued as a batch',
        description: DESCRIPTION,
        responses: { 200: 'The backtest.compare@1 output', 202: 'The batch id and its number of work units' },
      }),
      researcher,
      async (c) => {
        const { control, params } = parseBody(backtestCompare, await readBody(await c.req.text()));
        const r = await runOrQueue(grid, c.get('user').id, backtestCompare, control, params, params.strategies.length);
        return r.direct ? c.json(r.output as object, 200) : c.json({ batchId: r.batchId, wuCount: r.wuCount }, 202);
      });
}
