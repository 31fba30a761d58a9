import { sql } from 'drizzle-orm';
import { bigint, boolean, check, doublePrecision, index, integer, jsonb, pgEnum, pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core';
import { createdAt, ts } from './columns';
import { users } from './users';

export const hostStatusEnum = pgEnum('host_status', ['active', 'paused', 'banned']);
export const intensityEnum = pgEnum('intensity', ['low', 'medium', 'high', 'inferno']);

export const hosts = pgTable('hosts', {
  id: uuid('id').primaryKey().defaultRandom(),
  ownerId: uuid('owner_id').notNull().references(() => users.id),
  name: text('name').notNull(),
  /** The host's Ed25519 public key (JWK) used to verify its signed results. */
  publicKey: jsonb('public_key').notNull(),
  hardware: jsonb('hardware'),
  gpu: boolean('gpu').notNull().default(false),
  memoryMb: integer('memory_mb').notNull().default(0),
  kernels: jsonb('kernels').$type<string[]>().notNull().default([]),
  backend: text('backend'),
  agentVersion: text('agent_version'),
  benchmarkFlops: doublePrecision('benchmark_flops').notNull().default(1e9),
  intensity: intensityEnum('intensity').notNull().default('medium'),
  status: hostStatusEnum('status').notNull().default('active'),
  // Reliability (BOINC: consecutive_valid, error_rate).
  consecutiveValid: integer('consecutive_valid').notNull().default(0),
  validCount: integer('valid_count').notNull().default(0),
  invalidCount: integer('invalid_count').notNull().default(0),
  errorCount: integer('error_count').notNull().default(0),
  timeoutCount: integer('timeout_count').notNull().default(0),
  /** Exponentially weighted share of replicas that errored, timed out or were invalid. */
  errorRate: doublePrecision('error_rate').notNull().default(0.1),
  /**
   * The share of the daily quota this host may use now (BOINC's per-host quota): halved on each
   * error, timeout or invalid result, doubled on each valid one, never above 1.
   */
  quotaScale: doublePrecision('quota_scale').notNull().default(1),
  // Credit.
  totalCredit: doublePrecision('total_credit').notNull().default(0),
  rac: doublePrecision('rac').notNull().default(0),
  racTime: ts('rac_time'),
  // Live state, as last reported.
  online: boolean('online').notNull().default(false),
  lastContact: ts('last_contact'),
  readings: jsonb('readings'),
  progress: jsonb('progress'),
  /** CPU time of this host's valid replicas (added when the validator grants their credit). */
  cpuSeconds: doublePrecision('cpu_seconds').notNull().default(0),
  /** The last invalid result of this host; its past is re-examined once per catch (daemons/reexamine.ts). */
  caughtAt: ts('caught_at'),
  /** The catch (caught_at) whose re-examination has been done. */
  reexaminedAt: ts('reexamined_at'),
  createdAt: createdAt(),
}, (t) => [index('hosts_owner_idx').on(t.ownerId)]);

/**
 * Reliability per host and kernel family (BOINC's per-app-version reliability): the family is the
 * kernel name before its dot (`bench`, `train`, `cover`, `mc`). A host is trusted with solo work of
 * a family only by its record in that family (credit/trust.ts); the host row keeps its totals.
 */
export const hostReliability = pgTable('host_reliability', {
  hostId: uuid('host_id').notNull().references(() => hosts.id),
  family: text('family').notNull(),
  consecutiveValid: integer('consecutive_valid').notNull().default(0),
  validCount: integer('valid_count').notNull().default(0),
  invalidCount: integer('invalid_count').notNull().default(0),
  /** As hosts.error_rate, starting at 0.1, over this family's verdicts only. */
  errorRate: doublePrecision('error_rate').notNull().default(0.1),
  updatedAt: ts('updated_at').notNull().defaultNow(),
}, (t) => [primaryKey({ columns: [t.hostId, t.family] })]);

/*
 * Two hosts whose results agreed on a validated WU (host_a < host_b): how often, how often
 * against a dissenting result, and how often their shared output lost. A pair that agrees
 * against others too often is flagged (credit/agreement-pairs.ts); the validator then holds a WU
 * that only the pair vouches for until a trusted host decides. An admin may clear a flag, which
 * starts the pair's counts again.
 */
export const agreementPairs = pgTable('agreement_pairs', {
  hostA: uuid('host_a').notNull().references(() => hosts.id),
  hostB: uuid('host_b').notNull().references(() => hosts.id),
  together: integer('together').notNull().default(0),
  against: integer('against').notNull().default(0),
  lost: integer('lost').notNull().default(0),
  lastWuId: bigint('last_wu_id', { mode: 'number' }),
  flaggedAt: ts('flagged_at'),
  clearedAt: ts('cleared_at'),
  updatedAt: ts('updated_at').notNull().defaultNow(),
}, (t) => [
  primaryKey({ columns: [t.hostA, t.hostB] }),
  check('agreement_pairs_ordered', sql`${t.hostA} < ${t.hostB}`),
  index('agreement_pairs_flagged_idx').on(t.flaggedAt).where(sql`${t.flaggedAt} IS NOT NULL`),
]);

/**
 * A bounded history of each host's reported state for the console's charts: at most one sample a
 * minute per host, taken from its progress reports (gateway/record-host-sample.ts), and kept for
 * HOST_SAMPLE_DAYS. A sample means the host was online and reporting at that time.
 */
export const hostSamples = pgTable('host_samples', {
  id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
  hostId: uuid('host_id').notNull().references(() => hosts.id, { onDelete: 'cascade' }),
  at: ts('at').notNull().defaultNow(),
  intensity: intensityEnum('intensity').notNull(),
  /** Replicas the agent was computing. */
  running: integer('running').notNull(),
  cpuLoad: doublePrecision('cpu_load'),
  cpuTemp: doublePrecision('cpu_temp'),
  gpuTemp: doublePrecision('gpu_temp'),
}, (t) => [index('host_samples_host_at_idx').on(t.hostId, t.at), index('host_samples_at_idx').on(t.at)]);
