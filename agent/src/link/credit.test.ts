import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CreditTally } from './credit';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'nfl-agent-credit-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('credit tally', () => {
  it('counts accepted results, the credit their estimates are worth and what validation granted, across restarts', async () => {
    const t = await CreditTally.open(dir);
    t.onFinished({ replicaId: 5, costEstimate: 86400e9 / 200 } as never);
    t.onFinished({ replicaId: 6, costEstimate: 1e12 } as never);
    t.onAck([5], [6]);
    expect(t).toMatchObject({ accepted: 1, claimed: 1 });
    t.onVerdicts([{ valid: true, granted: 0.75 }, { valid: false, granted: 0 }, { valid: true, granted: 0.5 }]);
    await t.save();
    expect(await CreditTally.open(dir)).toMatchObject({ accepted: 1, claimed: 1, granted: 1.25, valid: 2, invalid: 1 });
  });
});
