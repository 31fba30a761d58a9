/*
 * Which results of an agreeing cluster count towards a quorum when some were resumed from another
 * host's checkpoint. A resumed result is only partly its own host's computation: the steps up to
 * the checkpoint are the maker's word, unreplicated. So
 *   - it counts only while every maker it rests on is trusted (as a solo result would);
 *   - it never counts beside a result of a maker's host or owner, nor beside another result that
 *     rests on the same maker (they would vouch for one computation twice);
 *   - a quorum needs at least one result computed from scratch.
 * Results left out still agree with the cluster: if the cluster wins they are valid.
 */

/** The host (and its owner) that made a checkpoint a result was resumed from. */
export interface CheckpointMaker {
  hostId: string;
  ownerId: string;
  /** Whether that host is trusted now. */
  trusted: boolean;
}

export interface ResultProvenance {
  id: number;
  hostId: string;
  ownerId?: string;
  /** The makers of the checkpoints this result rests on, nearest first; empty or absent: from scratch. */
  resumedFrom?: CheckpointMaker[];
}

export const fromScratch = (r: ResultProvenance): boolean => (r.resumedFrom ?? []).length === 0;

const identities = (hostId: string, ownerId: string | undefined) => (ownerId ? [`host:${hostId}`, `owner:${ownerId}`] : [`host:${hostId}`]);

/**
 * The results of one agreeing cluster that count towards its quorum: from-scratch results first
 * (by id), then resumed ones that rest only on trusted makers and share no maker, host or owner
 * with a result already counted.
 */
export function countedResults<R extends ResultProvenance>(cluster: R[]): R[] {
  const ordered = [...cluster].sort((a, b) => Number(fromScratch(b)) - Number(fromScratch(a)) || a.id - b.id);
  const own = new Set<string>();
  const makers = new Set<string>();
  const counted: R[] = [];
  for (const r of ordered) {
    const from = r.resumedFrom ?? [];
    if (from.some((m) => !m.trusted)) continue;
    const mine = identities(r.hostId, r.ownerId);
    const theirs = from.flatMap((m) => identities(m.hostId, m.ownerId));
    if (theirs.some((x) => own.has(x) || makers.has(x)) || mine.some((x) => makers.has(x))) continue;
    counted.push(r);
    for (const x of mine) own.add(x);
    for (const x of theirs) makers.add(x);
  }
  return counted;
}

/** Whether a cluster's counted results make a quorum of `minQuorum`, one of them from scratch. */
export function makesQuorum(counted: ResultProvenance[], minQuorum: number): boolean {
  return counted.length >= minQuorum && counted.some(fromScratch);
}
