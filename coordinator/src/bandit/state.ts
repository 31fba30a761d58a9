import { sql } from 'drizzle-orm';
import { GuardrailLimits, type GuardrailTrip } from '@nfl-grid/shared/bandit/api';
import { DEFAULT_STRATEGY, StrategySpec } from '@nfl-grid/shared/bandit/strategies';
import type { Db, Tx } from '../db/index';

/*
 * The strategy in force lives in one row (bandit_state, id 'default') that every coordinator
 * reads, so a hot swap through any of them applies to all. Changes are made under the row's lock
 * and bump `version`; the previous strategy is kept for a guardrail rollback.
 */

const ID = 'default';

export interface BanditState {
  strategy: StrategySpec;
  version: number;
  changedAt: Date;
  changedBy: string | null;
  changeReason: string | null;
  previous: StrategySpec | null;
  limits: GuardrailLimits;
  lastGuardrail: GuardrailTrip | null;
}

interface StateRow {
  strategy: string; params: Record<string, unknown>; version: number; changed_at: Date | string; changed_by: string | null;
  change_reason: string | null; previous_strategy: string | null; previous_params: Record<string, unknown> | null;
  guardrails: Record<string, unknown>; last_guardrail: GuardrailTrip | null;
}

/** A stored spec, or null when it no longer parses (a strategy or parameter since removed). */
function specOf(strategy: string | null, params: unknown): StrategySpec | null {
  if (!strategy) return null;
  const parsed = StrategySpec.safeParse({ strategy, params: params ?? {} });
  return parsed.success ? parsed.data : null;
}

function toState(r: StateRow): BanditState {
  const limits = GuardrailLimits.safeParse(r.guardrails ?? {});
  return {
    strategy: specOf(r.strategy, r.params) ?? DEFAULT_STRATEGY,
    version: r.version,
    changedAt: new Date(r.changed_at),
    changedBy: r.changed_by,
    changeReason: r.change_reason,
    previous: specOf(r.previous_strategy, r.previous_params),
    limits: limits.success ? limits.data : GuardrailLimits.parse({}),
    lastGuardrail: r.last_guardrail,
  };
}

async function ensureRow(db: Pick<Tx, 'rows'>): Promise<void> {
  await db.rows(sql`
    INSERT INTO bandit_state (id, strategy, params, change_reason)
    VALUES (${ID}, ${DEFAULT_STRATEGY.strategy}, ${JSON.stringify(DEFAULT_STRATEGY.params)}::jsonb, 'default')
    ON CONFLICT (id) DO NOTHING`);
}

export async function readState(db: Pick<Tx, 'rows'>, forUpdate = false): Promise<BanditState> {
  const select = () => db.rows<StateRow>(forUpdate
    ? sql`SELECT * FROM bandit_state WHERE id = ${ID} FOR UPDATE`
    : sql`SELECT * FROM bandit_state WHERE id = ${ID}`);
  let rows = await select();
  if (rows.length === 0) {
    await ensureRow(db);
    rows = await select();
  }
  return toState(rows[0]!);
}

export async function recordBanditEvent(tx: Tx, kind: string, subject: string | null, actor: string | null, data: unknown): Promise<void> {
  await tx.rows(sql`INSERT INTO events (kind, subject, actor, data) VALUES (${kind}, ${subject}, ${actor}, ${JSON.stringify(data)}::jsonb)`);
}

/** Puts `spec` in force (keeping the current one as `previous`) and records who did it. */
export async function setStrategy(db: Db, spec: StrategySpec, actor: string | null, reason = 'api'): Promise<BanditState> {
  return db.transaction(async (tx) => {
    const cur = await readState(tx, true);
    await tx.rows(sql`
      UPDATE bandit_state SET strategy = ${spec.strategy}, params = ${JSON.stringify(spec.params)}::jsonb,
             previous_strategy = ${cur.strategy.strategy}, previous_params = ${JSON.stringify(cur.strategy.params)}::jsonb,
             version = version + 1, changed_at = now(), changed_by = ${actor}, change_reason = ${reason}
       WHERE id = ${ID}`);
    await recordBanditEvent(tx, 'bandit.strategy', spec.strategy, actor, { from: cur.strategy, to: spec, reason });
    return readState(tx);
  });
}

/** Changes some guardrail limits. */
export async function setLimits(db: Db, changes: Partial<GuardrailLimits>, actor: string | null): Promise<BanditState> {
  return db.transaction(async (tx) => {
    const cur = await readState(tx, true);
    const limits = GuardrailLimits.parse({ ...cur.limits, ...changes });
    await tx.rows(sql`UPDATE bandit_state SET guardrails = ${JSON.stringify(limits)}::jsonb WHERE id = ${ID}`);
    await recordBanditEvent(tx, 'bandit.guardrails', null, actor, { from: cur.limits, to: limits });
    return readState(tx);
  });
}

/**
 * In a guardrail's transaction: rolls the strategy back to the previous one when the current one
 * came in less than `probationSeconds` ago (and not itself by a rollback, so two strategies
 * cannot flip-flop). Records the trip in the state row either way. Returns the strategy rolled
 * back from, or null.
 */
export async function rollBackIfOnProbation(tx: Tx, trip: GuardrailTrip, now = Date.now()): Promise<StrategySpec | null> {
  const cur = await readState(tx, true);
  const onProbation = cur.previous !== null && cur.changeReason !== 'rollback' && cur.changeReason !== 'default'
    && now - cur.changedAt.getTime() < cur.limits.probationSeconds * 1000;
  if (onProbation) {
    trip.actions.push('rollback');
    trip.rolledBackFrom = cur.strategy;
    await tx.rows(sql`
      UPDATE bandit_state SET strategy = ${cur.previous!.strategy}, params = ${JSON.stringify(cur.previous!.params)}::jsonb,
             previous_strategy = ${cur.strategy.strategy}, previous_params = ${JSON.stringify(cur.strategy.params)}::jsonb,
             version = version + 1, changed_at = now(), changed_by = 'guardrail', change_reason = 'rollback'
       WHERE id = ${ID}`);
    await recordBanditEvent(tx, 'bandit.rollback', cur.previous!.strategy, 'guardrail', { from: cur.strategy, to: cur.previous, trip });
  }
  await tx.rows(sql`UPDATE bandit_state SET last_guardrail = ${JSON.stringify(trip)}::jsonb WHERE id = ${ID}`);
  return onProbation ? cur.strategy : null;
}

