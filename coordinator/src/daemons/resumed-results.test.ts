import { describe, expect, it } from 'vitest';
import { getKernel } from '@nfl-grid/shared/kernels/registry';
import { decide, type ReportedReplica, type WorkUnitForValidation } from './decide';
import { countedResults, type CheckpointMaker } from './resumed-results';

/*
 * The validator's decision when results were resumed from checkpoints: a resumed result counts
 * only on trusted makers, never beside its maker's host or owner, and every quorum holds a result
 * computed from scratch. Outputs are bench.hash outputs with its real, exact comparator.
 */

const compare = getKernel('bench.hash@1').compare as (a: unknown, b: unknown) => boolean;

const wu = (o: Partial<WorkUnitForValidation> = {}): WorkUnitForValidation => ({
  id: 1, minQuorum: 2, baseQuorum: 2, replicasSent: 3, replicasNeeded: 0, maxTotalReplicas: 8, inProgress: 0,
  costEstimate: 1e9, canonicalReplicaId: null, canonicalOutput: null, canonicalSha256: null, canonicalGranted: null, ...o,
});
const rep = (id: number, value: number, o: Partial<ReportedReplica> = {}): ReportedReplica => ({
  id, hostId: `host-${id}`, ownerId: `owner-${id}`, validateState: 'pending', output: { value, rounds: 1000 }, outputSha256: `sha-of-${value}`,
  claimedCredit: 100, hostTrusted: false, check: null, ...o,
});
/** A maker: host `host-n` of `owner-n`, trusted unless told otherwise. */
const maker = (n: number, trusted = true): CheckpointMaker => ({ hostId: `host-${n}`, ownerId: `owner-${n}`, trusted });

describe('countedResults', () => {
  it('counts every from-scratch result, and a resumed one resting on trusted makers it shares with nobody', () => {
    expect(countedResults([rep(1, 5), rep(2, 5)]).map((r) => r.id)).toEqual([1, 2]);
    expect(countedResults([rep(1, 5), rep(2, 5, { resumedFrom: [maker(9)] })]).map((r) => r.id)).toEqual([1, 2]);
  });

  it('leaves out a resumed result whose maker (host or owner, at any depth) is untrusted or already counted', () => {
    expect(countedResults([rep(1, 5), rep(2, 5, { resumedFrom: [maker(9, false)] })]).map((r) => r.id)).toEqual([1]);
    expect(countedResults([rep(1, 5), rep(2, 5, { resumedFrom: [maker(8), maker(9, false)] })]).map((r) => r.id)).toEqual([1]);
    // The maker's own host, or another host of the maker's owner, beside its resumer: one counts.
    expect(countedResults([rep(1, 5), rep(2, 5, { resumedFrom: [maker(1)] })]).map((r) => r.id)).toEqual([1]);
    expect(countedResults([rep(1, 5, { ownerId: 'owner-9' }), rep(2, 5, { resumedFrom: [maker(9)] })]).map((r) => r.id)).toEqual([1]);
    // Two results resting on one maker vouch for one computation.
    expect(countedResults([rep(1, 5), rep(2, 5, { resumedFrom: [maker(9)] }), rep(3, 5, { resumedFrom: [maker(4), maker(9)] })]).map((r) => r.id)).toEqual([1, 2]);
    // A resumed result made by a host that also resumed: it shares that host's word.
    expect(countedResults([rep(2, 5, { resumedFrom: [maker(9)] }), rep(3, 5, { resumedFrom: [maker(2)] }), rep(4, 5)]).map((r) => r.id)).toEqual([4, 2]);
  });
});

describe('decide with resumed results', () => {
  it('a resumed result and a from-scratch one that agree make a quorum; the canonical is the from-scratch one', () => {
    const d = decide(wu(), [rep(2, 5, { resumedFrom: [maker(1)] }), rep(3, 5)], compare);
    expect(d).toMatchObject({ kind: 'valid', canonicalId: 3, valid: [2, 3], invalid: [] });
  });

  it('a quorum of resumed results alone does not validate: one more replica, from scratch, is asked for', () => {
    const d = decide(wu(), [rep(2, 5, { resumedFrom: [maker(1)] }), rep(4, 5, { resumedFrom: [maker(3)] })], compare);
    expect(d).toEqual({ kind: 'inconclusive', inconclusive: [2, 4], more: 1 });
    // At quorum 1 too: a lone resumed result is not enough.
    expect(decide(wu({ minQuorum: 1, baseQuorum: 1, replicasSent: 2 }), [rep(2, 5, { resumedFrom: [maker(1)] })], compare))
      .toEqual({ kind: 'inconclusive', inconclusive: [2], more: 1 });
    // With the from-scratch result in, all three are valid.
    expect(decide(wu(), [rep(2, 5, { resumedFrom: [maker(1)] }), rep(4, 5, { resumedFrom: [maker(3)] }), rep(5, 5)], compare))
      .toMatchObject({ kind: 'valid', canonicalId: 5, valid: [2, 4, 5] });
  });

  it('the poisoned checkpoint: a resume from an untrusted forger plus a colluder from scratch is no quorum; honest results outvote them', () => {
    // Host 1 (untrusted) uploaded a forged checkpoint; 2 resumed from it and reports the forged 666; colluder 3 reports 666 too.
    const forged = [rep(2, 666, { resumedFrom: [maker(1, false)] }), rep(3, 666)];
    expect(decide(wu(), forged, compare)).toEqual({ kind: 'inconclusive', inconclusive: [2, 3], more: 1 });
    const one = decide(wu({ replicasSent: 4 }), [...forged, rep(4, 5)], compare);
    expect(one).toMatchObject({ kind: 'inconclusive' });
    // Against the forged dissent the quorum is raised (base 2 + the dissent's one counted result).
    const two = decide(wu({ replicasSent: 5 }), [...forged, rep(4, 5), rep(5, 5)], compare);
    expect(two).toMatchObject({ kind: 'inconclusive', quorum: 3 });
    const three = decide(wu({ replicasSent: 6 }), [...forged, rep(4, 5), rep(5, 5), rep(6, 5)], compare);
    expect(three).toEqual(expect.objectContaining({ kind: 'valid', canonicalId: 4, valid: [4, 5, 6], invalid: [2, 3] }));
  });

  it('the maker\'s own owner never counts with its resumer', () => {
    // 5 resumed from host 1; host 6 belongs to host 1's owner and agrees: only one of them counts.
    const d = decide(wu(), [rep(5, 7, { resumedFrom: [maker(1)] }), rep(6, 7, { ownerId: 'owner-1' })], compare);
    expect(d).toEqual({ kind: 'inconclusive', inconclusive: [5, 6], more: 1 });
  });

  it('plain results decide as before (no provenance given)', () => {
    const { resumedFrom: _, ownerId: __, ...plain } = rep(1, 5);
    expect(decide(wu({ replicasSent: 2 }), [plain, { ...plain, id: 2, hostId: 'host-2' }], compare)).toMatchObject({ kind: 'valid', canonicalId: 1, valid: [1, 2] });
  });
});
