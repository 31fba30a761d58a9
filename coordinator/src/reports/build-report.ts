import { and, asc, eq, inArray, isNull } from 'drizzle-orm';
import { findKernel } from '@nfl-grid/shared/kernels/registry';
import { metricSpec } from '@nfl-grid/shared/performance/metric-specs';
import { tunedParams } from '@nfl-grid/shared/performance/model-key';
import { bootstrapCi, holm, mean, permutationTest, signFlipTest, StatsError } from '@nfl-grid/shared/stats/index';
import type { Scope } from '../auth/access';
import type { Db } from '../db/index';
import { scopedModels } from '../tracker/scoped-models';
import { batches, performanceModels, performancePoints, scienceResults, users, workUnits } from '../db/schema/index';
import { type Block, type ReportDoc, toLatex, toMarkdown } from './document';
import { equityFigure, type Figure, marginFigure, metricFigure, reliabilityFigures, seasonFigure, trainingFigure } from './report-figures';

/*
 * A batch's report, built on the coordinator from what the database holds (so the CLI works
 * against a remote coordinator): methods (kernel, spec, seeds, data versions by sha256, quorum,
 * statistics used), results tables, the tracker's models, SVG figures. The bundle is a list of
 * files; the same database state always gives the same bytes (no generation time in it).
 */

export interface ReportBundle { batchId: string; format: 'md' | 'tex'; main: string; files: { path: string; content: string }[] }

type BatchRow = typeof batches.$inferSelect;
const MAX_ROWS = 500;

const compact = (o: Record<string, unknown>) => Object.entries(o).map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : String(v)}`).join(', ');

/** A batch's report; its models as the reader's scope sees them (tracker/scoped-models.ts). */
export async function buildReport(db: Db, scope: Scope, batch: BatchRow, format: 'md' | 'tex'): Promise<ReportBundle> {
  const kernelRef = `${batch.kernel}@${batch.kernelVersion}`;
  const kernel = findKernel(kernelRef);
  const spec = metricSpec(kernelRef);
  const [owner] = await db.orm.select({ name: users.name }).from(users).where(eq(users.id, batch.ownerId));
  const wus = await db.orm.select({ id: workUnits.id, seq: workUnits.seq, seed: workUnits.seed, state: workUnits.state, inputs: workUnits.inputs, minQuorum: workUnits.minQuorum })
    .from(workUnits).where(eq(workUnits.batchId, batch.id)).orderBy(asc(workUnits.seq));
  const results = await db.orm.select({ wuId: scienceResults.wuId, seq: scienceResults.seq, params: scienceResults.params, output: scienceResults.output, sha: scienceResults.outputSha256 })
    .from(scienceResults).where(and(eq(scienceResults.batchId, batch.id), isNull(scienceResults.withdrawnAt))).orderBy(asc(scienceResults.seq)).limit(MAX_ROWS);
  const points = await db.orm.select().from(performancePoints).where(eq(performancePoints.batchId, batch.id));
  const pointOf = new Map(points.map((p) => [p.wuId, p]));
  const modelKeys = [...new Set(points.map((p) => p.modelKey))].sort();
  const models = modelKeys.length ? (await scopedModels(db, scope, inArray(performanceModels.key, modelKeys))).map((m) => m.row) : [];
  const seedOf = new Map(wus.map((w) => [w.id, w.seed]));

  // Data versions: every distinct input of the batch's WUs.
  const inputs = new Map<string, Set<string>>();
  for (const w of wus) for (const i of w.inputs) inputs.set(i.name, (inputs.get(i.name) ?? new Set()).add(i.sha256));
  const counts = new Map<string, number>();
  for (const w of wus) counts.set(w.state, (counts.get(w.state) ?? 0) + 1);

  const lower = spec?.lowerIsBetter ?? true;
  const sampled = results.map((r) => {
    const p = pointOf.get(r.wuId);
    return { value: p?.value ?? NaN, samples: p?.samples ?? null, labels: p?.sampleLabels ?? null };
  });
  let bestIndex = -1;
  sampled.forEach((s, i) => {
    if (Number.isFinite(s.value) && (bestIndex < 0 || (lower ? s.value < sampled[bestIndex]!.value : s.value > sampled[bestIndex]!.value))) bestIndex = i;
  });
  const stats = bestIndex >= 0 ? resultStats(sampled, bestIndex) : results.map(() => ({ ci: null, p: null, adjustedP: null, test: null }));
  const anySamples = sampled.some((s) => s.samples);
  const label = (params: unknown) => (spec ? compact(tunedParams(spec, params as Record<string, unknown>)) : '') || 'as submitted';

  const figures: Figure[] = [];
  const forFigures = results.map((r) => ({ seq: r.seq, wuId: r.wuId, kernel: kernelRef, output: r.output, metric: pointOf.get(r.wuId)?.value ?? null, label: label(r.params) }));
  figures.push(...reliabilityFigures(forFigures));
  const eq1 = equityFigure(forFigures);
  if (eq1) figures.push(eq1);
  for (const f of [seasonFigure(forFigures), trainingFigure(forFigures), marginFigure(forFigures)]) if (f) figures.push(f);
  const mf = spec ? metricFigure(forFigures, spec.metric) : null;
  if (mf) figures.push(mf);

  const methods: Block[] = [
    { kind: 'p', text: `Kernel ${kernelRef}${kernel ? ` (${kernel.title})` : ''}. Every work unit is a deterministic function of its parameters, its seed and its input files; a result is the canonical output that a quorum of at least ${wus[0]?.minQuorum ?? 1} agreeing replicas on different volunteers' hosts vouched for, compared with the kernel's own comparator.` },
    { kind: 'p', text: `Batch seed ${(batch.spec as { seed?: number }).seed ?? 'n/a'}; each work unit's seed is derived from it and its sequence number (splitmix32) unless given explicitly, and is listed with its result below.` },
    { kind: 'table', caption: 'Data versions: the input files of the work units, by sha256', headers: ['dataset', 'sha256'], rows: [...inputs.entries()].sort(([a], [b]) => a.localeCompare(b)).flatMap(([name, shas]) => [...shas].sort().map((s) => [name, s])) },
    { kind: 'p', text: spec ? `Model metric: ${spec.metric} (${spec.lowerIsBetter ? 'lower' : 'higher'} is better; a meaningful change is ${spec.unit}).` : `This kernel has no model metric; results are reported as computed.` },
    { kind: 'list', items: [
      ...(anySamples ? [
        `Intervals: 95% percentile bootstrap of the mean of each result's per-season or per-fold values, B = ${REPORT_RESAMPLES} resamples, seed 1.`,
        'Against the best result: two-sided sign-flip permutation test on values paired by season or fold (two-sample permutation test when they do not pair); exact when the rearrangements number at most 20,000, else 10,000 Monte Carlo draws with seed 1 and p = (b + 1)/(m + 1).',
        "Multiple comparisons: Holm's step-down correction across the comparisons with the best result (family-wise error rate 0.05).",
      ] : ['No result carries per-season or per-fold values, so no interval or test is computed for single results.']),
      'Models (performance tracker): trend is the least-squares slope of the last 20 results with a 95% percentile bootstrap interval (B = 2000, seed 1); a regression is the latest result worse than the best by a one-sided sign-flip, permutation or Welch window test, Holm-corrected across all models.',
    ] },
    { kind: 'p', text: 'The submitted specification is in spec.json; submitting it again with the same data files reproduces every output bit for bit (outputs are identified by the sha256 of their canonical JSON).' },
  ];

  const results_: Block[] = [
    { kind: 'p', text: `Work units: ${wus.length} (${[...counts.entries()].sort().map(([s, n]) => `${n} ${s}`).join(', ')}); results: ${results.length}${results.length === MAX_ROWS ? ` (first ${MAX_ROWS})` : ''}.` },
    {
      kind: 'table', caption: spec ? `Results: ${spec.metric} of each result` : 'Results',
      headers: ['seq', 'WU', 'seed', 'configuration', ...(spec ? [spec.metric, '95% CI', 'p vs best (Holm)'] : []), 'output sha256'],
      align: ['r', 'r', 'r', 'l', ...(spec ? (['r', 'l', 'r'] as const) : []), 'l'],
      rows: results.map((r, i) => {
        const s = stats[i]!;
        const v = pointOf.get(r.wuId)?.value;
        return [r.seq, r.wuId, seedOf.get(r.wuId) ?? null, label(r.params),
          ...(spec ? [fmt(v), s.ci ? `[${fmt(s.ci[0])}, ${fmt(s.ci[1])}]` : null, i === bestIndex ? 'best' : fmt(s.adjustedP, 4)] : []), r.sha.slice(0, 16)];
      }),
    },
  ];
  const kt = kernelTable(kernelRef, results.map((r) => ({ seq: r.seq, params: r.params, output: r.output })));
  if (kt) results_.push(kt);
  if (models.length) {
    results_.push({
      kind: 'table', caption: 'Models these results belong to (performance tracker, all batches you may read)',
      headers: ['model', 'results', 'baseline', 'best', 'current', 'trend', 'ROI / CPU h'], align: ['l', 'r', 'r', 'r', 'r', 'l', 'r'],
      rows: models.map((m) => [m.key, m.results, fmt(m.baseline), fmt(m.best), fmt(m.current), m.trend, fmt(m.roi, 4)]),
    });
  }
  for (const f of figures) results_.push({ kind: 'figure', path: f.path, caption: f.caption });
  if (!figures.length) results_.push({ kind: 'p', text: results.length ? 'No figures: a single result of this kernel has nothing to plot against.' : 'No figures yet: the batch has no validated results.' });
  results_.push({ kind: 'p', text: 'Regret curves are drawn from the bandit scheduler\'s records, which this batch does not have.' });

  const doc: ReportDoc = {
    title: `Batch report: ${batch.name}`,
    sections: [
      { heading: 'Summary', blocks: [{ kind: 'list', items: [`batch ${batch.id}`, `kernel ${kernelRef}`, `owner ${owner?.name ?? batch.ownerId}`, `state ${batch.state}`, `submitted ${batch.createdAt.toISOString()}`, ...(batch.finishedAt ? [`finished ${batch.finishedAt.toISOString()}`] : [])] }] },
      { heading: 'Methods', blocks: methods },
      { heading: 'Results', blocks: results_ },
    ],
  };
  const main = format === 'md' ? 'report.md' : 'report.tex';
  return {
    batchId: batch.id, format, main,
    files: [
      { path: main, content: format === 'md' ? toMarkdown(doc) : toLatex(doc) },
      { path: 'spec.json', content: JSON.stringify(batch.spec, null, 2) + '\n' },
      ...figures.map((f) => ({ path: f.path, content: f.svg })),
    ],
  };
}

/* Kernel-specific results tables of a batch report (kernels not listed get only the common table). */

interface TableResult { seq: number; params: any; output: any }

export const fmt = (x: unknown, digits = 4): string | null => (typeof x === 'number' && Number.isFinite(x) ? x.toFixed(digits) : null);

type Table = Extract<Block, { kind: 'table' }>;

const TABLES: Partial<Record<string, (rs: TableResult[]) => Table>> = {
  'calibration.fit@1': (rs) => ({
    kind: 'table', caption: 'Calibration: cross-validated log loss and ECE (10 bins), raw forecasts and calibrated',
    headers: ['seq', 'source', 'games', 'raw LL', 'Platt LL', 'isotonic LL', 'raw ECE', 'Platt ECE', 'isotonic ECE'], align: ['r', 'l', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
    rows: rs.map(({ seq, output: o }) => [seq, o?.source ?? null, o?.n ?? null, fmt(o?.raw?.logLoss), fmt(o?.platt?.mean?.logLoss), fmt(o?.isotonic?.mean?.logLoss), fmt(o?.raw?.ece10), fmt(o?.platt?.mean?.ece10), fmt(o?.isotonic?.mean?.ece10)]),
  }),
  'backtest.run@1': (rs) => ({
    kind: 'table', caption: 'Backtests: bets, win rate, ROI per unit staked, profit, Sharpe and maximum drawdown',
    headers: ['seq', 'bets', 'win rate', 'ROI', 'profit', 'Sharpe', 'max DD'], align: ['r', 'r', 'r', 'r', 'r', 'r', 'r'],
    rows: rs.map(({ seq, output: o }) => [seq, o?.bets ?? null, fmt(o?.winRate, 3), fmt(o?.roi), fmt(o?.profit, 2), fmt(o?.metrics?.sharpe, 3), fmt(o?.metrics?.maxDrawdown, 3)]),
  }),
  'ratings.state_space@1': (rs) => ({
    kind: 'table', caption: 'State-space ratings: scored games, configurations, held-out (LOYO) log loss and Brier, closing line for reference',
    headers: ['seq', 'games', 'configs', 'LOYO LL', 'LOYO Brier', 'line LL'], align: ['r', 'r', 'r', 'r', 'r', 'r'],
    rows: rs.map(({ seq, output: o }) => [seq, o?.games ?? null, o?.configs?.length ?? null, fmt(o?.loyo?.pooled?.logLoss), fmt(o?.loyo?.pooled?.brier), fmt(o?.spread?.pooled?.logLoss)]),
  }),
  'mc.bankroll@1': (rs) => ({
    kind: 'table', caption: 'Bankroll simulations: median final bankroll, chance of profit and of ruin',
    headers: ['seq', 'strategy', 'fraction', 'skill', 'median', 'P(profit)', 'P(ruin)'], align: ['r', 'l', 'r', 'r', 'r', 'r', 'r'],
    rows: rs.map(({ seq, output: o }) => [seq, o?.strategy ?? null, fmt(o?.fraction, 3), fmt(o?.skill, 2), fmt(o?.final?.p50, 1), fmt(o?.pProfit, 3), fmt(o?.pRuin, 3)]),
  }),
  'backtest.compare@1': (rs) => ({
    kind: 'table', caption: 'Strategies compared on the same games: bets, win rate, ROI per unit staked, profit, Sharpe and maximum drawdown',
    headers: ['seq', 'strategy', 'name', 'side', 'bets', 'win rate', 'ROI', 'profit', 'Sharpe', 'max DD'], align: ['r', 'r', 'l', 'l', 'r', 'r', 'r', 'r', 'r', 'r'],
    rows: rs.flatMap(({ seq, output: o }) => (o?.results ?? []).map((e: any, i: number) => [seq, i, e.name ?? null, e.side ?? null,
      e.bets ?? null, fmt(e.winRate, 3), fmt(e.roi), fmt(e.profit, 2), fmt(e.metrics?.sharpe, 3), fmt(e.metrics?.maxDrawdown, 3)])),
  }),
  'mc.season@1': seasonTable,
  'train.mlp@1': (rs) => ({
    kind: 'table', caption: 'Cover networks: the returned epoch and its validation-season scores (as claimed; the coordinator re-scored them before accepting)',
    headers: ['seq', 'test', 'validation', 'hidden', 'epochs run', 'best epoch', 'val. log loss', 'val. Brier', 'val. cal. error', 'backends'], align: ['r', 'r', 'r', 'l', 'r', 'r', 'r', 'r', 'r', 'l'],
    rows: rs.map(({ seq, params: p, output: o }) => [seq, o?.testSeason ?? null, o?.validationSeason ?? null, (p?.hidden ?? []).join('-'), o?.epochsRun ?? null, o?.bestEpoch ?? null,
      fmt(o?.claimed?.logLoss), fmt(o?.claimed?.brier), fmt(o?.claimed?.calibrationError), (o?.backends ?? []).join(', ')]),
  }),
  'train.sport@1': (rs) => ({
    kind: 'table', caption: 'Pre-game model families, walk-forward: the test season, the seasons trained on and the test scores (as claimed; the coordinator re-predicted every game before accepting)',
    headers: ['seq', 'sport', 'family', 'test', 'trained on', 'train rows', 'test games', 'epochs', 'log loss', 'Brier', 'backends'], align: ['r', 'l', 'l', 'r', 'l', 'r', 'r', 'r', 'r', 'r', 'l'],
    rows: rs.map(({ seq, output: o }) => [seq, o?.sport ?? null, o?.family ?? null, o?.testSeason ?? null,
      o?.trainSeasons?.length ? `${o.trainSeasons[0]}–${o.trainSeasons[o.trainSeasons.length - 1]}` : null, o?.rows?.train ?? null, o?.rows?.test ?? null,
      o?.epochsRun ?? null, fmt(o?.claimed?.logLoss), fmt(o?.claimed?.brier), (o?.backends ?? []).join(', ')]),
  }),
  'cover.baseline@1': (rs) => ({
    kind: 'table', caption: 'Analytic cover baseline, leave-one-season-out: σ fitted on the other seasons, scores on the held-out one',
    headers: ['seq', 'season', 'σ', 'plays', 'log loss', 'Brier', 'cal. error'], align: ['r', 'r', 'r', 'r', 'r', 'r', 'r'],
    rows: rs.flatMap(({ seq, output: o }) => [
      ...(o?.seasons ?? []).map((s: any) => [seq, s.season, fmt(s.sigma, 2), s.n, fmt(s.logLoss), fmt(s.brier), fmt(s.calibrationError)]),
      [seq, 'all', null, o?.overall?.n ?? null, fmt(o?.overall?.logLoss), fmt(o?.overall?.brier), fmt(o?.overall?.calibrationError)],
    ]),
  }),
  'margins.key_numbers@1': (rs) => ({
    kind: 'table', caption: 'Key numbers: test log likelihood per game of the key-number model and the discretised Normal, their difference ± SE, pushes at integer lines',
    headers: ['seq', 'σ', 'test games', 'LL/game key', 'LL/game Normal', 'difference', 'SE', 'pushes', 'expected key', 'expected Normal'], align: ['r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
    rows: rs.map(({ seq, output: o }) => [seq, fmt(o?.sigma, 2), o?.test?.n ?? null, fmt(o?.test?.logLikPerGame?.keyNumbers), fmt(o?.test?.logLikPerGame?.normal),
      fmt(o?.test?.diffPerGame), fmt(o?.test?.diffSe), o?.pushesIntegerLines?.pushes ?? null, fmt(o?.pushesIntegerLines?.keyNumbers, 1), fmt(o?.pushesIntegerLines?.normal, 1)]),
  }),
  'ope.estimate@1': (rs) => ({
    kind: 'table', caption: "Off-policy estimates of the evaluation policy's click rate, each estimator with its bootstrap 95% interval, against the on-policy reference",
    headers: ['seq', 'campaign', 'log', 'estimator', 'value', 'relative error', 'bootstrap 2.5%', 'bootstrap 97.5%'], align: ['r', 'l', 'l', 'l', 'r', 'r', 'r', 'r'],
    rows: rs.flatMap(({ seq, output: o }) => (o?.estimators ?? []).map((e: any) => [seq, o.campaign ?? null, o.log ?? null, e.name, fmt(e.value, 5), fmt(e.relError, 3), fmt(e.bootstrap?.lo95, 5), fmt(e.bootstrap?.hi95, 5)])),
  }),
  'copula.fit@1': (rs) => ({
    kind: 'table', caption: 'Copula fits to score pairs: parameter, log likelihood, AIC, implied Kendall τ and the Cramér–von Mises statistic',
    headers: ['seq', 'seasons', 'family', 'θ', 'ν', 'log lik', 'AIC', 'τ', 'S_n', 'best AIC'], align: ['r', 'l', 'l', 'r', 'r', 'r', 'r', 'r', 'r', 'l'],
    rows: rs.flatMap(({ seq, output: o }) => (o?.fits ?? []).map((f: any) => [seq, `${o.seasonFrom}–${o.seasonTo}`, f.family, fmt(f.theta), f.nu ?? null, fmt(f.logLik, 2), fmt(f.aic, 2), fmt(f.tau), fmt(f.cvm), f.family === o.bestByAic ? 'best' : ''])),
  }),
  'copula.gof@1': (rs) => ({
    kind: 'table', caption: 'Copula goodness of fit: observed S_n, parametric bootstrap replicates at or above it, and the p-value of each chunk',
    headers: ['seq', 'family', 'games', 'S_n', 'replicates', 'exceed', 'p'], align: ['r', 'l', 'r', 'r', 'r', 'r', 'r'],
    rows: rs.map(({ seq, output: o }) => [seq, o?.family ?? null, o?.n ?? null, fmt(o?.statistic, 5), o?.replicates ?? null, o?.exceed ?? null, fmt(o?.pValue, 4)]),
  }),
  'calibration.ablation@1': (rs) => ({
    kind: 'table', caption: 'Drop-one-feature ablations: cross-validated log loss (sd over repeats), Brier, and the rise in log loss without the feature (positive: it helped)',
    headers: ['seq', 'dropped', 'log loss', 'sd', 'Brier', 'Δ log loss'], align: ['r', 'l', 'r', 'r', 'r', 'r'],
    rows: rs.flatMap(({ seq, output: o }) => (o?.ablations ?? []).map((a: any) => [seq, a.dropped === null ? '(none)' : a.dropped === 'all' ? '(all: intercept only)' : a.dropped, fmt(a.logLoss), fmt(a.logLossSd), fmt(a.brier), fmt(a.deltaLogLoss)])),
  }),
  'bench.hash@1': (rs) => ({
    kind: 'table', caption: 'Hash chains: rounds and the final value',
    headers: ['seq', 'rounds', 'value'], align: ['r', 'r', 'r'],
    rows: rs.map(({ seq, output: o }) => [seq, o?.rounds ?? null, o?.value ?? null]),
  }),
};

/** mc.season: per season and team, the mean over the batch's results (each result an independent set of simulations). */
function seasonTable(rs: TableResult[]): Table {
  const acc = new Map<string, { season: number; team: string; n: number; wins: number; p10: number; div: number; po: number; divN: number; poN: number }>();
  for (const { output: o } of rs) {
    for (const t of o?.teams ?? []) {
      const key = `${o.season} ${t.team}`;
      const a = acc.get(key) ?? { season: o.season, team: t.team, n: 0, wins: 0, p10: 0, div: 0, po: 0, divN: 0, poN: 0 };
      a.n++;
      a.wins += t.meanWins;
      a.p10 += t.pWins10;
      if (t.pDivision !== null) { a.div += t.pDivision; a.divN++; }
      if (t.pPlayoffs !== null) { a.po += t.pPlayoffs; a.poN++; }
      acc.set(key, a);
    }
  }
  const rows = [...acc.values()].sort((a, b) => a.season - b.season || b.wins / b.n - a.wins / a.n);
  return {
    kind: 'table', caption: 'Season simulations: per season and team, mean wins and chances over the results (their mean; the merged figures with intervals are at /combined)',
    headers: ['season', 'team', 'results', 'mean wins', 'P(10+ wins)', 'P(division)', 'P(playoffs)'], align: ['r', 'l', 'r', 'r', 'r', 'r', 'r'],
    rows: rows.slice(0, MAX_ROWS).map((a) => [a.season, a.team, a.n, fmt(a.wins / a.n, 2), fmt(a.p10 / a.n, 3), a.divN ? fmt(a.div / a.divN, 3) : null, a.poN ? fmt(a.po / a.poN, 3) : null]),
  };
}

export function kernelTable(kernel: string, results: TableResult[]): Table | null {
  const t = TABLES[kernel];
  return t && results.length ? t(results) : null;
}

/*
 * The report's statistics on results that carry per-season / per-fold samples: a 95% percentile
 * bootstrap interval of each result's mean sample (B = 2000, seed 1), and each result against the
 * best one (two-sided sign-flip test on the samples paired by label, else a two-sample permutation
 * test; exact when the rearrangements number at most 20,000, else 10,000 draws, seed 1), with
 * Holm's correction across the comparisons.
 */

const REPORT_RESAMPLES = 2000;

interface Sampled { value: number; samples: number[] | null; labels: (string | number)[] | null }
interface ResultStats { ci: [number, number] | null; p: number | null; adjustedP: number | null; test: string | null }

function vsBest(r: Sampled, best: Sampled): { p: number; test: string } | null {
  if (!r.samples || !best.samples || r.samples.length < 2 || best.samples.length < 2) return null;
  if (r.labels && best.labels) {
    const at = new Map(best.labels.map((l, i) => [String(l), best.samples![i]!]));
    const d: number[] = [];
    r.labels.forEach((l, i) => { const b = at.get(String(l)); if (b !== undefined) d.push(r.samples![i]! - b); });
    if (d.length >= 2) return { p: signFlipTest(d).pValue, test: 'sign-flip' };
  }
  return { p: permutationTest(r.samples, best.samples).pValue, test: 'permutation' };
}

function resultStats(results: Sampled[], bestIndex: number): ResultStats[] {
  const raw = results.map((r, i) => {
    let ci: [number, number] | null = null;
    try {
      if (r.samples && r.samples.length >= 2) {
        const b = bootstrapCi(r.samples, mean, { method: 'percentile', resamples: REPORT_RESAMPLES, seed: 1 });
        ci = [b.lower, b.upper];
      }
    } catch (e) { if (!(e instanceof StatsError)) throw e; }
    const t = i === bestIndex ? null : vsBest(r, results[bestIndex]!);
    return { ci, p: t?.p ?? null, test: t?.test ?? null };
  });
  const tested = raw.map((r, i) => [r.p, i] as const).filter(([p]) => p !== null) as [number, number][];
  const adj = tested.length ? holm(tested.map(([p]) => p)).adjusted : [];
  const adjusted = new Map(tested.map(([, i], k) => [i, adj[k]!]));
  return raw.map((r, i) => ({ ...r, adjustedP: adjusted.get(i) ?? null }));
}
