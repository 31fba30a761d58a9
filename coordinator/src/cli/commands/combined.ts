import type { CombinedBatch } from '@nfl-grid/shared/api/combined';
import { CombinedQuery } from '@nfl-grid/shared/api/combined';
import type { BankrollFigures } from '@nfl-grid/shared/combine/bankroll-figures';
import type { Interval } from '@nfl-grid/shared/combine/intervals';
import type { SeasonFigures } from '@nfl-grid/shared/combine/season-merge';
import { getJson } from '../api-client';
import { choiceOption } from '../args';
import type { Command } from '../command';
import { UsageError } from '../errors';
import { fmtNum, table, type Cell } from '../format';

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

export function combinedText(r: CombinedBatch): string {
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
  usage: 'ID [--resamples N] [--level L] [--seed S] [--format table|json]',
  help: [
    '--resamples N   bootstrap resamples, 1000 to 100000 (default 5000)',
    '--level L       confidence level of the intervals, above 0.5 and below 1 (default 0.95)',
    '--seed S        seed of the resampling (default 1): the same seed gives the same intervals',
    '--format F      table (default) or json',
    'mc.bankroll@1 and mc.season@1 batches; a partial batch merges the work units done so far.',
  ],
  args: ['ID'],
  options: { resamples: { type: 'string' }, level: { type: 'string' }, seed: { type: 'string' }, format: { type: 'string' } },
  async run(ctx) {
    const format = choiceOption(ctx.values, 'format', ['table', 'json'] as const) ?? (ctx.json ? 'json' : 'table');
    const given = Object.fromEntries((['resamples', 'level', 'seed'] as const).filter((k) => ctx.values[k] !== undefined).map((k) => [k, ctx.values[k] as string]));
    // the API's own rules, checked here first so a typo is a usage error, not a round trip
    const checked = CombinedQuery.safeParse(given);
    if (!checked.success) {
      const issue = checked.error.issues[0]!;
      throw new UsageError(`--${String(issue.path[0])}: ${issue.message}`, 'combined');
    }
    const api = ctx.api();
    const r = await getJson(ctx.url, () => api.api.v1.batches[':id'].combined.$get({ param: { id: ctx.args[0]! }, query: given }));
    ctx.io.out(format === 'json' ? JSON.stringify(r, null, 2) : combinedText(r as CombinedBatch));
  },
};
