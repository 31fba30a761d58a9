import { sql } from 'drizzle-orm';
import {
  bigint, boolean, doublePrecision, index, integer, jsonb, pgEnum, pgTable, primaryKey, text, uniqueIndex, uuid,
} from 'drizzle-orm/pg-core';
import { createdAt, ts } from './columns';
import { hosts } from './hosts';
import { users } from './users';

export const batchStateEnum = pgEnum('batch_state', ['open', 'done', 'cancelled']);
export const wuStateEnum = pgEnum('wu_state', ['pending', 'running', 'validating', 'done', 'failed', 'cancelled']);
export const replicaStateEnum = pgEnum('replica_state', [
  'unsent', 'in_progress', 'reported', 'errored', 'timed_out', 'abandoned', 'cancelled',
]);
export const validateStateEnum = pgEnum('validate_state', ['pending', 'valid', 'invalid', 'inconclusive']);

/** A kernel version the grid can run (mirrors the registry in shared/src/kernels). */
export const kernels = pgTable('kernels', {
  name: text('name').notNull(),
  version: integer('version').notNull(),
  title: text('title').notNull(),
  gpu: text('gpu').notNull(),
  minMemoryMb: integer('min_memory_mb').notNull(),
  createdAt: createdAt(),
}, (t) => [primaryKey({ columns: [t.name, t.version] })]);

/** Content-addressed input files agents fetch by sha256. */
export const inputs = pgTable('inputs', {
  sha256: text('sha256').primaryKey(),
  name: text('name').notNull(),
  bytes: integer('bytes').notNull(),
  createdAt: createdAt(),
});

export const batches = pgTable('batches', {
  id: uuid('id').primaryKey().defaultRandom(),
  ownerId: uuid('owner_id').notNull().references(() => users.id),
  name: text('name').notNull(),
  kernel: text('kernel').notNull(),
  kernelVersion: integer('kernel_version').notNull(),
  priority: integer('priority').notNull().default(0),
  state: batchStateEnum('state').notNull().default('open'),
  /** What was submitted: the parameter grid or explicit WU list, and the quorum policy. */
  spec: jsonb('spec').notNull(),
  wuCount: integer('wu_count').notNull(),
  estimatedHours: doublePrecision('estimated_hours').notNull().default(0),
  /** What a staged batch's plan keeps between stages (coordinator/src/plans/), its driver's own shape. */
  planState: jsonb('plan_state'),
  createdAt: createdAt(),
  finishedAt: ts('finished_at'),
}, (t) => [index('batches_owner_idx').on(t.ownerId, t.createdAt)]);

/*
 * Work unit state machine: pending -> running -> validating -> done | failed | cancelled (the
 * allowed transitions are in queue/states.ts; a trigger refuses any other).
 * `replicas_needed` is how many more replicas the scheduler should hand out now; the claim query
 * only looks at rows where it is positive (partial index below).
 */
export const workUnits = pgTable('work_units', {
  id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
  batchId: uuid('batch_id').notNull().references(() => batches.id),
  seq: integer('seq').notNull(),
  /** The stage of a staged batch (a sweep's rung, a federated round); 0 otherwise. */
  stage: integer('stage').notNull().default(0),
  kernel: text('kernel').notNull(),
  kernelVersion: integer('kernel_version').notNull(),
  /** `kernel@version`, the form hosts list their kernels in; claims filter on it directly. */
  kernelRef: text('kernel_ref').notNull(),
  params: jsonb('params').notNull(),
  seed: bigint('seed', { mode: 'number' }).notNull(),
  inputs: jsonb('inputs').$type<{ name: string; sha256: string }[]>().notNull().default([]),
  costEstimate: doublePrecision('cost_estimate').notNull(),
  totalSteps: integer('total_steps').notNull().default(1),
  priority: integer('priority').notNull().default(0),
  state: wuStateEnum('state').notNull().default('pending'),
  needsGpu: boolean('needs_gpu').notNull().default(false),
  /** The kernel runs faster on a GPU backend: GPU hosts get the first claim (queue/claim-work.ts). */
  prefersGpu: boolean('prefers_gpu').notNull().default(false),
  minMemoryMb: integer('min_memory_mb').notNull().default(0),
  // Quorum policy.
  minQuorum: integer('min_quorum').notNull().default(2),
  baseQuorum: integer('base_quorum').notNull().default(2),
  targetReplicas: integer('target_replicas').notNull().default(2),
  maxErrorReplicas: integer('max_error_replicas').notNull().default(3),
  maxTotalReplicas: integer('max_total_replicas').notNull().default(8),
  delayBoundSeconds: integer('delay_bound_seconds').notNull().default(3600),
  adaptive: boolean('adaptive').notNull().default(true),
  /** Held for a trusted host's result (daemons/decide.ts): only trusted hosts may claim it now. */
  needsTrusted: boolean('needs_trusted').notNull().default(false),
  // Counters kept by the transitions.
  replicasNeeded: integer('replicas_needed').notNull(),
  replicasSent: integer('replicas_sent').notNull().default(0),
  replicasReported: integer('replicas_reported').notNull().default(0),
  errorReplicas: integer('error_replicas').notNull().default(0),
  needsValidation: boolean('needs_validation').notNull().default(false),
  canonicalReplicaId: bigint('canonical_replica_id', { mode: 'number' }),
  reason: text('reason'),
  createdAt: createdAt(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
  finishedAt: ts('finished_at'),
  /** When the assimilator took this finished (done or failed) WU in; null until it has. */
  assimilatedAt: ts('assimilated_at'),
  /** Times this WU was re-opened after a host it relied on was caught (queue/reopen-work.ts). */
  reopenCount: integer('reopen_count').notNull().default(0),
  reopenedAt: ts('reopened_at'),
  reopenReason: text('reopen_reason'),
}, (t) => [
  index('work_units_batch_idx').on(t.batchId, t.seq),
  index('work_units_claim_idx').on(t.priority.desc(), t.id).where(sql`${t.replicasNeeded} > 0`),
  // The same order within one kernel, for claims the bandit narrows to one arm.
  index('work_units_claim_kernel_idx').on(t.kernelRef, t.priority.desc(), t.id).where(sql`${t.replicasNeeded} > 0`),
  index('work_units_validate_idx').on(t.id).where(sql`${t.needsValidation}`),
  index('work_units_assimilate_idx').on(t.id).where(sql`${t.state} IN ('done', 'failed') AND ${t.assimilatedAt} IS NULL`),
  index('work_units_state_idx').on(t.state),
]);

/*
 * Replica state machine: unsent -> in_progress -> reported | errored | timed_out | abandoned | cancelled,
 * with validate_state pending -> valid | invalid | inconclusive for reported replicas (both
 * tables in queue/states.ts, enforced by triggers).
 * A WU never has two replicas on one host or one owner (unique indexes).
 */
export const replicas = pgTable('replicas', {
  id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
  wuId: bigint('wu_id', { mode: 'number' }).notNull().references(() => workUnits.id),
  hostId: uuid('host_id').notNull().references(() => hosts.id),
  ownerId: uuid('owner_id').notNull().references(() => users.id),
  state: replicaStateEnum('state').notNull().default('in_progress'),
  validateState: validateStateEnum('validate_state').notNull().default('pending'),
  sentAt: ts('sent_at').notNull().defaultNow(),
  /**
   * When its work packet actually went down the host's socket (sent_at is the claim). Null on a
   * replica claimed by a coordinator that died before sending: queue/release-unheld.ts frees it.
   */
  deliveredAt: ts('delivered_at'),
  deadline: ts('deadline').notNull(),
  /**
   * Set while the host that holds it is stopped but said it will come back (its agent sent
   * `suspend`): the replica stays in_progress and is handed on at this time instead of the
   * deadline (never later than it); cleared when the host says hello holding it again.
   */
  suspendedUntil: ts('suspended_until'),
  reportedAt: ts('reported_at'),
  output: jsonb('output'),
  outputSha256: text('output_sha256'),
  /** CPU time as counted: the host's claim, bounded by wall time since dispatch x cores and by the estimate. */
  cpuSeconds: doublePrecision('cpu_seconds'),
  /** CPU time as the host claimed it, kept for audit (above cpu_seconds when the claim was cut). */
  cpuSecondsClaimed: doublePrecision('cpu_seconds_claimed'),
  elapsedSeconds: doublePrecision('elapsed_seconds'),
  steps: integer('steps'),
  /** The TensorFlow.js backend a neural kernel ran on (the host's word); null for plain JavaScript kernels. */
  backend: text('backend'),
  claimedCredit: doublePrecision('claimed_credit'),
  grantedCredit: doublePrecision('granted_credit'),
  /** True when this replica was sent as an adaptive-replication spot check. */
  spotCheck: boolean('spot_check').notNull().default(false),
  /** True when this replica went out alone (its WU's quorum dropped to one for a trusted host). */
  solo: boolean('solo').notNull().default(false),
  errorCode: text('error_code'),
  errorMessage: text('error_message'),
  /**
   * The coordinator's check of the output, for kernels with one (Kernel.verify): `{ ok, reason,
   * rescored }`, written before the validator compares replicas; null until checked.
   */
  check: jsonb('check'),
  progress: doublePrecision('progress').notNull().default(0),
  /**
   * The replica whose uploaded checkpoint this one was given to resume from. A checkpoint is
   * handed on once, and its uploader may not report afterwards, so no two results share a
   * computation (a poisoned checkpoint cannot make two replicas agree).
   */
  resumedFrom: bigint('resumed_from', { mode: 'number' }),
}, (t) => [
  uniqueIndex('replicas_wu_host_uq').on(t.wuId, t.hostId),
  uniqueIndex('replicas_resumed_from_uq').on(t.resumedFrom).where(sql`${t.resumedFrom} IS NOT NULL`),
  uniqueIndex('replicas_wu_owner_uq').on(t.wuId, t.ownerId),
  index('replicas_host_state_idx').on(t.hostId, t.state),
  // A host's replicas sent in the last 24 hours, counted against its daily quota at every claim.
  index('replicas_host_sent_idx').on(t.hostId, t.sentAt),
  // A host's solo replicas in flight, counted at every claim of a trusted host.
  index('replicas_solo_idx').on(t.hostId).where(sql`${t.solo} AND ${t.state} = 'in_progress'`),
  index('replicas_deadline_idx').on(t.deadline).where(sql`${t.state} = 'in_progress'`),
  index('replicas_undelivered_idx').on(t.sentAt).where(sql`${t.state} = 'in_progress' AND ${t.deliveredAt} IS NULL`),
]);

/** Latest uploaded checkpoint of a WU, so a reissued replica can resume on another host. */
export const checkpoints = pgTable('checkpoints', {
  wuId: bigint('wu_id', { mode: 'number' }).primaryKey().references(() => workUnits.id),
  replicaId: bigint('replica_id', { mode: 'number' }).notNull(),
  step: integer('step').notNull(),
  sha256: text('sha256').notNull(),
  data: text('data').notNull(),
  /** The maker host's signature over wu, replica, kernel, step and sha256 (checked on upload). */
  signature: text('signature').notNull(),
  createdAt: createdAt(),
});

/**
 * Each re-opening of a WU: which host's catch caused it, why, and the canonical output that was
 * withdrawn. What researchers see as "re-opened" (GET /batches/:id/reopened).
 */
export const wuReopenings = pgTable('wu_reopenings', {
  id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
  wuId: bigint('wu_id', { mode: 'number' }).notNull().references(() => workUnits.id),
  batchId: uuid('batch_id').notNull().references(() => batches.id),
  /** The caught host whose replica was set aside. */
  hostId: uuid('host_id').notNull().references(() => hosts.id),
  /** `solo`: the host had validated it alone; `quorum`: the host was one of its quorum. */
  kind: text('kind').notNull(),
  reason: text('reason').notNull(),
  previousReplicaId: bigint('previous_replica_id', { mode: 'number' }),
  previousSha256: text('previous_sha256'),
  createdAt: createdAt(),
}, (t) => [index('wu_reopenings_batch_idx').on(t.batchId, t.createdAt), index('wu_reopenings_wu_idx').on(t.wuId)]);
