import { describe, expect, it } from 'vitest';
import { getKernel } from '@nfl-grid/shared/kernels/registry';
import { cobblestones } from '../credit/credit-math';
import { clustersOf, decide, pairKey, type ReportedReplica, type WorkUnitForValidation } from './decide';

/*
 * The validator's decision for one WU (BOINC's check_set): small exact cases. Outputs are
 * bench.hash outputs compared with its real, exact comparator.
 */

const compare = getKernel('bench.hash@1').compare as (a: unknown, b: unknown) => boolean;
const EST = 86400e9; // one reference day: 200 cobblestones

function wu(o: Partial<WorkUnitForValidation> = {}): WorkUnitForValidation {
  return {
    id: 1, minQuorum: 2, baseQuorum: 2, replicasSent: 2, replicasNeeded: 0, maxTotalReplicas: 8, inProgress: 0,
    costEstimate: EST, canonicalReplicaId: null, canonicalOutput: null, canonicalSha256: null, canonicalGranted: null, ...o,
  };
}

/** A reported replica whose output is bench.hash's `{value, rounds: 1000}`; equal values share a hash. */
function rep(id: number, value: number, o: Partial<ReportedReplica> = {}): ReportedReplica {
  return {
    id, hostId: `host-${id}`, validateState: 'pending', output: { value, rounds: 1000 }, outputSha256: `sha-of-${value}`,
    claimedCredit: 100, hostTrusted: false, check: null, ...o,
  };
}

describe('decide: a quorum agrees', () => {
  it('two agreeing: both valid, canonical is the lowest id, granted is the low median (the lower claim)', () => {
    const d = decide(wu(), [rep(7, 42, { claimedCredit: 120 }), rep(3, 42, { claimedCredit: 80 })], compare);
    expect(d).toEqual({ kind: 'valid', canonicalId: 3, valid: [3, 7], invalid: [], granted: 80 });
  });

  it('grants the low median of all agreeing claims', () => {
    const three = decide(wu({ minQuorum: 3, baseQuorum: 3, replicasSent: 3 }),
      [rep(1, 9, { claimedCredit: 300 }), rep(2, 9, { claimedCredit: 100 }), rep(3, 9, { claimedCredit: 200 })], compare);
    expect(three).toMatchObject({ kind: 'valid', canonicalId: 1, valid: [1, 2, 3], granted: 200 });
    const four = decide(wu({ replicasSent: 4 }),
      [rep(1, 9, { claimedCredit: 4 }), rep(2, 9, { claimedCredit: 1 }), rep(3, 9, { claimedCredit: 3 }), rep(4, 9, { claimedCredit: 2 })], compare);
    expect(four).toMatchObject({ kind: 'valid', valid: [1, 2, 3, 4], granted: 2 });
  });

  it('one cheater: against its dissent the agreeing results need quorum + 1; then they are valid, the cheater invalid', () => {
    // Two against one at quorum 2 is not enough: the dissent raises it to 3, one more replica.
    expect(decide(wu({ replicasSent: 3 }), [rep(1, 5), rep(2, 6), rep(3, 5)], compare)).toEqual({ kind: 'inconclusive', inconclusive: [1, 2, 3], more: 1, quorum: 3 });
    const d = decide(wu({ minQuorum: 3, replicasSent: 4 }), [rep(1, 5, { claimedCredit: 150 }), rep(2, 6, { claimedCredit: 400 }), rep(3, 5, { claimedCredit: 110 }), rep(4, 5, { claimedCredit: 120 })], compare);
    expect(d).toEqual({ kind: 'valid', canonicalId: 1, valid: [1, 3, 4], invalid: [2], granted: 120 });
    // The cheater reporting first changes nothing but the canonical id.
    const d2 = decide(wu({ minQuorum: 3, replicasSent: 4 }), [rep(1, 6), rep(2, 5), rep(3, 5), rep(4, 5)], compare);
    expect(d2).toMatchObject({ kind: 'valid', canonicalId: 2, valid: [2, 3, 4], invalid: [1] });
  });

  it('inconclusive replicas from an earlier pass take part again', () => {
    const d = decide(wu({ minQuorum: 3, replicasSent: 4 }), [rep(1, 5, { validateState: 'inconclusive' }), rep(2, 6, { validateState: 'inconclusive' }), rep(3, 6), rep(4, 6)], compare);
    expect(d).toMatchObject({ kind: 'valid', canonicalId: 2, valid: [2, 3, 4], invalid: [1] });
  });

  it('uses the comparator when hashes differ (a tolerant kernel)', () => {
    const tolerant = (a: unknown, b: unknown) => Math.abs((a as { value: number }).value - (b as { value: number }).value) <= 1;
    expect(decide(wu(), [rep(1, 100), rep(2, 101)], tolerant)).toMatchObject({ kind: 'valid', valid: [1, 2] });
    expect(decide(wu(), [rep(1, 100), rep(2, 102)], tolerant)).toMatchObject({ kind: 'inconclusive' });
  });
});

describe('decide: not yet, or not at all', () => {
  it('waits while fewer than min_quorum results are in', () => {
    expect(decide(wu({ inProgress: 1 }), [rep(1, 5)], compare)).toEqual({ kind: 'wait' });
    expect(decide(wu(), [], compare)).toEqual({ kind: 'wait' });
    // An invalid result does not count toward the quorum.
    expect(decide(wu({ replicasSent: 3, inProgress: 1 }), [rep(1, 5, { validateState: 'invalid' }), rep(2, 5)], compare)).toEqual({ kind: 'wait' });
  });

  it('two disagreeing with room: inconclusive, the quorum raised by one, and replicas enough for it', () => {
    // Quorum 3 now: whichever output is right needs two more results that agree with it.
    expect(decide(wu(), [rep(1, 5), rep(2, 6)], compare)).toEqual({ kind: 'inconclusive', inconclusive: [1, 2], more: 2, quorum: 3 });
    // Replicas already out or queued count towards those.
    expect(decide(wu({ replicasSent: 3, inProgress: 1 }), [rep(1, 5), rep(2, 6)], compare)).toEqual({ kind: 'inconclusive', inconclusive: [1, 2], more: 1, quorum: 3 });
    expect(decide(wu({ replicasNeeded: 2 }), [rep(1, 5), rep(2, 6)], compare)).toEqual({ kind: 'inconclusive', inconclusive: [1, 2], more: 0, quorum: 3 });
  });

  it('asks for as many replicas as agreement still needs, within max_total_replicas', () => {
    // Quorum 3, three different answers: the largest dissent is one result, so the quorum is
    // 3 + 1 = 4 and three more agreeing results are needed, within the limit of 8.
    expect(decide(wu({ minQuorum: 3, baseQuorum: 3, replicasSent: 3 }), [rep(1, 5), rep(2, 6), rep(3, 7)], compare))
      .toEqual({ kind: 'inconclusive', inconclusive: [1, 2, 3], more: 3, quorum: 4 });
    // Never more replicas than max_total_replicas leaves.
    expect(decide(wu({ minQuorum: 3, baseQuorum: 3, replicasSent: 3, maxTotalReplicas: 4 }), [rep(1, 5), rep(2, 6), rep(3, 7)], compare))
      .toEqual({ kind: 'inconclusive', inconclusive: [1, 2, 3], more: 1, quorum: 4 });
  });

  it('never asks for more replicas than max_total_replicas leaves, counting those already queued', () => {
    // Five allowed, four sent (one errored, so one is queued again): at most 5 - 4 - 1 = 0 more.
    const w = wu({ minQuorum: 3, baseQuorum: 3, replicasSent: 4, replicasNeeded: 1, maxTotalReplicas: 5 });
    const d = decide(w, [rep(1, 5), rep(2, 6), rep(3, 7)], compare);
    expect(d.kind).toBe('inconclusive');
    const more = d.kind === 'inconclusive' ? d.more : NaN;
    expect(w.replicasSent + w.replicasNeeded + more).toBeLessThanOrEqual(w.maxTotalReplicas);
    expect(more).toBe(0);
  });

  it('no consensus once max_total_replicas is used and nothing is out', () => {
    const d = decide(wu({ replicasSent: 3, maxTotalReplicas: 3 }), [rep(1, 5), rep(2, 6), rep(3, 7)], compare);
    expect(d).toEqual({ kind: 'no_consensus', invalid: [], reason: 'no 3 of 3 results agree and the limit of 3 replicas is reached' });
    // Still one out: wait for it.
    expect(decide(wu({ replicasSent: 3, maxTotalReplicas: 3, inProgress: 1 }), [rep(1, 5), rep(2, 6)], compare))
      .toEqual({ kind: 'inconclusive', inconclusive: [1, 2], more: 0, quorum: 3 });
  });

  it('a comparator that throws counts as disagreement', () => {
    const throwing = () => { throw new Error('malformed output'); };
    const d = decide(wu(), [rep(1, 5), rep(2, 5, { outputSha256: 'another-hash', output: { garbage: true } })], throwing);
    expect(d).toEqual({ kind: 'inconclusive', inconclusive: [1, 2], more: 2, quorum: 3 });
    // Identical hashes agree without asking the comparator.
    expect(decide(wu(), [rep(1, 5), rep(2, 5)], throwing)).toMatchObject({ kind: 'valid', valid: [1, 2] });
  });
});

describe('decide: a canonical output exists', () => {
  const canon = { canonicalReplicaId: 1, canonicalOutput: { value: 5, rounds: 1000 }, canonicalSha256: 'sha-of-5', canonicalGranted: 77 };

  it('checks late replicas against it alone and grants them the canonical credit', () => {
    const d = decide(wu({ ...canon, replicasSent: 5 }), [
      rep(4, 5), rep(5, 6), rep(6, 5, { validateState: 'invalid' }), rep(7, 5, { validateState: 'inconclusive' }), rep(8, 5, { validateState: 'valid' }),
    ], compare);
    expect(d).toEqual({ kind: 'late', valid: [4, 7], invalid: [5], granted: 77 });
  });

  it('a late result that agrees by comparator but not by hash is valid', () => {
    const d = decide(wu(canon), [rep(4, 5, { outputSha256: 'different-bytes-same-value' })], compare);
    expect(d).toEqual({ kind: 'late', valid: [4], invalid: [], granted: 77 });
  });
});

describe('decide: adaptive replication (minQuorum 1 of baseQuorum 2)', () => {
  const solo = wu({ minQuorum: 1, baseQuorum: 2, replicasSent: 1 });

  it('a host that is still trusted: valid alone, granted no more than the estimate', () => {
    expect(decide(solo, [rep(1, 5, { hostTrusted: true, claimedCredit: 150 })], compare))
      .toEqual({ kind: 'valid', canonicalId: 1, valid: [1], invalid: [], granted: 150 });
    expect(decide(solo, [rep(1, 5, { hostTrusted: true, claimedCredit: 400 })], compare))
      .toEqual({ kind: 'valid', canonicalId: 1, valid: [1], invalid: [], granted: cobblestones(EST) });
  });

  it('a host no longer trusted: raise the quorum back and ask for the missing replicas', () => {
    expect(decide(solo, [rep(1, 5)], compare)).toEqual({ kind: 'raise_quorum', quorum: 2, more: 1 });
    expect(decide(wu({ minQuorum: 1, baseQuorum: 3, replicasSent: 1 }), [rep(1, 5)], compare)).toEqual({ kind: 'raise_quorum', quorum: 3, more: 2 });
    expect(decide(wu({ minQuorum: 1, baseQuorum: 3, replicasSent: 1, maxTotalReplicas: 2 }), [rep(1, 5)], compare)).toEqual({ kind: 'raise_quorum', quorum: 3, more: 1 });
  });

  it('counts replicas already out or queued when raising the quorum', () => {
    // The solo replica timed out (one reissue queued), then its result came in late.
    expect(decide({ ...solo, replicasNeeded: 1 }, [rep(1, 5)], compare)).toEqual({ kind: 'raise_quorum', quorum: 2, more: 0 });
    // The reissue is already out on another host.
    expect(decide({ ...solo, replicasSent: 2, inProgress: 1 }, [rep(1, 5)], compare)).toEqual({ kind: 'raise_quorum', quorum: 2, more: 0 });
    expect(decide(wu({ minQuorum: 1, baseQuorum: 3, replicasSent: 2, inProgress: 1 }), [rep(1, 5)], compare)).toEqual({ kind: 'raise_quorum', quorum: 3, more: 1 });
  });

  it('once a second result is in, the ordinary quorum rules apply', () => {
    expect(decide({ ...solo, replicasSent: 2 }, [rep(1, 5), rep(2, 5)], compare)).toMatchObject({ kind: 'valid', valid: [1, 2] });
  });

  it('a batch whose quorum is 1 is never raised', () => {
    expect(decide(wu({ minQuorum: 1, baseQuorum: 1, replicasSent: 1 }), [rep(1, 5, { claimedCredit: 90 })], compare))
      .toEqual({ kind: 'valid', canonicalId: 1, valid: [1], invalid: [], granted: 90 });
  });
});

describe('decide: outputs that failed the coordinator\'s check', () => {
  const failed = { check: { ok: false, reason: 're-scored worse', rescored: null } };
  const passed = { check: { ok: true, reason: null, rescored: {} } };

  it('are rejected before comparing, even when they agree with the rest', () => {
    expect(decide(wu({ replicasSent: 3 }), [rep(1, 5, passed), rep(2, 5, failed), rep(3, 5, passed)], compare))
      .toEqual({ kind: 'valid', canonicalId: 1, valid: [1, 3], invalid: [], granted: 100, rejected: [{ id: 2, reason: 're-scored worse' }] });
  });

  it('a trusted host alone that failed: rejected, and the WU goes back out at its base quorum', () => {
    expect(decide(wu({ minQuorum: 1, baseQuorum: 2, replicasSent: 1 }), [rep(1, 5, { ...failed, hostTrusted: true })], compare))
      .toEqual({ kind: 'raise_quorum', quorum: 2, more: 2, rejected: [{ id: 1, reason: 're-scored worse' }] });
  });

  it('with one good result left and one out: waits for it as inconclusive', () => {
    expect(decide(wu({ replicasSent: 3, inProgress: 1 }), [rep(1, 5, passed), rep(2, 5, failed)], compare))
      .toEqual({ kind: 'inconclusive', inconclusive: [1], more: 0, rejected: [{ id: 2, reason: 're-scored worse' }] });
  });

  it('no consensus when the replica limit is used up', () => {
    expect(decide(wu({ minQuorum: 1, baseQuorum: 1, replicasSent: 8 }), [rep(1, 5, failed)], compare)).toMatchObject({ kind: 'no_consensus', rejected: [{ id: 1 }] });
  });
});

describe('decide: disagreement raises the quorum, so a wrong pair must outvote more hosts', () => {
  it('a wrong pair against one result no longer wins at the raised quorum; the right output wins once it has it', () => {
    // Quorum 2: one honest (5) and one cheat (6): raised to 3.
    const first = decide(wu(), [rep(1, 5), rep(2, 6)], compare);
    expect(first).toMatchObject({ kind: 'inconclusive', quorum: 3 });
    // The cheat's partner reports the same wrong value: two against one is not three.
    const raised = wu({ minQuorum: 3, replicasSent: 4, inProgress: 1 });
    expect(decide(raised, [rep(1, 5), rep(2, 6), rep(3, 6)], compare)).toEqual({ kind: 'inconclusive', inconclusive: [1, 2, 3], more: 0 });
    // Two honest against two cheats: quorum 4 (two dissenting results over the base of 2).
    expect(decide(wu({ minQuorum: 3, replicasSent: 4 }), [rep(1, 5), rep(2, 6), rep(3, 6), rep(4, 5)], compare))
      .toEqual({ kind: 'inconclusive', inconclusive: [1, 2, 3, 4], more: 2, quorum: 4 });
    // Three honest against two: still one short of four.
    expect(decide(wu({ minQuorum: 4, replicasSent: 6, inProgress: 1 }), [rep(1, 5), rep(2, 6), rep(3, 6), rep(4, 5), rep(5, 5)], compare))
      .toEqual({ kind: 'inconclusive', inconclusive: [1, 2, 3, 4, 5], more: 0 });
    // Four honest results outvote them.
    expect(decide(wu({ minQuorum: 4, replicasSent: 6 }), [rep(1, 5), rep(2, 6), rep(3, 6), rep(4, 5), rep(5, 5), rep(6, 5)], compare))
      .toMatchObject({ kind: 'valid', canonicalId: 1, valid: [1, 4, 5, 6], invalid: [2, 3] });
  });

  it('a quorum reached despite a dissent is accepted as before (the dissent is invalid)', () => {
    expect(decide(wu({ minQuorum: 3, replicasSent: 4 }), [rep(1, 5), rep(2, 6), rep(3, 5), rep(4, 5)], compare))
      .toMatchObject({ kind: 'valid', valid: [1, 3, 4], invalid: [2] });
  });

  it('clustersOf groups agreeing outputs in id order', () => {
    expect(clustersOf([rep(3, 6), rep(1, 5), rep(2, 6)], compare).map((c) => c.map((r) => r.id))).toEqual([[1], [2, 3]]);
  });
});

describe('decide: a winning cluster that is only a flagged pair is held', () => {
  const flagged = new Set([pairKey('host-2', 'host-3')]);

  it('two flagged hosts agreeing are held inconclusive, with the quorum raised, even against no dissent', () => {
    expect(decide(wu(), [rep(2, 6), rep(3, 6)], compare, flagged)).toEqual({ kind: 'inconclusive', inconclusive: [2, 3], more: 1, quorum: 3, needsTrusted: true });
    // Unflagged, the same two results are a quorum.
    expect(decide(wu(), [rep(2, 6), rep(3, 6)], compare)).toMatchObject({ kind: 'valid' });
    // The pair key does not depend on order.
    expect(decide(wu(), [rep(2, 6), rep(3, 6)], compare, new Set([pairKey('host-3', 'host-2')]))).toMatchObject({ kind: 'inconclusive' });
  });

  it('a trusted host decides: agreeing, the output is canonical; disagreeing, the pair is outvoted in time', () => {
    const three = wu({ minQuorum: 3, replicasSent: 3 });
    expect(decide(three, [rep(2, 6), rep(3, 6), rep(4, 6, { hostTrusted: true })], compare, flagged)).toMatchObject({ kind: 'valid', valid: [2, 3, 4] });
    // Two untrusted against the trusted one: they would need four.
    expect(decide(three, [rep(2, 6), rep(3, 6), rep(4, 5, { hostTrusted: true })], compare, flagged))
      .toEqual({ kind: 'inconclusive', inconclusive: [2, 3, 4], more: 2, quorum: 4 });
  });

  it('a cluster with an unflagged member besides the pair is not held', () => {
    expect(decide(wu({ minQuorum: 3, replicasSent: 3 }), [rep(2, 6), rep(3, 6), rep(4, 6)], compare, flagged)).toMatchObject({ kind: 'valid' });
  });

  it('held with no room left and nothing out: no consensus, never the flagged output', () => {
    expect(decide(wu({ replicasSent: 2, maxTotalReplicas: 2 }), [rep(2, 6), rep(3, 6)], compare, flagged))
      .toMatchObject({ kind: 'no_consensus', reason: expect.stringContaining('wait for a trusted host') });
  });
});

describe('decide: untrusted hosts outvoting a trusted one need one result more', () => {
  it('three untrusted against one trusted at quorum 3: not yet; quorum 4', () => {
    const d = decide(wu({ minQuorum: 3, replicasSent: 4 }), [rep(1, 6, { hostTrusted: true }), rep(2, 5), rep(3, 5), rep(4, 5)], compare);
    expect(d).toEqual({ kind: 'inconclusive', inconclusive: [1, 2, 3, 4], more: 1, quorum: 4 });
    // Four do it, and the trusted host's result is invalid (a sleeper caught).
    expect(decide(wu({ minQuorum: 4, replicasSent: 5 }), [rep(1, 6, { hostTrusted: true }), rep(2, 5), rep(3, 5), rep(4, 5), rep(5, 5)], compare))
      .toMatchObject({ kind: 'valid', valid: [2, 3, 4, 5], invalid: [1] });
  });

  it('a trusted host on their side: the plain quorum suffices', () => {
    const d = decide(wu({ minQuorum: 4, replicasSent: 5 }), [rep(1, 6, { hostTrusted: true }), rep(2, 5), rep(3, 5), rep(4, 5), rep(5, 5, { hostTrusted: true })], compare);
    expect(d).toMatchObject({ kind: 'valid', valid: [2, 3, 4, 5], invalid: [1] });
  });

  it('three colluders against two trusted hosts would need five; the trusted side wins first', () => {
    const d = decide(wu({ minQuorum: 3, replicasSent: 5 }), [rep(1, 5, { hostTrusted: true }), rep(2, 6), rep(3, 6), rep(4, 6), rep(5, 5, { hostTrusted: true })], compare);
    expect(d).toEqual({ kind: 'inconclusive', inconclusive: [1, 2, 3, 4, 5], more: 2, quorum: 5 });
    const won = decide(wu({ minQuorum: 5, replicasSent: 7 }),
      [rep(1, 5, { hostTrusted: true }), rep(2, 6), rep(3, 6), rep(4, 6), rep(5, 5, { hostTrusted: true }), rep(6, 5), rep(7, 5)], compare);
    // Two trusted and two untrusted against three untrusted: the trusted pair counts twice (6 ≥ 5).
    expect(won).toMatchObject({ kind: 'valid', valid: [1, 5, 6, 7], invalid: [2, 3, 4] });
    const won2 = decide(wu({ minQuorum: 5, replicasSent: 8 }),
      [rep(1, 5, { hostTrusted: true }), rep(2, 6), rep(3, 6), rep(4, 6), rep(5, 5, { hostTrusted: true }), rep(6, 5), rep(7, 5), rep(8, 5)], compare);
    expect(won2).toMatchObject({ kind: 'valid', valid: [1, 5, 6, 7, 8], invalid: [2, 3, 4] });
  });

  it('with no trusted host among the results nothing changes', () => {
    expect(decide(wu({ minQuorum: 3, replicasSent: 4 }), [rep(1, 6), rep(2, 5), rep(3, 5), rep(4, 5)], compare)).toMatchObject({ kind: 'valid' });
  });
});

describe('decide: a raised quorum stays one the volunteers could fill', () => {
  it('three volunteers, one cheating: the two honest results decide at quorum 2', () => {
    const small = { volunteers: 3 };
    // One against one: no raise, as only two volunteers are left to agree.
    expect(decide(wu(small), [rep(1, 5), rep(2, 6)], compare)).toEqual({ kind: 'inconclusive', inconclusive: [1, 2], more: 1 });
    expect(decide(wu({ ...small, replicasSent: 3 }), [rep(1, 5), rep(2, 6), rep(3, 5)], compare)).toMatchObject({ kind: 'valid', valid: [1, 3], invalid: [2] });
    // Even when the claim had raised the quorum to 3 (a new grid).
    expect(decide(wu({ ...small, minQuorum: 3, replicasSent: 3 }), [rep(1, 5), rep(2, 6), rep(3, 5)], compare)).toMatchObject({ kind: 'valid', valid: [1, 3] });
  });

  it('with enough volunteers the raise is whole', () => {
    expect(decide(wu({ volunteers: 13 }), [rep(1, 5), rep(2, 6)], compare)).toMatchObject({ kind: 'inconclusive', quorum: 3 });
    expect(decide(wu({ volunteers: 13, minQuorum: 3, replicasSent: 3 }), [rep(1, 5), rep(2, 6), rep(3, 5)], compare)).toMatchObject({ kind: 'inconclusive' });
  });
});

describe('decide: the pairing rule at validation', () => {
  it('a quorum of untrusted hosts alone is held while a trusted host is online', () => {
    expect(decide(wu({ trustedOnline: true }), [rep(1, 5), rep(2, 5)], compare)).toEqual({ kind: 'inconclusive', inconclusive: [1, 2], more: 1, quorum: 3, needsTrusted: true });
    // A trusted host among them, or none online (a new grid), or a batch without replication: decided.
    expect(decide(wu({ trustedOnline: true }), [rep(1, 5), rep(2, 5, { hostTrusted: true })], compare)).toMatchObject({ kind: 'valid' });
    expect(decide(wu({ trustedOnline: false }), [rep(1, 5), rep(2, 5)], compare)).toMatchObject({ kind: 'valid' });
    expect(decide(wu({ trustedOnline: true, minQuorum: 1, baseQuorum: 1, replicasSent: 1 }), [rep(1, 5)], compare)).toMatchObject({ kind: 'valid' });
  });
});

describe('decide: a new grid, with no trusted host online', () => {
  it('a dissent asks one result more: three colluders do not outvote one honest host', () => {
    expect(decide(wu({ trustedOnline: false, minQuorum: 3, replicasSent: 4 }), [rep(1, 5), rep(2, 6), rep(3, 6), rep(4, 6)], compare))
      .toEqual({ kind: 'inconclusive', inconclusive: [1, 2, 3, 4], more: 1, quorum: 4 });
    // Unknown (a pure decision without the grid's state): the plain rule.
    expect(decide(wu({ minQuorum: 3, replicasSent: 4 }), [rep(1, 5), rep(2, 6), rep(3, 6), rep(4, 6)], compare)).toMatchObject({ kind: 'valid' });
  });
});

describe('decide: trusted hosts agreeing against untrusted ones', () => {
  it('two or more count twice: four trusted beat four colluders within the replica limit', () => {
    const alternating = [rep(1, 6), rep(2, 5, { hostTrusted: true }), rep(3, 6), rep(4, 5, { hostTrusted: true }),
      rep(5, 6), rep(6, 5, { hostTrusted: true }), rep(7, 6), rep(8, 5, { hostTrusted: true })];
    expect(decide(wu({ minQuorum: 6, replicasSent: 8 }), alternating, compare)).toMatchObject({ kind: 'valid', valid: [2, 4, 6, 8], invalid: [1, 3, 5, 7] });
    // Two trusted against one untrusted dissent: decided at once.
    expect(decide(wu({ replicasSent: 3 }), [rep(1, 6), rep(2, 5, { hostTrusted: true }), rep(3, 5, { hostTrusted: true })], compare)).toMatchObject({ kind: 'valid', valid: [2, 3] });
  });

  it('one trusted host alone never counts twice, nor against a trusted dissent', () => {
    // A trusted sleeper and a colluder against one honest result: not enough.
    expect(decide(wu({ replicasSent: 3 }), [rep(1, 5), rep(2, 6, { hostTrusted: true }), rep(3, 6)], compare)).toMatchObject({ kind: 'inconclusive' });
    expect(decide(wu({ replicasSent: 4 }), [rep(1, 5, { hostTrusted: true }), rep(2, 6, { hostTrusted: true }), rep(3, 6, { hostTrusted: true }), rep(4, 6)], compare))
      .toMatchObject({ kind: 'valid', valid: [2, 3, 4] });
  });
});
