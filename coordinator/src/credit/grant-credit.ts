import { sql } from 'drizzle-orm';
import type { Tx } from '../db/index';
import type { Verdict } from '../queue/record-verdicts';
import { applyHostOutcomes, applyUserCredit, type HostOutcome } from './host-reliability';

/**
 * Credit and reliability for a validator pass's verdicts, in its transaction: a ledger row per
 * valid replica (once: the ledger is keyed by replica), the hosts' valid/invalid counts, streaks,
 * error rates, totals and recent average credit, and each volunteer's totals. A host's CPU total
 * takes in valid replicas only, as its credit does.
 */
export async function grantCredit(tx: Tx, verdicts: Verdict[]): Promise<void> {
  const hosts = new Map<string, HostOutcome>();
  const userCredit = new Map<string, number>();
  const ledger: { host: string; user: string; replica: number; wu: number; claimed: number; granted: number }[] = [];
  for (const v of verdicts) {
    let o = hosts.get(v.hostId);
    if (!o) hosts.set(v.hostId, (o = { hostId: v.hostId, valid: 0, invalid: 0, errors: 0, credit: 0 }));
    if (!v.valid) {
      o.invalid++;
      continue;
    }
    o.valid++;
    o.credit += v.granted;
    o.cpuSeconds = (o.cpuSeconds ?? 0) + v.cpuSeconds;
    userCredit.set(v.ownerId, (userCredit.get(v.ownerId) ?? 0) + v.granted);
    ledger.push({ host: v.hostId, user: v.ownerId, replica: v.replicaId, wu: v.wuId, claimed: v.claimed, granted: v.granted });
  }
  if (ledger.length) {
    await tx.rows(sql`
      INSERT INTO credit_ledger (host_id, user_id, replica_id, wu_id, claimed, granted)
      SELECT d.host, d.user, d.replica, d.wu, d.claimed, d.granted
        FROM jsonb_to_recordset(${JSON.stringify(ledger)}::jsonb) AS d(host uuid, "user" uuid, replica int8, wu int8, claimed float8, granted float8)
      ON CONFLICT (replica_id) DO NOTHING`);
  }
  await applyHostOutcomes(tx, [...hosts.values()]);
  await applyUserCredit(tx, userCredit);
}
