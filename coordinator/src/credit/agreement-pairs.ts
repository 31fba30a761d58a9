import { sql } from 'drizzle-orm';
import { uuidArray } from '../db/arrays';
import type { Tx } from '../db/index';
import { pairKey, type FlaggedPairs } from '../daemons/decide';

/*
 * Which hosts keep agreeing against others. For every WU a validator pass decides, each pair of
 * hosts in the same cluster of agreeing outputs is counted: together always, against when some
 * other result dissented (whichever side won), lost when their shared output was not the
 * canonical one. Counting `against` alone would flag honest pairs too: every WU a cheat joins
 * draws extra honest replicas, so honest pairs meet dissent often. What sets colluders apart is
 * that their shared output keeps losing: a pair is flagged once it has lost together
 * `pairFlagAfter` times and at least `pairFlagShare` of its disputes were lost.
 */

export interface PairPolicy {
  pairFlagAfter: number;
  pairFlagShare: number;
}

/** One decided WU: its clusters of agreeing replicas (host ids) and which cluster won, if any. */
export interface DecidedClusters {
  wuId: number;
  clusters: string[][];
  winner: number | null;
}

interface PairCount { a: string; b: string; together: number; against: number; lost: number; wu: number }

/** Pair counts of a pass, summed per pair (one row per pair, so one upsert touches each once). */
export function countPairs(decided: DecidedClusters[]): PairCount[] {
  const pairs = new Map<string, PairCount>();
  for (const d of decided) {
    const dissent = d.clusters.length > 1;
    d.clusters.forEach((hostIds, i) => {
      const hs = [...new Set(hostIds)].sort();
      for (let x = 0; x < hs.length; x++) {
        for (let y = x + 1; y < hs.length; y++) {
          const key = pairKey(hs[x]!, hs[y]!);
          const p = pairs.get(key) ?? { a: hs[x]!, b: hs[y]!, together: 0, against: 0, lost: 0, wu: d.wuId };
          p.together++;
          if (dissent) p.against++;
          if (dissent && i !== d.winner) p.lost++;
          p.wu = Math.max(p.wu, d.wuId);
          pairs.set(key, p);
        }
      }
    });
  }
  // In key order, so concurrent validators lock pair rows in one order and never deadlock.
  return [...pairs.values()].sort((p, q) => (pairKey(p.a, p.b) < pairKey(q.a, q.b) ? -1 : 1));
}

/**
 * Adds a pass's pair counts in the caller's transaction and flags pairs that crossed the line.
 * Returns the pairs flagged just now, for the event feed.
 */
export async function recordAgreements(tx: Tx, decided: DecidedClusters[], policy: PairPolicy): Promise<{ hostA: string; hostB: string; against: number; lost: number }[]> {
  const counts = countPairs(decided);
  if (counts.length === 0) return [];
  const after = sql`${policy.pairFlagAfter}::int`;
  const share = sql`${policy.pairFlagShare}::float8`;
  const rows = await tx.rows<{ host_a: string; host_b: string; against: number; lost: number; flagged_now: boolean }>(sql`
    INSERT INTO agreement_pairs AS p (host_a, host_b, together, against, lost, last_wu_id, flagged_at)
    SELECT d.a, d.b, d.together, d.against, d.lost, d.wu,
           CASE WHEN d.lost >= ${after} AND d.lost >= ${share} * d.against THEN now() END
      FROM jsonb_to_recordset(${JSON.stringify(counts)}::jsonb) AS d(a uuid, b uuid, together int, against int, lost int, wu int8)
    ON CONFLICT (host_a, host_b) DO UPDATE SET
      together = p.together + excluded.together,
      against = p.against + excluded.against,
      lost = p.lost + excluded.lost,
      last_wu_id = excluded.last_wu_id,
      updated_at = now(),
      flagged_at = CASE
        WHEN p.flagged_at IS NOT NULL THEN p.flagged_at
        WHEN p.lost + excluded.lost >= ${after}
         AND p.lost + excluded.lost >= ${share} * (p.against + excluded.against) THEN now()
      END
    RETURNING host_a, host_b, against, lost, (flagged_at = now()) AS flagged_now`);
  return rows.filter((r) => r.flagged_now).map((r) => ({ hostA: r.host_a, hostB: r.host_b, against: r.against, lost: r.lost }));
}

/** Flagged pairs among these hosts, as decide() takes them. */
export async function flaggedPairsAmong(tx: Tx, hostIds: string[]): Promise<FlaggedPairs> {
  if (hostIds.length < 2) return new Set();
  const ids = uuidArray([...new Set(hostIds)]);
  const rows = await tx.rows<{ host_a: string; host_b: string }>(sql`
    SELECT host_a, host_b FROM agreement_pairs
     WHERE flagged_at IS NOT NULL AND host_a = ANY(${ids}) AND host_b = ANY(${ids})`);
  return new Set(rows.map((r) => pairKey(r.host_a, r.host_b)));
}

/** Clears a pair's flag and starts its counts again (the caller records who did it). */
export async function clearPairFlag(tx: Tx, hostA: string, hostB: string): Promise<boolean> {
  const [a, b] = hostA < hostB ? [hostA, hostB] : [hostB, hostA];
  const rows = await tx.rows(sql`
    UPDATE agreement_pairs SET flagged_at = NULL, cleared_at = now(), together = 0, against = 0, lost = 0, updated_at = now()
     WHERE host_a = ${a} AND host_b = ${b} AND flagged_at IS NOT NULL
    RETURNING host_a`);
  return rows.length > 0;
}
