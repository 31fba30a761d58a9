import { CompactSign } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { signCheckpoint, verifyCheckpoint } from './checkpoint-signature';
import { importPrivate, importPublic, newEd25519KeyPair } from './keys';
import { signResultPacket } from './result-packet';

/* A checkpoint's signature by its maker: what it covers, and what it refuses. */

const HOST = '00000000-0000-4000-8000-000000000001';
const claims = { wuId: 7, replicaId: 70, hostId: HOST, kernel: 'bench.hash@1', step: 12, sha256: 'c'.repeat(64) };

describe('checkpoint signatures', () => {
  let key: CryptoKey;
  let pub: CryptoKey;
  beforeAll(async () => {
    const pair = await newEd25519KeyPair();
    key = await importPrivate(pair.privateJwk);
    pub = await importPublic(pair.publicJwk);
  });

  it('verifies under the maker\'s key for exactly the checkpoint it was made for', async () => {
    const jws = await signCheckpoint(key, claims, 1_700_000_000_000);
    expect(await verifyCheckpoint(jws, pub, claims)).toEqual({ ...claims, iat: 1_700_000_000 });
    for (const [k, v] of [['wuId', 8], ['replicaId', 71], ['hostId', '00000000-0000-4000-8000-000000000002'], ['kernel', 'bench.hash@2'], ['step', 13], ['sha256', 'd'.repeat(64)]] as const) {
      await expect(verifyCheckpoint(jws, pub, { ...claims, [k]: v })).rejects.toMatchObject({ code: 'mismatch', message: expect.stringContaining(k) });
    }
  });

  it('refuses another key, a changed payload, and the host\'s signatures of other things', async () => {
    const other = await importPublic((await newEd25519KeyPair()).publicJwk);
    const jws = await signCheckpoint(key, claims);
    await expect(verifyCheckpoint(jws, other, claims)).rejects.toMatchObject({ code: 'bad_signature' });
    const [h, , s] = jws.split('.');
    const swapped = Buffer.from(JSON.stringify({ ...claims, step: 99, iat: 1 })).toString('base64url');
    await expect(verifyCheckpoint(`${h}.${swapped}.${s}`, pub, claims)).rejects.toMatchObject({ code: 'bad_signature' });
    // A result packet the same host signed is not a checkpoint signature.
    const result = await signResultPacket(key, HOST, [{ replicaId: 70, output: 1, outputSha256: 'c'.repeat(64), cpuSeconds: 1, elapsedSeconds: 1, steps: 1 }]);
    await expect(verifyCheckpoint(result, pub, claims)).rejects.toMatchObject({ code: 'bad_signature', message: expect.stringContaining('unexpected header') });
    // Right header, but claims with fields a checkpoint signature does not have.
    const extra = await new CompactSign(new TextEncoder().encode(JSON.stringify({ ...claims, iat: 1, note: 'x' })))
      .setProtectedHeader({ alg: 'EdDSA', typ: 'nfl-checkpoint+jws' }).sign(key);
    await expect(verifyCheckpoint(extra, pub, claims)).rejects.toMatchObject({ code: 'bad_claims' });
  });
});
