import { bigint, boolean, doublePrecision, index, integer, jsonb, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { createdAt, ts } from './columns';

/*
 * The bandit scheduler's tables. Arm statistics are sums that only grow (SQL increments, never
 * read-modify-write), so several coordinators can share them; every decision is kept with its
 * propensity for off-policy evaluation.
 */

/** The strategy in force (one row, id 'default'), the one before it, guardrail limits and last trip. */
export const banditState = pgTable('bandit_state', {
  id: text('id').primaryKey(),
  strategy: text('strategy').notNull(),
  params: jsonb('params').$type<Record<string, unknown>>().notNull(),
  /** Bumped on every change; changes are compare-and-set on it. */
  version: integer('version').notNull().default(1),
  changedAt: ts('changed_at').notNull().defaultNow(),
  changedBy: text('changed_by'),
  /** Why the last change happened: `api`, `rollback`, … */
  changeReason: text('change_reason'),
  previousStrategy: text('previous_strategy'),
  previousParams: jsonb('previous_params').$type<Record<string, unknown>>(),
  guardrails: jsonb('guardrails').$type<Record<string, unknown>>().notNull().default({}),
  lastGuardrail: jsonb('last_guardrail').$type<Record<string, unknown>>(),
  createdAt: createdAt(),
});

/** One row per arm (`kernel@version`): counters and any cap. */
export const banditArms = pgTable('bandit_arms', {
  arm: text('arm').primaryKey(),
  /** Decisions that picked the arm. */
  decisions: bigint('decisions', { mode: 'number' }).notNull().default(0),
  /** Of those, decisions that explored (the arm did not have the best mean at the time). */
  explorations: bigint('explorations', { mode: 'number' }).notNull().default(0),
  /** WUs first dispatched through the arm (a pull; its reward comes when the WU finishes). */
  pulls: bigint('pulls', { mode: 'number' }).notNull().default(0),
  /** Replicas dispatched through the arm (a WU with quorum 2 is one pull, two replicas). */
  replicas: bigint('replicas', { mode: 'number' }).notNull().default(0),
  /** Rewards received, and their sums (see shared/src/bandit/types.ts ArmStats). */
  n: bigint('n', { mode: 'number' }).notNull().default(0),
  rewardSum: doublePrecision('reward_sum').notNull().default(0),
  rewardSqSum: doublePrecision('reward_sq_sum').notNull().default(0),
  successes: bigint('successes', { mode: 'number' }).notNull().default(0),
  iwLossSum: doublePrecision('iw_loss_sum').notNull().default(0),
  validated: bigint('validated', { mode: 'number' }).notNull().default(0),
  failed: bigint('failed', { mode: 'number' }).notNull().default(0),
  /** Pulls whose WU ended without a reward (cancelled). */
  dropped: bigint('dropped', { mode: 'number' }).notNull().default(0),
  /** Largest share of recent dispatch the arm may take; null: uncapped. */
  capShare: doublePrecision('cap_share'),
  capReason: text('cap_reason'),
  cappedBy: text('capped_by'),
  cappedAt: ts('capped_at'),
  /** Guardrail windows count from here, so an uncapped arm starts afresh. */
  uncappedAt: ts('uncapped_at'),
  createdAt: createdAt(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
});

/** Every decision: the arm picked, with what probability, among which candidates, for which WUs. */
export const banditDecisions = pgTable('bandit_decisions', {
  id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
  hostId: uuid('host_id').notNull(),
  strategy: text('strategy').notNull(),
  strategyVersion: integer('strategy_version').notNull(),
  params: jsonb('params').$type<Record<string, unknown>>().notNull(),
  arm: text('arm').notNull(),
  /** Probability that the strategy picks `arm` among `candidates` given the stats it saw. */
  propensity: doublePrecision('propensity').notNull(),
  /** Each candidate's probability, in `candidates` order. */
  probabilities: jsonb('probabilities').$type<number[]>().notNull(),
  candidates: jsonb('candidates').$type<string[]>().notNull(),
  /** Arms picked before this one that had nothing the host could take (tried in this order). */
  fallback: jsonb('fallback').$type<string[]>().notNull().default([]),
  explore: boolean('explore').notNull(),
  /** Seed of the decision's Rng: with the stats, it replays the decision. */
  seed: bigint('seed', { mode: 'number' }).notNull(),
  wuIds: jsonb('wu_ids').$type<number[]>().notNull(),
  replicas: integer('replicas').notNull(),
  createdAt: createdAt(),
}, (t) => [index('bandit_decisions_created_idx').on(t.createdAt), index('bandit_decisions_arm_idx').on(t.arm, t.id)]);

/** WUs dispatched through the bandit whose reward has not come yet (first decision wins). */
export const banditPending = pgTable('bandit_pending', {
  wuId: bigint('wu_id', { mode: 'number' }).primaryKey(),
  decisionId: bigint('decision_id', { mode: 'number' }).notNull(),
  arm: text('arm').notNull(),
  propensity: doublePrecision('propensity').notNull(),
  createdAt: createdAt(),
});

/** Each finished WU's reward in [0, 1] (the recorded rewards a simulation may replay). */
export const banditRewards = pgTable('bandit_rewards', {
  id: bigint('id', { mode: 'number' }).generatedAlwaysAsIdentity().unique(),
  wuId: bigint('wu_id', { mode: 'number' }).primaryKey(),
  arm: text('arm').notNull(),
  decisionId: bigint('decision_id', { mode: 'number' }).notNull(),
  propensity: doublePrecision('propensity').notNull(),
  reward: doublePrecision('reward').notNull(),
  /** `validated` or `failed`. */
  outcome: text('outcome').notNull(),
  createdAt: createdAt(),
}, (t) => [index('bandit_rewards_arm_idx').on(t.arm, t.id)]);
