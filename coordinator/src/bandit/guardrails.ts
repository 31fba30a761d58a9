import { sql } from 'drizzle-orm';
import type { GuardrailLimits, GuardrailTrip } from '@nfl-grid/shared/bandit/api';
import type { Db } from '../db/index';
import { capArm } from './caps';
import { recordBanditEvent, rollBackIfOnProbation } from './state';

/*
 * Guardrails watch each uncapped arm over recent windows (counted from its last uncap):
 *   error_rate    errored / finished replicas           > maxErrorRate
 *   invalid_rate  invalid / judged replicas             > maxInvalidRate
 *   reward        mean of recent rewards                < minReward (when set)
 *   share         share of dispatched replicas, in decisions where another arm was on offer  > maxShare
 * A trip caps the arm (at capShare; a share trip at maxShare) and, when the strategy in force
 * came in within probationSeconds, rolls the strategy back too. Why is recorded in the events
 * table and in bandit_state.last_guardrail. Caps are compare-and-set, so two coordinators
 * evaluating at once act once.
 */

export interface ArmHealth {
  arm: string;
  errorRate: number | null; finished: number;
  invalidRate: number | null; judged: number;
  recentReward: number | null; rewards: number;
  share: number | null; contested: number;
}

export async function armHealth(db: Db, limits: GuardrailLimits): Promise<ArmHealth[]> {
  const [reps, rewards, decisions] = await Promise.all([
    db.rows<{ arm: string; errors: number; finished: number; invalid: number; judged: number }>(sql`
      SELECT a.arm,
             (count(*) FILTER (WHERE r.state = 'errored'))::int AS errors,
             (count(*) FILTER (WHERE r.state IN ('reported', 'errored')))::int AS finished,
             (count(*) FILTER (WHERE r.validate_state = 'invalid'))::int AS invalid,
             (count(*) FILTER (WHERE r.validate_state IN ('valid', 'invalid')))::int AS judged
        FROM replicas r
        JOIN work_units w ON w.id = r.wu_id
        JOIN bandit_arms a ON a.arm = w.kernel_ref
       WHERE r.id > (SELECT coalesce(max(id), 0) - ${limits.windowReplicas} FROM replicas)
         AND (a.uncapped_at IS NULL OR r.sent_at >= a.uncapped_at)
       GROUP BY a.arm`),
    db.rows<{ arm: string; mean: number; n: number }>(sql`
      SELECT b.arm, avg(b.reward)::float8 AS mean, count(*)::int AS n
        FROM bandit_rewards b JOIN bandit_arms a ON a.arm = b.arm
       WHERE b.id > (SELECT coalesce(max(id), 0) - ${limits.windowRewards} FROM bandit_rewards)
         AND (a.uncapped_at IS NULL OR b.created_at >= a.uncapped_at)
       GROUP BY b.arm`),
    db.rows<{ arm: string; replicas: number; contested: boolean; created_at: Date | string }>(sql`
      SELECT arm, replicas, (jsonb_array_length(candidates) + jsonb_array_length(fallback)) >= 2 AS contested, created_at
        FROM bandit_decisions
       WHERE id > (SELECT coalesce(max(id), 0) - ${limits.windowDecisions} FROM bandit_decisions)`),
  ]);
  const uncappedAt = new Map((await db.rows<{ arm: string; uncapped_at: Date | string | null }>(sql`SELECT arm, uncapped_at FROM bandit_arms`))
    .map((r) => [r.arm, r.uncapped_at ? new Date(r.uncapped_at).getTime() : -Infinity]));
  const arms = new Set([...reps.map((r) => r.arm), ...rewards.map((r) => r.arm), ...decisions.map((d) => d.arm)]);
  return [...arms].sort().map((arm) => {
    const r = reps.find((x) => x.arm === arm);
    const w = rewards.find((x) => x.arm === arm);
    const since = uncappedAt.get(arm) ?? -Infinity;
    const contested = decisions.filter((d) => d.contested && new Date(d.created_at).getTime() >= since);
    const total = contested.reduce((s, d) => s + d.replicas, 0);
    const mine = contested.filter((d) => d.arm === arm).reduce((s, d) => s + d.replicas, 0);
    return {
      arm,
      errorRate: r && r.finished > 0 ? r.errors / r.finished : null, finished: r?.finished ?? 0,
      invalidRate: r && r.judged > 0 ? r.invalid / r.judged : null, judged: r?.judged ?? 0,
      recentReward: w ? w.mean : null, rewards: w?.n ?? 0,
      share: total > 0 ? mine / total : null, contested: contested.length,
    };
  });
}

type Breach = Pick<GuardrailTrip, 'arm' | 'kind' | 'value' | 'limit' | 'samples'>;

/** The first limit each arm breaches (errors, invalid results, reward, share, in that order). */
export function breaches(health: ArmHealth[], limits: GuardrailLimits): Breach[] {
  const out: Breach[] = [];
  const enough = (n: number) => n >= limits.minSamples;
  for (const h of health) {
    if (h.errorRate !== null && enough(h.finished) && h.errorRate > limits.maxErrorRate) {
      out.push({ arm: h.arm, kind: 'error_rate', value: h.errorRate, limit: limits.maxErrorRate, samples: h.finished });
    } else if (h.invalidRate !== null && enough(h.judged) && h.invalidRate > limits.maxInvalidRate) {
      out.push({ arm: h.arm, kind: 'invalid_rate', value: h.invalidRate, limit: limits.maxInvalidRate, samples: h.judged });
    } else if (limits.minReward !== null && h.recentReward !== null && enough(h.rewards) && h.recentReward < limits.minReward) {
      out.push({ arm: h.arm, kind: 'reward', value: h.recentReward, limit: limits.minReward, samples: h.rewards });
    } else if (h.share !== null && enough(h.contested) && h.share > limits.maxShare) {
      out.push({ arm: h.arm, kind: 'share', value: h.share, limit: limits.maxShare, samples: h.contested });
    }
  }
  return out;
}

const describe = (b: Breach) =>
  `${b.kind.replace('_', ' ')} ${b.value.toFixed(3)} ${b.kind === 'reward' ? 'below' : 'above'} the limit ${b.limit} over ${b.samples} samples`;

/** Evaluates the guardrails of uncapped arms and acts on each breach. Returns the trips made. */
export async function enforceGuardrails(db: Db, limits: GuardrailLimits, now = new Date()): Promise<GuardrailTrip[]> {
  const capped = new Set((await db.rows<{ arm: string }>(sql`SELECT arm FROM bandit_arms WHERE cap_share IS NOT NULL`)).map((r) => r.arm));
  const found = breaches((await armHealth(db, limits)).filter((h) => !capped.has(h.arm)), limits);
  const trips: GuardrailTrip[] = [];
  for (const b of found) {
    const trip = await db.transaction(async (tx) => {
      const share = b.kind === 'share' ? limits.maxShare : limits.capShare;
      const t: GuardrailTrip = { ...b, at: now.toISOString(), actions: ['cap'], rolledBackFrom: null };
      // Compare-and-set: another coordinator may have capped it a moment ago.
      if (!(await capArm(tx, b.arm, share, `guardrail: ${describe(b)}`, 'guardrail', true))) return null;
      await rollBackIfOnProbation(tx, t, now.getTime());
      await recordBanditEvent(tx, 'bandit.guardrail', b.arm, 'guardrail', t);
      return t;
    });
    if (trip) trips.push(trip);
  }
  return trips;
}
