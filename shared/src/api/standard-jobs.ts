import { COPULA_FAMILIES } from '../kernels/copula/families';
import { getKernel, latestKernel } from '../kernels/registry';
import { BatchSpec, type BatchSpecInput } from './batch';

/*
 * The standard job set: batches the grid runs when researchers have queued nothing else, sized
 * so one WU takes a few seconds to a minute of one laptop core. Their outputs are mergeable
 * (season win histograms add up across seeds, bankroll scenarios pool across WUs of one
 * configuration: GET /api/v1/batches/:id/combined).
 */

const SEASONS_2010_2024 = Array.from({ length: 15 }, (_, i) => 2010 + i);

/** Strategy configurations of the bankroll sweep; `fraction` means something different per strategy. */
const STRATEGIES: Array<{ strategy: 'flat' | 'fixed_fraction' | 'kelly'; fraction: number }> = [
  { strategy: 'flat', fraction: 0.01 },
  { strategy: 'flat', fraction: 0.02 },
  { strategy: 'fixed_fraction', fraction: 0.01 },
  { strategy: 'fixed_fraction', fraction: 0.02 },
  { strategy: 'fixed_fraction', fraction: 0.05 },
  { strategy: 'kelly', fraction: 0.25 },
  { strategy: 'kelly', fraction: 0.5 },
  { strategy: 'kelly', fraction: 1 },
];
const SKILLS = [0, 0.5, 1, 1.5];
const ERAS: Array<[number, number]> = [
  [1980, 1984], [1985, 1989], [1990, 1994], [1995, 1999], [2000, 2004], [2005, 2009], [2010, 2014], [2015, 2019], [2020, 2024],
];

/** Rolling 15-season windows of the strategy comparison. */
const WINDOWS: Array<[number, number]> = [[1995, 2009], [2000, 2014], [2005, 2019], [2010, 2024]];
const BACKTEST_STRATEGIES = [
  { name: 'flat, spread model' },
  { name: 'flat, Elo model', model: { kind: 'elo' } },
  { name: 'quarter Kelly, spread model', staking: { kind: 'kelly', multiplier: 0.25 } },
  { name: 'quarter Kelly, Elo model', model: { kind: 'elo' }, staking: { kind: 'kelly', multiplier: 0.25 } },
  { name: 'Elo edge ≥ 2%', model: { kind: 'elo' }, minEdge: 0.02 },
  { name: 'underdogs', side: 'underdog' },
];

export function standardJobSet(): BatchSpecInput[] {
  return [
    {
      name: 'Season odds 2010–2024 (500k sims × 8 seeds per season)',
      kernel: 'mc.season@1',
      priority: 100,
      seed: 20_100_001,
      params: { nSims: 500_000, simsPerStep: 20_000 },
      grid: { season: SEASONS_2010_2024 },
      replicates: 8,
    },
    {
      name: 'Bankroll strategy sweep 2010–2024 (8 strategies × 4 skill levels)',
      kernel: 'mc.bankroll@1',
      priority: 80,
      seed: 20_100_002,
      params: { seasonFrom: 2010, seasonTo: 2024, nScenarios: 40_000, scenariosPerStep: 1000 },
      units: STRATEGIES.flatMap((s) => SKILLS.map((skill) => ({ params: { ...s, skill } }))),
    },
    {
      name: 'Season model sensitivity 2015–2024 (sigma × shrink)',
      kernel: 'mc.season@1',
      priority: 50,
      seed: 20_100_003,
      params: { nSims: 200_000, simsPerStep: 10_000 },
      grid: { season: SEASONS_2010_2024.slice(5), sigma: [12, 13.5, 15], shrink: [0.2, 0.35, 0.5] },
    },
    {
      // One study in 25 WUs; GET /api/v1/batches/:id/combined pools the 1,000,000 scenarios.
      name: 'Quarter-Kelly 2010–2024, 1,000,000 scenarios (25 WUs × 40,000; skill 1 point)',
      kernel: 'mc.bankroll@1',
      priority: 75,
      seed: 20_100_011,
      params: { seasonFrom: 2010, seasonTo: 2024, strategy: 'kelly', fraction: 0.25, skill: 1, nScenarios: 40_000, scenariosPerStep: 1000 },
      replicates: 25,
    },
    {
      name: 'Quarter-Kelly by era 1980–2024 (skill 1 point)',
      kernel: 'mc.bankroll@1',
      priority: 20,
      seed: 20_100_004,
      params: { strategy: 'kelly', fraction: 0.25, skill: 1, nScenarios: 40_000, scenariosPerStep: 1000 },
      units: ERAS.map(([seasonFrom, seasonTo]) => ({ params: { seasonFrom, seasonTo } })),
    },
    {
      // 6 q × 4 carryover WUs; each WU filters 4 r × 6 hfa configurations with leave-one-year-out.
      name: 'State-space ratings sweep (q × carryover; r × hfa inside each WU)',
      kernel: 'ratings.state_space@1',
      priority: 70,
      seed: 20_100_005,
      params: { r: [150, 170, 190, 210], hfa: [0.5, 1, 1.5, 2, 2.5, 3] },
      grid: { q: [0.1, 0.25, 0.5, 1, 2, 4], carryover: [0.5, 0.6, 0.7, 0.8] },
    },
    {
      name: 'Key-number margin model (smoothing × maxKey)',
      kernel: 'margins.key_numbers@1',
      priority: 60,
      seed: 20_100_006,
      params: { iterations: 5000, iterationsPerStep: 250 },
      grid: { smoothing: [1, 3, 10, 30, 100], maxKey: [20, 30, 40] },
    },
    {
      name: 'Win-probability calibration by source (20 × 10-fold CV)',
      kernel: 'calibration.fit@1',
      priority: 40,
      seed: 20_100_007,
      params: { repeats: 20, folds: 10 },
      grid: { source: ['spread', 'elo', 'logistic'] },
    },
    {
      // Bootstrap chunks: 4 seeds × 100 parametric-bootstrap replicates per family; pool the statistics.
      name: 'Copula goodness of fit, 400 bootstrap replicates per family',
      kernel: 'copula.gof@1',
      priority: 30,
      seed: 20_100_008,
      params: { nReplicates: 100, replicatesPerStep: 10 },
      grid: { family: [...COPULA_FAMILIES] },
      replicates: 4,
    },
    {
      // Bootstrap chunks: 4 seeds × 1000 resamples per policy; keepReplicates for pooled percentiles.
      name: 'Off-policy estimates of 5 policies, 4000 bootstrap resamples each',
      kernel: 'ope.estimate@1',
      priority: 10,
      seed: 20_100_009,
      params: { nBootstrap: 1000, bootstrapPerStep: 100, keepReplicates: true },
      grid: { policy: [{ kind: 'uniform' }, { kind: 'greedy' }, { kind: 'epsilon_greedy', epsilon: 0.1 }, { kind: 'softmax', beta: 5 }, { kind: 'logging' }] },
      replicates: 4,
    },
    {
      // train.mlp@1: the `state` network of docs/cover-training.md (the features a served request
      // gives, so promotion scores it as it would be served), capped at 60k fit rows and 10 epochs:
      // 29 s on the reference core by the estimate; one fold took 7 s on the wasm backend of a
      // 2-core VM. The coordinator re-scores each result on its held-out season and offers it to
      // the model registry.
      name: 'Cover probability networks, held-out seasons 2017–2019 (relu [64, 32], 60k rows)',
      kernel: 'train.mlp@1',
      priority: 90,
      seed: 20_100_012,
      params: {
        featureSet: 'state', hidden: [64, 32], activation: 'relu', optimizer: { name: 'adam', learningRate: 0.001 },
        batchSize: 512, epochs: 10, patience: 5, maxRows: 60_000,
      },
      units: [2017, 2018, 2019].map((testSeason) => ({ params: { fold: { testSeason } } })),
    },
    {
      name: 'Betting strategies compared over rolling 15-season windows 1995–2024',
      kernel: 'backtest.compare@1',
      priority: 5,
      seed: 20_100_010,
      params: { strategies: BACKTEST_STRATEGIES },
      units: WINDOWS.map(([seasonFrom, seasonTo]) => ({ params: { seasonFrom, seasonTo } })),
    },
  ];
}

export interface BatchEstimate {
  name: string;
  kernel: string;
  priority: number;
  wus: number;
  /** Seconds of the slowest WU on the reference core (costEstimate / 1e9). */
  maxWuSeconds: number;
  /** CPU hours for one replica of every WU. */
  cpuHoursPerReplica: number;
  /** Times the replicas the quorum policy sends (targetReplicas, else minQuorum). */
  cpuHours: number;
}

/**
 * CPU hours of a batch by the kernels' cost estimates at 1e9 "flops" per second (the kernels
 * calibrate their estimates to that on a laptop-class core), expanding grid × replicates or
 * units the way the coordinator does.
 */
export function estimateBatch(input: BatchSpecInput): BatchEstimate {
  const spec = BatchSpec.parse(input);
  const kernel = spec.kernel.includes('@') ? getKernel(spec.kernel) : latestKernel(spec.kernel);
  if (!kernel) throw new Error(`unknown kernel ${spec.kernel}`);
  let combos: Record<string, unknown>[] = [{}];
  if (spec.units) combos = spec.units.map((u) => u.params);
  else for (const [k, vs] of Object.entries(spec.grid ?? {})) combos = combos.flatMap((c) => vs.map((v) => ({ ...c, [k]: v })));
  const reps = spec.units ? 1 : spec.replicates;
  const seconds = combos.map((c) => kernel.costEstimate(kernel.paramsSchema.parse({ ...spec.params, ...c })) / 1e9);
  const total = seconds.reduce((a, s) => a + s, 0) * reps;
  const replicas = spec.policy.targetReplicas ?? spec.policy.minQuorum;
  return {
    name: spec.name, kernel: spec.kernel, priority: spec.priority, wus: combos.length * reps,
    maxWuSeconds: Math.max(...seconds), cpuHoursPerReplica: total / 3600, cpuHours: (total / 3600) * replicas,
  };
}
