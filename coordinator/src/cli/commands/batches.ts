import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { BatchSpec } from '@nfl-grid/shared/api/batch';
import { type CombinedBatch, CombinedQuery } from '@nfl-grid/shared/api/combined';
import type { BankrollFigures } from '@nfl-grid/shared/combine/bankroll-figures';
import type { Interval } from '@nfl-grid/shared/combine/intervals';
import type { SeasonFigures } from '@nfl-grid/shared/combine/season-merge';
import { getJson, send } from '../api-client';
import { choiceOption, intOption } from '../args';
import { ago, type Cell, CliError, type Command, fmtNum, table, UsageError } from '../command';

/* A researcher's batch commands: submit, cancel, batches, results, combined, report. */

/** Reads and checks a batch spec file before anything is sent. */
function readSpecFile(path: string): BatchSpec {
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

export const batchesCommand: Command = {
  path: ['batches'],
  summary: 'list your batches (admins: all), newest first',
  usage: '[--state open|done|cancelled] [--limit N] [--offset N]',
  options: { state: { type: 'string' }, limit: { type: 'string' }, offset: { type: 'string' } },
  async run(ctx) {
    const state = choiceOption(ctx.values, 'state', ['open', 'done', 'cancelled'] as const);
    const limit = String(intOption(ctx.values, 'limit', 1, 1000) ?? 50);
    const offset = String(intOption(ctx.values, 'offset', 0, 1e9) ?? 0);
    const api = ctx.api();
    const r = await getJson(ctx.url, () => api.api.v1.batches.$get({ query: { ...(state ? { state } : {}), limit, offset } }));
    if (ctx.json) return ctx.io.out(JSON.stringify(r, null, 2));
    if (r.batches.length === 0) return ctx.io.out('No batches.');
    ctx.io.out(table(['ID', 'NAME', 'KERNEL', 'STATE', 'PRIO', 'WUS', 'DONE', 'FAILED', '%', 'OWNER', 'CREATED'],
      r.batches.map((b) => [b.id, b.name, b.kernel, b.state, b.priority, b.wuCount, b.counts.done, b.counts.failed, `${fmtNum(b.progress.percent, 1)}%`, b.owner.name, ago(b.createdAt)])));
    if (r.total > r.batches.length) ctx.io.out(`(${r.batches.length} of ${r.total}; use --offset)`);
  },
};

export const cancelCommand: Command = {
  path: ['cancel'],
  summary: 'cancel a batch',
  usage: 'ID',
  args: ['ID'],
  async run(ctx) {
    const api = ctx.api();
    const r = await getJson(ctx.url, () => api.api.v1.batches[':id'].cancel.$post({ param: { id: ctx.args[0]! } }));
    if (ctx.json) return ctx.io.out(JSON.stringify(r, null, 2));
    ctx.io.out(`Cancelled batch ${r.batchId}: ${fmtNum(r.wusCancelled)} work units, ${fmtNum(r.replicasCancelled)} replicas out on hosts.`);
  },
};

export const resultsCommand: Command = {
  path: ['results'],
  summary: "download a batch's validated results",
  usage: 'ID [--format csv|json] [--wide] [--out FILE]',
  help: [
    '--format F   csv (default) or json',
    '--wide       csv with one row per work unit (arrays as JSON in a cell) instead of the long form:',
    '             one row per work unit x item (team, scenario), every value in its own column',
    '--out FILE   write to FILE instead of standard output',
  ],
  args: ['ID'],
  options: { format: { type: 'string' }, wide: { type: 'boolean' }, out: { type: 'string' } },
  async run(ctx) {
    const format = choiceOption(ctx.values, 'format', ['csv', 'json'] as const) ?? (ctx.json ? 'json' : 'csv');
    const shape = ctx.values.wide ? 'wide' : 'long';
    const api = ctx.api();
    const res = await send(ctx.url, () => api.api.v1.batches[':id'].results.$get({ param: { id: ctx.args[0]! }, query: { format, shape } }));
    let text = await res.text();
    if (format === 'json') text = JSON.stringify(JSON.parse(text), null, 2) + '\n';
    writeOut(ctx, text);
  },
};

/** Text to `--out FILE`, or to standard output. */
function writeOut(ctx: Parameters<Command['run']>[0], text: string): void {
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
}

/** A value with `digits` decimals; probabilities as percentages. */
function show(x: number | null | undefined, digits: number, percent = false): string {
  if (x === null || x === undefined) return '-';
  return percent ? `${fmtNum(100 * x, digits)}%` : fmtNum(x, digits);
}

/** Estimate, interval and standard error as table cells. */
function cells(iv: Interval | null, digits: number, percent = false): Cell[] {
  if (!iv) return ['-', '-', '-'];
  const ci = iv.lower === null ? '-' : `${show(iv.lower, digits, percent)} … ${show(iv.upper, digits, percent)}`;
  return [show(iv.estimate, digits, percent), ci, show(iv.standardError, digits + 1, percent)];
}

function bankrollTable(f: BankrollFigures, levelPct: string): string {
  const q = f.finalBankroll;
  const rows: [string, Interval, number, boolean?][] = [
    ['final bankroll, mean', q.mean, 2], ['final bankroll, 1st percentile', q.p01, 2], ['final bankroll, 5th percentile', q.p05, 2],
    ['final bankroll, median', q.p50, 2], ['final bankroll, 95th percentile', q.p95, 2], ['P(profit)', f.pProfit, 2, true],
    ['VaR 95% (loss)', f.var95, 2], ['CVaR 95% (loss)', f.cvar95, 2], ['max drawdown, mean', f.maxDrawdown.mean, 2, true],
    ['max drawdown, 95th percentile', f.maxDrawdown.p95, 2, true], ['Sharpe per bet', f.sharpePerBet, 5], ['P(ruin)', f.pRuin, 3, true],
    ['bets placed per scenario', f.meanBetsPlaced, 1],
  ];
  return table(['FIGURE', 'ESTIMATE', `${levelPct} CI`, 'SE'], rows.map(([name, iv, d, pct]) => [name, ...cells(iv, d, pct)]));
}

function seasonTable(f: SeasonFigures, levelPct: string): string {
  const teams = [...f.teams].sort((a, b) => (b.pPlayoffs?.estimate ?? b.meanWins.estimate ?? 0) - (a.pPlayoffs?.estimate ?? a.meanWins.estimate ?? 0));
  return table(['TEAM', 'MEAN WINS', `${levelPct} CI`, 'P(PLAYOFFS)', `${levelPct} CI`, 'P(DIVISION)', `${levelPct} CI`, 'P(10+ WINS)'],
    teams.map((t) => {
      const [w, wci] = cells(t.meanWins, 2);
      const [p, pci] = cells(t.pPlayoffs, 1, true);
      const [d, dci] = cells(t.pDivision, 1, true);
      return [t.team, w, wci, p, pci, d, dci, show(t.pWins10.estimate, 1, true)];
    }));
}

const paramText = (p: Record<string, unknown>) => Object.entries(p).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(' ');

function combinedText(r: CombinedBatch): string {
  const levelPct = `${fmtNum(100 * r.options.level, 0)}%`;
  const lines = [
    `Batch ${r.batchId} (${r.kernel}, ${r.batchState}): ${fmtNum(r.included)} of ${fmtNum(r.wuCount)} work units merged${r.complete ? '' : ' (partial)'}`,
    `${fmtNum(r.options.resamples)} bootstrap resamples, ${levelPct} percentile intervals, seed ${r.options.seed}; ${r.cached ? 'cached, ' : ''}computed in ${fmtNum(r.computeMs / 1000, 1)} s`,
  ];
  for (const ex of r.excluded) lines.push(`left out: WU ${ex.wuId}: ${ex.reason}`);
  r.groups.forEach((g, i) => {
    const size = g.figures.kind === 'mc.bankroll' ? `${fmtNum(g.figures.scenarios)} scenarios` : `${fmtNum(g.figures.simulations)} simulated seasons`;
    lines.push('', `Group ${i + 1}: ${fmtNum(g.workUnits)} WUs, ${size}; ${paramText(g.params)}`);
    lines.push(g.figures.kind === 'mc.bankroll' ? bankrollTable(g.figures, levelPct) : seasonTable(g.figures, levelPct));
  });
  return lines.join('\n');
}

export const combinedCommand: Command = {
  path: ['combined'],
  summary: "merge a batch's work units into batch-level figures with bootstrap confidence intervals",
  usage: 'ID [--resamples N] [--level L] [--seed S] [--format table|json|csv] [--out FILE]',
  help: [
    '--resamples N   bootstrap resamples, 1000 to 100000 (default 5000)',
    '--level L       confidence level of the intervals, above 0.5 and below 1 (default 0.95)',
    '--seed S        seed of the resampling (default 1): the same seed gives the same intervals',
    '--format F      table (default), json, or csv (one row per group x item: team or figure)',
    '--out FILE      write to FILE instead of standard output',
    'mc.bankroll@1 and mc.season@1 batches; a partial batch merges the work units done so far.',
  ],
  args: ['ID'],
  options: { resamples: { type: 'string' }, level: { type: 'string' }, seed: { type: 'string' }, format: { type: 'string' }, out: { type: 'string' } },
  async run(ctx) {
    const format = choiceOption(ctx.values, 'format', ['table', 'json', 'csv'] as const) ?? (ctx.json ? 'json' : 'table');
    const given = Object.fromEntries((['resamples', 'level', 'seed'] as const).filter((k) => ctx.values[k] !== undefined).map((k) => [k, ctx.values[k] as string]));
    // the API's own rules, checked here first so a typo is a usage error, not a round trip
    const checked = CombinedQuery.safeParse(given);
    if (!checked.success) {
      const issue = checked.error.issues[0]!;
      throw new UsageError(`--${String(issue.path[0])}: ${issue.message}`, 'combined');
    }
    const api = ctx.api();
    if (format === 'csv') {
      const res = await withProgress(ctx, send(ctx.url, () => api.api.v1.batches[':id'].combined.$get({ param: { id: ctx.args[0]! }, query: { ...given, format: 'csv' } })));
      return writeOut(ctx, await res.text());
    }
    const r = await withProgress(ctx, getJson(ctx.url, () => api.api.v1.batches[':id'].combined.$get({ param: { id: ctx.args[0]! }, query: given })));
    writeOut(ctx, format === 'json' ? JSON.stringify(r, null, 2) : combinedText(r as CombinedBatch));
  },
};

const PROGRESS_EVERY_MS = 2000;

/** While a merge runs, its progress on standard error every two seconds (a cache hit answers before the first). */
async function withProgress<T>(ctx: Parameters<Command['run']>[0], pending: Promise<T>): Promise<T> {
  const api = ctx.api();
  let settled = false;
  const timer = setInterval(() => {
    void getJson(ctx.url, () => api.api.v1.batches[':id'].combined.progress.$get({ param: { id: ctx.args[0]! } })).then((p) => {
      if (settled || !p.running) return;
      const what = p.phase === 'resampling' ? `resampling, ${p.done} of ${p.total} chunks (${Math.round((100 * p.done) / Math.max(p.total, 1))}%)` : p.phase;
      ctx.io.err(`merging: ${what}, ${Math.round(p.elapsedMs / 1000)} s`);
    }, () => undefined);
  }, PROGRESS_EVERY_MS);
  try {
    return await pending;
  } finally {
    settled = true;
    clearInterval(timer);
  }
}

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

export const reopenedCommand: Command = {
  path: ['reopened'],
  summary: "a batch's work units that were re-opened after a host that vouched for them was caught, and why",
  usage: 'ID',
  help: ['Each re-opening: the work unit, solo or quorum, the reason, and whether its new result differs from the one withdrawn.'],
  args: ['ID'],
  async run(ctx) {
    const api = ctx.api();
    const r = await getJson(ctx.url, () => api.api.v1.batches[':id'].reopened.$get({ param: { id: ctx.args[0]! } }));
    if (ctx.json) return ctx.io.out(JSON.stringify(r, null, 2));
    if (r.reopenings.length === 0) return ctx.io.out(`No work unit of batch ${r.batchId} was re-opened.`);
    ctx.io.out(`${fmtNum(r.workUnits)} work units of batch ${r.batchId} re-opened:`);
    ctx.io.out(table(['SEQ', 'WU', 'KIND', 'WHEN', 'STATE', 'RESULT', 'REASON'],
      r.reopenings.map((o) => [o.seq, o.wuId, o.kind, ago(o.reopenedAt), o.state,
        o.changed === null ? 'pending' : o.changed ? 'changed' : 'unchanged', o.reason])));
  },
};
