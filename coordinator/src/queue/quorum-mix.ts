import { sql, type SQL } from 'drizzle-orm';
import { familySql, trustedSql, type TrustPolicy } from '../credit/trust';

/*
 * Who may share a quorum. Two new or low-reputation hosts are never paired without a trusted one:
 * an untrusted host may take a replica of a WU only while its live replicas (in progress, or
 * reported and not judged invalid) count at least as many trusted hosts as untrusted ones. So the
 * first replica may go to anyone, the second to an untrusted host only beside a trusted one, and
 * colluding accounts never outnumber the trusted hosts on a WU by more than one: each of their
 * results meets a trusted host's, and they cannot pile onto a WU to outvote it.
 *
 * Bootstrap (a new grid, or a kernel no trusted host runs): while no trusted host that runs the
 * WU's kernel is online, untrusted hosts still pair, or nothing would ever be validated; instead
 * the WU's quorum goes up by one when the second untrusted host joins, so colluders need one more
 * account on the same WU. The raise is skipped where it would leave the WU unservable: when
 * fewer distinct volunteers than the raised quorum are online for the kernel, or the WU has no
 * room for another replica.
 */

/**
 * How long a WU waits for a trusted host before any host may take it, unless the claim says
 * (config collusion.trustedWaitSeconds): the trusted hosts about may all be on it already (one
 * per volunteer), or too few to keep up at the end of a batch.
 */
const TRUSTED_WAIT_SECONDS = 60;

/** Whether the host row `h` is trusted now in `family` (credit/trust.ts, the one rule). */
export function hostTrustedSql(h: string, family: SQL, policy: TrustPolicy): SQL {
  return trustedSql(sql.raw(`${h}.id`), family, policy);
}

/** The family of the WU `w` in the claim. */
const W_FAMILY = familySql(sql`w.kernel`);

/** A replica `r` that still counts towards its WU's quorum. */
const LIVE = sql`r.state IN ('in_progress', 'reported') AND r.validate_state <> 'invalid'`;

/**
 * CTEs for the claim: kernels some online trusted host runs, and how many distinct volunteers are
 * online for each kernel. Both read the small hosts table once per claim, never per WU row.
 */
export function quorumMixCtes(policy: TrustPolicy): SQL {
  return sql`trusted_kernels AS MATERIALIZED (
      SELECT DISTINCT k.ref FROM hosts t, jsonb_array_elements_text(t.kernels) AS k(ref)
       WHERE t.online AND ${hostTrustedSql('t', familySql(sql`k.ref`), policy)}
    ), online_owners AS MATERIALIZED (
      SELECT k.ref, count(DISTINCT o.owner_id)::int AS owners FROM hosts o, jsonb_array_elements_text(o.kernels) AS k(ref)
       WHERE o.online AND o.status = 'active'
       GROUP BY k.ref
    ),`;
}

/** Some live replica of `w` is a trusted host's (a per-row probe of the (wu_id, host_id) index). */
function trustedReplicaSql(policy: TrustPolicy): SQL {
  return sql`EXISTS (SELECT 1 FROM replicas r JOIN hosts h ON h.id = r.host_id WHERE r.wu_id = w.id AND ${LIVE} AND ${hostTrustedSql('h', W_FAMILY, policy)} OFFSET 0)`;
}

/** `w` has any live replica. */
const ANY_LIVE = sql`EXISTS (SELECT 1 FROM replicas r WHERE r.wu_id = w.id AND ${LIVE} OFFSET 0)`;

/** No trusted host that runs `w`'s kernel is online: the bootstrap rule applies. */
const BOOTSTRAP = sql`w.kernel_ref NOT IN (SELECT ref FROM trusted_kernels)`;

/** `w`'s live replicas count at least as many trusted hosts as untrusted ones (none: 0 ≥ 0). */
function trustedBalanceSql(policy: TrustPolicy): SQL {
  return sql`(SELECT count(*) FILTER (WHERE ${hostTrustedSql('h', W_FAMILY, policy)}) >= count(*) FILTER (WHERE NOT ${hostTrustedSql('h', W_FAMILY, policy)})
                FROM replicas r JOIN hosts h ON h.id = r.host_id WHERE r.wu_id = w.id AND ${LIVE} OFFSET 0)`;
}

/**
 * The pairing rule, a filter on `w` (work_units) for the claiming host; `trusted` is the
 * claimer's trust. A WU the validator held for a trusted host's result (needs_trusted) goes to
 * trusted hosts only, unless none is online or it has waited `waitSeconds` without a change.
 */
export function quorumMixSql(trusted: SQL, policy: TrustPolicy, waitSeconds = TRUSTED_WAIT_SECONDS): SQL {
  return sql`AND (${trusted} OR ${BOOTSTRAP} OR w.updated_at < now() - make_interval(secs => ${waitSeconds})
                  OR (${trustedBalanceSql(policy)} AND NOT w.needs_trusted))`;
}

/**
 * Whether this claim raises `w`'s quorum by one (bootstrap only): an untrusted host joins a WU
 * whose live replicas are all untrusted hosts', the quorum has not been raised yet, there is room
 * for one more replica, and enough volunteers are online to fill the raised quorum.
 */
export function bootstrapRaiseSql(trusted: SQL, policy: TrustPolicy): SQL {
  return sql`(NOT ${trusted} AND w.min_quorum > 1 AND w.min_quorum <= w.base_quorum
              AND w.replicas_sent + w.replicas_needed < w.max_total_replicas
              AND ${BOOTSTRAP}
              AND coalesce((SELECT owners FROM online_owners WHERE ref = w.kernel_ref), 0) > w.min_quorum
              AND ${ANY_LIVE} AND NOT ${trustedReplicaSql(policy)})`;
}
