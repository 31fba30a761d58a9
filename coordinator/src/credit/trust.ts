import { sql, type SQL } from 'drizzle-orm';

/*
 * Whether a host is trusted with solo work of a kernel family: the one rule, read by the claim
 * (queue/claim-work.ts), the validator (queue/lock-for-validation.ts) and the assimilator's hold
 * (queue/assimilation.ts). Trust is per family (BOINC's per-app-version reliability), so a record
 * earned on cheap bench.hash work buys nothing on train or mc work. It grows slowly: a streak of
 * `streak` valid results in the family, and an error rate that starts at 0.1 and falls by 5% per
 * valid result, down to `maxErrorRate` (about 14 results at the defaults); one invalid result
 * ends it at once (credit/host-reliability.ts).
 */

export interface TrustPolicy {
  trustStreak: number;
  trustMaxErrorRate: number;
}

/** A kernel name's family: its part before the first dot (`bench.hash` → `bench`). */
export function familyOf(kernel: string): string {
  return kernel.split('.')[0]!;
}

/** familyOf() in SQL over a kernel-name expression (work_units.kernel). */
export function familySql(kernel: SQL): SQL {
  return sql`split_part(${kernel}, '.', 1)`;
}

/**
 * True when the host `hostId` (an expression) is active and trusted for `family` (an expression):
 * its host_reliability row in that family meets the policy.
 */
export function trustedSql(hostId: SQL, family: SQL, policy: TrustPolicy): SQL {
  return sql`EXISTS (SELECT 1 FROM host_reliability hr JOIN hosts th ON th.id = hr.host_id
                      WHERE hr.host_id = ${hostId} AND hr.family = ${family} AND th.status = 'active'
                        AND hr.consecutive_valid >= ${policy.trustStreak} AND hr.error_rate <= ${policy.trustMaxErrorRate})`;
}
