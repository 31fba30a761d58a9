import { z } from 'zod';
import { StrategySpec } from './strategies';

/*
 * The bandit's REST API shapes (coordinator routes, CLI and console share them).
 */

/** PUT /api/v1/bandit/strategy. */
export const PutStrategyBody = StrategySpec;

/**
 * Limits whose breach trips a guardrail. Windows are the most recent replicas, rewards and
 * decisions (grid-wide id ranges), counted from the arm's last uncap.
 */
export const GuardrailLimits = z.strictObject({
  /** Errored replicas / finished replicas of an arm. */
  maxErrorRate: z.number().min(0).max(1).default(0.5),
  /** Invalid replicas / judged (valid + invalid) replicas of an arm. */
  maxInvalidRate: z.number().min(0).max(1).default(0.5),
  /** Mean of an arm's recent rewards; null: no reward floor. */
  minReward: z.number().min(0).max(1).nullable().default(null),
  /** Share of dispatched replicas one arm may take in decisions where another arm was on offer. */
  maxShare: z.number().min(0).max(1).default(0.95),
  /** Observations an arm needs in the window before a rate may trip. */
  minSamples: z.number().int().min(1).max(100_000).default(20),
  windowReplicas: z.number().int().min(10).max(1_000_000).default(2000),
  windowRewards: z.number().int().min(10).max(1_000_000).default(1000),
  windowDecisions: z.number().int().min(10).max(1_000_000).default(500),
  /** The dispatch share a guardrail cap leaves a failing arm. */
  capShare: z.number().min(0).max(1).default(0.05),
  /** A trip this soon after a strategy change rolls the strategy back as well. */
  probationSeconds: z.number().int().min(0).max(30 * 86_400).default(3600),
  /** How often a coordinator evaluates the guardrails. */
  checkIntervalMs: z.number().int().min(100).max(3_600_000).default(5000),
});
export type GuardrailLimits = z.output<typeof GuardrailLimits>;

/** PUT /api/v1/bandit/guardrails: any subset of the limits. */
export const PutGuardrailsBody = GuardrailLimits.partial();

export const ArmParam = z.object({ arm: z.string().min(1).max(200).regex(/^[a-z0-9_.-]+@\d+$/i, 'an arm is kernel@version') });

/** POST /api/v1/bandit/arms/:arm/cap. maxShare 0 stops the arm; above 0 it still gets work no other arm can give. */
export const CapArmBody = z.strictObject({
  maxShare: z.number().min(0).max(1).default(0),
  reason: z.string().max(500).optional(),
});

export const BanditQuery = z.object({
  bucketSeconds: z.coerce.number().int().min(1).max(86_400).default(3600),
  buckets: z.coerce.number().int().min(1).max(500).default(24),
});

export const RecordedRewardsQuery = z.object({
  perArm: z.coerce.number().int().min(1).max(100_000).default(5000),
});

export interface ArmView {
  arm: string;
  decisions: number;
  pulls: number;
  replicas: number;
  pending: number;
  rewards: number;
  mean: number | null;
  ci: { lower: number; upper: number; level: number };
  validated: number;
  failed: number;
  /** Share of all replicas dispatched through the bandit. */
  share: number;
  cap: { maxShare: number; reason: string | null; by: string | null; at: string | null } | null;
}

export interface GuardrailTrip {
  at: string;
  arm: string;
  kind: 'error_rate' | 'invalid_rate' | 'reward' | 'share';
  value: number;
  limit: number;
  samples: number;
  actions: ('cap' | 'rollback')[];
  rolledBackFrom?: { strategy: string; params: Record<string, unknown> } | null;
}

export interface BanditView {
  strategy: {
    name: string; params: Record<string, unknown>; version: number; changedAt: string; changedBy: string | null; reason: string | null;
    previous: { name: string; params: Record<string, unknown> } | null;
  };
  strategies: { name: string; title: string; defaults: Record<string, unknown> }[];
  arms: ArmView[];
  bestArm: string | null;
  regret: { cumulative: number; perPull: number; buckets: { start: string; cumulative: number }[] };
  exploration: { share: number; recentShare: number; decisions: number };
  dispatch: { bucketSeconds: number; buckets: { start: string; total: number; explore: number; arms: Record<string, number> }[] };
  guardrails: {
    limits: GuardrailLimits;
    lastTrip: GuardrailTrip | null;
    arms: { arm: string; errorRate: number | null; invalidRate: number | null; recentReward: number | null; share: number | null }[];
  };
}

/** GET /api/v1/bandit/decisions: the decision log, newest first (for off-policy evaluation). */
export const DecisionsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(10_000).default(500),
  /** Only decisions with a smaller id (paging backwards). */
  before: z.coerce.number().int().positive().optional(),
  arm: z.string().min(1).max(200).optional(),
});
