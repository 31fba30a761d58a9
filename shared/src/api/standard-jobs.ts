import { getKernel, latestKernel } from '../kernels/registry';
import { BatchSpec, type BatchSpecInput } from './batch';

/*
 * The standard job set: batches the grid runs when researchers have queued nothing else, sized
 * so one WU takes a few seconds to a minute of one laptop core. Their outputs are mergeable
 * (season win histograms add up across seeds; bankroll runs are per configuration).
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
      name: 'Quarter-Kelly by era 1980–2024 (skill 1 point)',
      kernel: 'mc.bankroll@1',
      priority: 20,
      seed: 20_100_004,
      params: { strategy: 'kelly', fraction: 0.25, skill: 1, nScenarios: 40_000, scenariosPerStep: 1000 },
      units: ERAS.map(([seasonFrom, seasonTo]) => ({ params: { seasonFrom, seasonTo } })),
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

export function standardJobEstimates(): BatchEstimate[] {
  return standardJobSet().map(estimateBatch);
}
