import { grantedCredit } from '../credit/credit-math';
import { countedResults, fromScratch, makesQuorum, type CheckpointMaker } from './resumed-results';

/*
 * The validator's decision for one work unit, as a pure function of what has been reported
 * (BOINC's check_set, made explicit). It never touches the database; validator.ts applies it.
 */

export interface ReportedReplica {
  id: number;
  hostId: string;
  validateState: 'pending' | 'valid' | 'invalid' | 'inconclusive';
  output: unknown;
  outputSha256: string;
  claimedCredit: number;
  /** Whether the host is trusted now (for a WU that went out unreplicated). */
  hostTrusted: boolean;
  /** The coordinator's check of the output (kernels with Kernel.verify), or null. */
  check: { ok: boolean; reason: string | null; rescored: Record<string, unknown> | null } | null;
  /** The host's owner (volunteer account). */
  ownerId?: string;
  /** Makers of the checkpoints this result was resumed from (resumed-results.ts); absent or empty: from scratch. */
  resumedFrom?: CheckpointMaker[];
}

export interface WorkUnitForValidation {
  id: number;
  minQuorum: number;
  baseQuorum: number;
  replicasSent: number;
  replicasNeeded: number;
  maxTotalReplicas: number;
  inProgress: number;
  costEstimate: number;
  canonicalReplicaId: number | null;
  canonicalOutput: unknown;
  canonicalSha256: string | null;
  canonicalGranted: number | null;
  /**
   * Distinct volunteers with an active host that runs the kernel, where known: a raised quorum
   * never asks for more agreeing results than the volunteers not already dissenting could give.
   */
  volunteers?: number;
  /** Volunteers who held a replica of this WU and can give it no result now (gave it up, errored, timed out, or judged invalid). */
  spent?: number;
  /** Some trusted host that runs the kernel is online (the claim's pairing rule is in force). */
  trustedOnline?: boolean;
}

/** Every decision may also reject replicas whose output failed the coordinator's check. */
export type Decision = Judgement & { rejected?: { id: number; reason: string }[] };

type Judgement =
  | { kind: 'wait' }
  | { kind: 'valid'; canonicalId: number; valid: number[]; invalid: number[]; granted: number }
  | { kind: 'late'; valid: number[]; invalid: number[]; granted: number }
  | { kind: 'inconclusive'; inconclusive: number[]; more: number; quorum?: number; needsTrusted?: true }
  | { kind: 'raise_quorum'; quorum: number; more: number }
  | { kind: 'no_consensus'; invalid: number[]; reason: string };

type Compare = (a: unknown, b: unknown) => boolean;

function agrees(a: { output: unknown; outputSha256: string }, b: { output: unknown; outputSha256: string }, compare: Compare): boolean {
  if (a.outputSha256 === b.outputSha256) return true;
  try {
    return compare(a.output, b.output);
  } catch {
    // A malformed output that makes the comparator throw agrees with nothing.
    return false;
  }
}

/**
 * Groups replicas into clusters of mutually agreeing outputs, in id order; each cluster is
 * represented by its earliest replica. Also used to count which hosts agreed against others.
 */
export function clustersOf<R extends ReportedReplica>(replicas: R[], compare: Compare): R[][] {
  const clusters: R[][] = [];
  for (const r of [...replicas].sort((a, b) => a.id - b.id)) {
    const home = clusters.find((c) => agrees(c[0]!, r, compare));
    if (home) home.push(r);
    else clusters.push([r]);
  }
  return clusters;
}

/** Host pairs flagged for agreeing against others, as `pairKey(a, b)`. */
export type FlaggedPairs = ReadonlySet<string>;
export const pairKey = (a: string, b: string) => (a < b ? `${a}|${b}` : `${b}|${a}`);

/** A cluster of untrusted hosts each flagged with another of them: held until a trusted host decides. */
function onlyFlagged(cluster: ReportedReplica[], flagged: FlaggedPairs): boolean {
  if (flagged.size === 0 || cluster.length < 2 || cluster.some((r) => r.hostTrusted)) return false;
  return cluster.every((r) => cluster.some((o) => o !== r && flagged.has(pairKey(r.hostId, o.hostId))));
}

/**
 * Outputs that failed the coordinator's check (Kernel.verify) are invalid before anything is
 * compared, whatever the quorum: the rest are decided as usual. When that leaves too few results,
 * replacements go out, at the WU's base quorum if it had gone to a trusted host alone.
 */
export function decide(wu: WorkUnitForValidation, reported: ReportedReplica[], compare: Compare, flagged: FlaggedPairs = new Set()): Decision {
  const open = (r: ReportedReplica) => r.validateState === 'pending' || r.validateState === 'inconclusive';
  const rejected = reported.filter((r) => open(r) && r.check !== null && !r.check.ok).map((r) => ({ id: r.id, reason: r.check!.reason ?? 'failed the check' }));
  if (rejected.length === 0) return decideChecked(wu, reported, compare, flagged);
  const gone = new Set(rejected.map((r) => r.id));
  const rest = reported.filter((r) => !gone.has(r.id));
  const d = decideChecked(wu, rest, compare, flagged);
  if (d.kind !== 'wait' || wu.canonicalReplicaId !== null) return { ...d, rejected };
  // Too few results left and perhaps none coming: send replacements.
  const candidates = rest.filter((r) => r.validateState !== 'invalid');
  const quorum = Math.max(wu.minQuorum, wu.baseQuorum);
  const room = Math.max(0, wu.maxTotalReplicas - wu.replicasSent - wu.replicasNeeded);
  const more = Math.max(0, Math.min(quorum - candidates.length - wu.inProgress - wu.replicasNeeded, room));
  if (more === 0 && wu.inProgress === 0 && wu.replicasNeeded === 0) {
    return { kind: 'no_consensus', invalid: [], reason: `results failed the coordinator's check and the limit of ${wu.maxTotalReplicas} replicas is reached`, rejected };
  }
  if (quorum !== wu.minQuorum) return { kind: 'raise_quorum', quorum, more, rejected };
  return { kind: 'inconclusive', inconclusive: candidates.map((r) => r.id), more, rejected };
}

function decideChecked(wu: WorkUnitForValidation, reported: ReportedReplica[], compare: Compare, flagged: FlaggedPairs): Judgement {
  // A canonical output exists: later replicas are checked against it alone.
  if (wu.canonicalReplicaId !== null) {
    const pending = reported.filter((r) => r.validateState === 'pending' || r.validateState === 'inconclusive');
    const canon = { output: wu.canonicalOutput, outputSha256: wu.canonicalSha256 ?? '' };
    const valid = pending.filter((r) => agrees(r, canon, compare)).map((r) => r.id);
    const invalid = pending.filter((r) => !valid.includes(r.id)).map((r) => r.id);
    return { kind: 'late', valid, invalid, granted: wu.canonicalGranted ?? 0 };
  }
  const candidates = reported.filter((r) => r.validateState !== 'invalid').sort((a, b) => a.id - b.id);
  if (candidates.length < wu.minQuorum) return { kind: 'wait' };

  // A WU handed to a trusted host alone: accept it only if the host is still trusted.
  if (wu.minQuorum === 1 && wu.baseQuorum > 1 && candidates.length === 1 && !candidates[0]!.hostTrusted) {
    const more = Math.max(0, Math.min(wu.baseQuorum - 1 - wu.inProgress - wu.replicasNeeded, wu.maxTotalReplicas - wu.replicasSent - wu.replicasNeeded));
    return { kind: 'raise_quorum', quorum: wu.baseQuorum, more };
  }

  const clusters = clustersOf(candidates, compare);
  // A cluster's size is the results in it that count (resumed-results.ts: resumed results only
  // beside a from-scratch one, never with their checkpoint's maker).
  const size = (c: ReportedReplica[]) => countedResults(c).length;
  const trustedIn = (c: ReportedReplica[]) => countedResults(c).filter((r) => r.hostTrusted).length;
  // The largest cluster leads; between equals, the one with more trusted hosts.
  const best = clusters.reduce((a, b) => (size(b) > size(a) || (size(b) === size(a) && trustedIn(b) > trustedIn(a)) ? b : a));
  const counted = countedResults(best);
  const rival = Math.max(0, ...clusters.filter((c) => c !== best).map(size));
  // The most agreeing results the grid's volunteers could still give this output: not those
  // dissenting, nor those who already spent their one replica of this WU without a result.
  const reachable = wu.volunteers === undefined ? Infinity : Math.max(wu.baseQuorum, wu.volunteers - rival - (wu.spent ?? 0));
  // Against a dissent, the leading output needs its base quorum plus the largest dissenting
  // cluster (whatever the quorum was raised to before: that only asked for replicas), and one
  // result more if untrusted hosts outvote a trusted one, or if no trusted host is online to
  // pair with (a new grid, where colluders may share a WU).
  const overTrusted = !best.some((r) => r.hostTrusted) && candidates.some((r) => r.hostTrusted && !best.includes(r));
  const margin = wu.baseQuorum + rival + (overTrusted || wu.trustedOnline === false ? 1 : 0);
  const needed = Math.min(rival > 0 ? margin : wu.minQuorum, reachable);
  // A winning cluster made only of flagged pairs is held: the WU goes back out with its quorum
  // one above the cluster, to trusted hosts only (claim-work.ts), whose result then decides. So
  // is a quorum of untrusted hosts alone while trusted hosts are about (two claims that raced, or
  // a quorum begun before anyone was trusted): the pairing rule holds at validation too.
  const unvouched = wu.trustedOnline === true && wu.baseQuorum > 1 && !candidates.some((r) => r.hostTrusted);
  // Two or more trusted hosts agreeing against untrusted ones count twice, so colluders who
  // match trusted hosts one for one cannot jam a WU until it fails (one trusted host alone
  // never counts twice: a trusted sleeper and a colluder do not outweigh an honest result).
  const rivals = clusters.filter((c) => c !== best);
  const weight = size(best) + (trustedIn(best) >= 2 && rivals.every((c) => trustedIn(c) === 0) ? trustedIn(best) : 0);
  const held = weight >= needed && (onlyFlagged(best, flagged) || unvouched);
  // At least one counted result of a quorum is computed from scratch.
  if (weight >= needed && !held && makesQuorum(counted, 1)) {
    const valid = best.map((r) => r.id);
    const invalid = candidates.filter((r) => !valid.includes(r.id)).map((r) => r.id);
    const canonical = best.find((r) => counted.includes(r) && fromScratch(r))!;
    return { kind: 'valid', canonicalId: canonical.id, valid, invalid, granted: grantedCredit(best.map((r) => r.claimedCredit), wu.costEstimate) };
  }
  // No quorum yet. The quorum rises to its base plus the largest dissenting cluster, so a wrong
  // pair must outvote more honest hosts (as far as the volunteers could fill it).
  const raised = held ? Math.max(wu.minQuorum, counted.length + 1) : rival > 0 ? needed : wu.minQuorum;
  const quorum = Math.min(wu.maxTotalReplicas, raised);
  // Ask for enough replicas that agreement is still possible, within the limit (and for one
  // computed from scratch if none of the best agreeing results was).
  const wanted = Math.max(quorum - counted.length, counted.some(fromScratch) ? 0 : 1);
  const room = Math.max(0, wu.maxTotalReplicas - wu.replicasSent - wu.replicasNeeded);
  const more = Math.max(0, Math.min(wanted - wu.inProgress - wu.replicasNeeded, room));
  if (more === 0 && wu.inProgress === 0 && wu.replicasNeeded === 0) {
    const why = held ? 'the agreeing results wait for a trusted host' : `no ${quorum} of ${candidates.length} results agree`;
    return { kind: 'no_consensus', invalid: [], reason: `${why} and the limit of ${wu.maxTotalReplicas} replicas is reached` };
  }
  return { kind: 'inconclusive', inconclusive: candidates.map((r) => r.id), more, ...(quorum !== wu.minQuorum ? { quorum } : {}), ...(held ? { needsTrusted: true as const } : {}) };
}
