import { linePlot, type Series } from './svg-plot';

/*
 * Figures of a batch report from its canonical outputs: reliability diagrams (calibration.fit),
 * equity curves (backtest.run), mean wins against rating (mc.season), validation loss by epoch
 * (train.mlp), margin frequencies (margins.key_numbers) and the model metric by result (any
 * tracked kernel). Regret curves need the bandit scheduler's records, which this report does not
 * read yet.
 */

export interface Figure { path: string; caption: string; svg: string }

export interface ResultForFigures { seq: number; wuId: number; kernel: string; output: any; metric: number | null; label: string }

const MAX_RELIABILITY = 4;
const MAX_EQUITY = 8;

type Bin = { meanPredicted: number | null; observed: number | null };
const binPoints = (bins: Bin[] | undefined): [number, number][] =>
  (bins ?? []).filter((b) => b.meanPredicted !== null && b.observed !== null).map((b) => [b.meanPredicted!, b.observed!]);

export function reliabilityFigures(results: ResultForFigures[]): Figure[] {
  return results.filter((r) => r.kernel === 'calibration.fit@1' && r.output?.raw?.reliability).slice(0, MAX_RELIABILITY).map((r) => ({
    path: `figures/reliability-${r.seq}.svg`,
    caption: `Reliability diagram of result ${r.seq} (WU ${r.wuId}, ${r.label}): observed home-win rate by forecast bin, raw and calibrated out of fold (repeat 0).`,
    svg: linePlot({
      title: `Reliability, result ${r.seq}`, xLabel: 'mean forecast probability', yLabel: 'observed frequency', diagonal: true, xDomain: [0, 1], yDomain: [0, 1],
      series: [
        { name: 'raw', points: binPoints(r.output.raw.reliability), style: 'both' },
        { name: 'Platt', points: binPoints(r.output.platt?.reliability), style: 'both' },
        { name: 'isotonic', points: binPoints(r.output.isotonic?.reliability), style: 'both' },
      ],
    }),
  }));
}

export function equityFigure(results: ResultForFigures[]): Figure | null {
  const curves = results.filter((r) => r.kernel === 'backtest.run@1' && Array.isArray(r.output?.equityCurve) && r.output.equityCurve.length > 1).slice(0, MAX_EQUITY);
  if (!curves.length) return null;
  const series: Series[] = curves.map((r) => ({ name: `result ${r.seq}`, points: r.output.equityCurve.map((p: { bankroll: number }, i: number) => [i, p.bankroll] as const) }));
  return {
    path: 'figures/equity.svg',
    caption: `Equity curves (bankroll by betting round, downsampled) of the first ${curves.length} backtests.`,
    svg: linePlot({ title: 'Equity curves', xLabel: 'round (downsampled)', yLabel: 'bankroll', series }),
  };
}

export function metricFigure(results: ResultForFigures[], metric: string): Figure | null {
  const pts = results.filter((r) => r.metric !== null).map((r) => [r.seq, r.metric!] as const);
  if (pts.length < 2) return null;
  return {
    path: 'figures/metric.svg',
    caption: `The model metric (${metric}) of each result, by sequence number in the batch.`,
    svg: linePlot({ title: `${metric} by result`, xLabel: 'result (sequence number)', yLabel: metric, series: [{ name: metric, points: pts, style: 'points' }] }),
  };
}

const MAX_CURVES = 8;

export function seasonFigure(results: ResultForFigures[]): Figure | null {
  const seasons = results.filter((r) => r.kernel === 'mc.season@1' && Array.isArray(r.output?.teams));
  if (!seasons.length) return null;
  const bySeason = new Map<number, [number, number][]>();
  for (const r of seasons) {
    const pts = bySeason.get(r.output.season) ?? [];
    for (const t of r.output.teams) pts.push([t.rating, t.meanWins]);
    bySeason.set(r.output.season, pts);
  }
  const series: Series[] = [...bySeason.entries()].slice(0, MAX_CURVES).map(([season, points]) => ({ name: String(season), points, style: 'points' }));
  return {
    path: 'figures/season-wins.svg',
    caption: `Mean simulated wins of each team against its rating, every result (${series.length} season${series.length > 1 ? 's' : ''}).`,
    svg: linePlot({ title: 'Mean wins by rating', xLabel: 'rating (points)', yLabel: 'mean wins', series }),
  };
}

export function trainingFigure(results: ResultForFigures[]): Figure | null {
  const runs = results.filter((r) => r.kernel === 'train.mlp@1' && Array.isArray(r.output?.epochs) && r.output.epochs.length > 1).slice(0, MAX_CURVES);
  if (!runs.length) return null;
  return {
    path: 'figures/validation-loss.svg',
    caption: `Validation-season log loss by epoch of the first ${runs.length} networks (the returned weights are those of the lowest point).`,
    svg: linePlot({
      title: 'Validation log loss by epoch', xLabel: 'epoch', yLabel: 'log loss',
      series: runs.map((r) => ({ name: `result ${r.seq}`, points: r.output.epochs.map((e: { epoch: number; validation: { logLoss: number } }) => [e.epoch, e.validation.logLoss] as const), style: 'both' })),
    }),
  };
}

export function marginFigure(results: ResultForFigures[]): Figure | null {
  const r = results.find((x) => x.kernel === 'margins.key_numbers@1' && Array.isArray(x.output?.marginFrequencies));
  if (!r) return null;
  const f = r.output.marginFrequencies as { absMargin: number; observed: number; normal: number; keyNumbers: number }[];
  return {
    path: 'figures/margins.svg',
    caption: `Test games by absolute margin (result ${r.seq}): observed, and expected under the key-number model and the discretised Normal.`,
    svg: linePlot({
      title: 'Games by absolute margin', xLabel: 'absolute home margin', yLabel: 'games',
      series: [
        { name: 'observed', points: f.map((m) => [m.absMargin, m.observed] as const), style: 'points' },
        { name: 'key numbers', points: f.map((m) => [m.absMargin, m.keyNumbers] as const) },
        { name: 'Normal', points: f.map((m) => [m.absMargin, m.normal] as const) },
      ],
    }),
  };
}
