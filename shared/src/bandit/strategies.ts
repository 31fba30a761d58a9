import { z } from 'zod';
import type { Rng } from '../math/rng';
import { epsilonGreedy } from './epsilon-greedy';
import { exp3 } from './exp3';
import { thompsonBeta, thompsonGaussian } from './thompson';
import { ucb1 } from './ucb1';
import { STRATEGY_NAMES, type Choice, type SelectOptions, type Strategy, type StrategyName } from './strategy';
import { type ArmStats } from './arm-stats';

/** Each strategy's parameters with their defaults; unknown keys are refused. */
export const StrategyParams = {
  'epsilon-greedy': z.strictObject({
    epsilon: z.number().min(0).max(1).default(0.2),
    decay: z.number().min(0).max(1e6).default(0),
  }),
  ucb1: z.strictObject({ c: z.number().min(0).max(100).default(2) }),
  'thompson-beta': z.strictObject({
    alpha0: z.number().positive().max(1e6).default(1),
    beta0: z.number().positive().max(1e6).default(1),
    update: z.enum(['fractional', 'bernoulli']).default('fractional'),
    propensitySamples: z.number().int().min(10).max(100_000).default(1000),
  }),
  'thompson-gaussian': z.strictObject({
    priorMean: z.number().min(-10).max(10).default(0.5),
    priorVar: z.number().positive().max(1e6).default(1),
    noiseVar: z.number().positive().max(1e6).default(0.25),
    propensitySamples: z.number().int().min(10).max(100_000).default(1000),
  }),
  exp3: z.strictObject({
    gamma: z.number().min(0).max(1).default(0.01),
    eta: z.number().positive().max(1e3).nullable().default(null),
  }),
} satisfies Record<StrategyName, z.ZodType>;

/** A strategy and its parameters: what is in force, what a PUT sets, what a simulation runs. */
export const StrategySpec = z.object({
  strategy: z.enum(STRATEGY_NAMES),
  params: z.record(z.string(), z.unknown()).default({}),
}).transform((s, ctx) => {
  const parsed = StrategyParams[s.strategy].safeParse(s.params);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) ctx.addIssue({ ...issue, path: ['params', ...issue.path] } as never);
    return z.NEVER;
  }
  return { strategy: s.strategy, params: parsed.data as Record<string, unknown> };
});
export type StrategySpec = z.output<typeof StrategySpec>;

/**
 * The scheduler's default: ε-greedy with ε = 0.2, which keeps 20% of decisions exploring
 * (among the arms that do not look best) and never stops, so drifting rewards are noticed.
 */
export const DEFAULT_STRATEGY: StrategySpec = { strategy: 'epsilon-greedy', params: { epsilon: 0.2, decay: 0 } };

const STRATEGIES: Record<StrategyName, Strategy<any>> = {
  'epsilon-greedy': epsilonGreedy,
  ucb1,
  'thompson-beta': thompsonBeta,
  'thompson-gaussian': thompsonGaussian,
  exp3,
};

export function getStrategy(name: StrategyName): Strategy<any> {
  return STRATEGIES[name];
}

/** Parameters with defaults filled in; throws a ZodError on bad ones. */
export function strategyParams(name: StrategyName, params: unknown = {}): Record<string, unknown> {
  return StrategyParams[name].parse(params ?? {}) as Record<string, unknown>;
}

/** One decision of `spec` over the offered arms' stats. */
export function selectArm(spec: StrategySpec, arms: readonly ArmStats[], rng: Rng, opts?: SelectOptions): Choice {
  if (arms.length === 0) throw new RangeError('selectArm: no arms');
  return getStrategy(spec.strategy).select(arms, spec.params, rng, opts);
}

/** The strategies with titles and default parameters, for the API and the console. */
export function strategyCatalogue(): { name: StrategyName; title: string; defaults: Record<string, unknown> }[] {
  return STRATEGY_NAMES.map((name) => ({ name, title: STRATEGIES[name].title, defaults: strategyParams(name) }));
}
