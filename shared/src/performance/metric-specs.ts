/*
 * Which field of each kernel's output is its model metric, which way is better, and which params
 * a model family searches over. Only kernels listed here are tracked; mc.season (a forecast with
 * no score), bench.hash, backtest.compare (a ranking of strategies, not one model), copula.* and
 * ope.estimate (tests and estimates, not models with a score to improve) carry no model metric.
 *
 * Model key (model-key.ts): kernel@version + the params minus the seed (a WU column, never in
 * params), minus the `tuned` params (the configuration family searches over them: they vary from
 * result to result and the best result names the best values) and minus the `ignored` params
 * (they only shape the output or the steps). What is left — data windows, evaluation protocol,
 * categorical choices — defines what the metric measures, so the results of one model compare.
 */

export interface MetricValue {
  value: number;
  /** Per-season / per-repeat values behind `value`, when the output has them. */
  samples: number[] | null;
  labels: (string | number)[] | null;
}

export interface TunedParam {
  /** Dotted path into params (`strategy.minEdge`); a one-element array counts as its element. */
  path: string;
  /** Neighbours are value ± step ('add') or value × step and value ÷ step ('mul'). */
  step: number;
  mode?: 'add' | 'mul';
}

export interface MetricSpec {
  kernel: string;
  metric: string;
  lowerIsBetter: boolean;
  /** A meaningful improvement of the metric (its unit in EV and in the bandit reward). */
  unit: number;
  tuned: TunedParam[];
  ignored: string[];
  /** Whether a different seed gives a different result (so "more seeds" is worth suggesting). */
  seeded(params: Record<string, unknown>): boolean;
  extract(output: any, params: Record<string, unknown>): MetricValue | null;
}

const finite = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);

function withSamples(value: unknown, rows: readonly any[] | null | undefined, field: string, label: string): MetricValue | null {
  if (!finite(value)) return null;
  const usable = (rows ?? []).filter((r) => finite(r?.[field]));
  if (usable.length < 2) return { value, samples: null, labels: null };
  return { value, samples: usable.map((r) => r[field] as number), labels: usable.map((r) => r[label] as string | number) };
}

const stateSpace: MetricSpec = {
  kernel: 'ratings.state_space@1',
  metric: 'logLoss',
  lowerIsBetter: true,
  unit: 0.001,
  tuned: [
    { path: 'q', step: 1.5, mode: 'mul' }, { path: 'r', step: 20 }, { path: 'hfa', step: 0.5 },
    { path: 'phi', step: 0.02 }, { path: 'carryover', step: 0.05 }, { path: 'seasonVar', step: 5 },
    { path: 'p0', step: 6 }, { path: 'hfaSd', step: 0.25 }, { path: 'hfaQ', step: 0.1 },
  ],
  ignored: ['smooth'],
  seeded: () => false,
  // LOYO's pooled held-out log loss when cross-validated; else the best config's pooled log loss.
  extract(o) {
    if (o?.loyo?.pooled) return withSamples(o.loyo.pooled.logLoss, o.loyo.seasons, 'logLoss', 'season');
    const configs = (o?.configs ?? []).filter((c: any) => finite(c?.pooled?.logLoss));
    if (!configs.length) return null;
    const best = configs.reduce((a: any, c: any) => (c.pooled.logLoss < a.pooled.logLoss ? c : a));
    return withSamples(best.pooled.logLoss, best.seasons, 'logLoss', 'season');
  },
};

const calibrationFit: MetricSpec = {
  kernel: 'calibration.fit@1',
  metric: 'logLoss',
  lowerIsBetter: true,
  unit: 0.001,
  tuned: [{ path: 'sigma', step: 0.5 }, { path: 'logisticTrainSeasons', step: 2 }],
  ignored: [],
  seeded: () => true,
  // Cross-validated log loss of the better calibrator (Platt or isotonic), per repeat as samples.
  extract(o) {
    const platt = o?.platt?.mean?.logLoss, iso = o?.isotonic?.mean?.logLoss;
    if (!finite(platt) && !finite(iso)) return null;
    const method = !finite(iso) || (finite(platt) && platt <= iso) ? 'platt' : 'isotonic';
    const rows = (o.perRepeat ?? []).map((r: any, i: number) => ({ repeat: i, logLoss: r?.[method]?.logLoss }));
    return withSamples(method === 'platt' ? platt : iso, rows, 'logLoss', 'repeat');
  },
};

const marginKeyNumbers: MetricSpec = {
  kernel: 'margins.key_numbers@1',
  metric: 'testLogLikPerGame',
  lowerIsBetter: false,
  unit: 0.001,
  tuned: [{ path: 'sigma', step: 0.5 }, { path: 'smoothing', step: 2, mode: 'mul' }, { path: 'maxKey', step: 4 }, { path: 'iterations', step: 100 }],
  ignored: ['iterationsPerStep', 'pushLines'],
  seeded: () => false,
  extract: (o) => (finite(o?.test?.logLikPerGame?.keyNumbers) ? { value: o.test.logLikPerGame.keyNumbers, samples: null, labels: null } : null),
};

const mcBankroll: MetricSpec = {
  kernel: 'mc.bankroll@1',
  metric: 'medianLogGrowth',
  lowerIsBetter: false,
  unit: 0.01,
  tuned: [{ path: 'fraction', step: 1.25, mode: 'mul' }],
  ignored: ['scenariosPerStep', 'keepScenarios'],
  seeded: () => true,
  // ln(median final bankroll / start): the growth a typical path achieves.
  extract(o) {
    const p50 = o?.final?.p50, start = o?.startBankroll;
    if (!finite(p50) || !finite(start) || start <= 0) return null;
    return { value: Math.log(Math.max(p50, 1e-9 * start) / start), samples: null, labels: null };
  },
};

const backtestRun: MetricSpec = {
  kernel: 'backtest.run@1',
  metric: 'roi',
  lowerIsBetter: false,
  unit: 0.005,
  tuned: [
    { path: 'strategy.minEdge', step: 0.01 }, { path: 'strategy.model.sigma', step: 0.5 }, { path: 'strategy.model.homeEdge', step: 0.5 },
    { path: 'strategy.staking.fraction', step: 1.5, mode: 'mul' }, { path: 'strategy.staking.multiplier', step: 0.25 },
    { path: 'strategy.staking.maxFraction', step: 1.5, mode: 'mul' }, { path: 'strategy.staking.edgeUnit', step: 1.5, mode: 'mul' },
  ],
  ignored: ['maxBetHistory', 'maxEquityPoints', 'seasonsPerStep', 'strategy.name'],
  seeded: (p) => Number((p.strategy as { signalCorrelation?: number } | undefined)?.signalCorrelation ?? 0) > 0,
  // Profit per unit staked; per-season ROI of the seasons with stakes as samples.
  extract(o) {
    const rows = (o?.seasons ?? []).filter((s: any) => finite(s?.staked) && s.staked > 0).map((s: any) => ({ season: s.season, roi: s.profit / s.staked }));
    return withSamples(o?.roi, rows, 'roi', 'season');
  },
};

const calibrationAblation: MetricSpec = {
  kernel: 'calibration.ablation@1',
  metric: 'logLoss',
  lowerIsBetter: true,
  unit: 0.001,
  tuned: [{ path: 'lambda', step: 2, mode: 'mul' }],
  ignored: ['maxIter', 'tol'],
  seeded: () => true,
  // Cross-validated log loss with every feature in.
  extract(o) {
    const all = (o?.ablations ?? []).find((a: any) => a?.dropped === null);
    return finite(all?.logLoss) ? { value: all.logLoss, samples: null, labels: null } : null;
  },
};

const SPECS = new Map<string, MetricSpec>([stateSpace, calibrationFit, marginKeyNumbers, mcBankroll, backtestRun, calibrationAblation].map((s) => [s.kernel, s]));

export function metricSpec(kernelRef: string): MetricSpec | undefined {
  return SPECS.get(kernelRef);
}

export function metricSpecs(): MetricSpec[] {
  return [...SPECS.values()];
}

/** The metric of one result, or null when its kernel is not tracked or the output lacks it. */
export function extractMetric(kernelRef: string, params: Record<string, unknown>, output: unknown): MetricValue | null {
  const spec = SPECS.get(kernelRef);
  if (!spec) return null;
  try {
    return spec.extract(output, params);
  } catch {
    return null;
  }
}

/** +1 when higher is better, −1 when lower is: `sign × value` is "goodness". */
export const orientation = (lowerIsBetter: boolean): 1 | -1 => (lowerIsBetter ? -1 : 1);

/** True when a is strictly better than b. */
export const isBetter = (a: number, b: number, lowerIsBetter: boolean): boolean => (lowerIsBetter ? a < b : a > b);
