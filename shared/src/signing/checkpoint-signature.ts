import { compactVerify, CompactSign, decodeProtectedHeader } from 'jose';
import { z } from 'zod';
import { KernelRef, Sha256Hex } from '../protocol/refs';
import { ALG, type PrivateKey, type PublicKey } from './keys';

/*
 * A checkpoint is signed by the host that made it: a compact JWS under the host's Ed25519 key
 * over which work unit, replica, kernel and step it is, and the sha256 of its bytes. The
 * coordinator checks it against the uploading host's key on receipt; an agent resuming from it
 * checks it against the maker's key that reached it inside the coordinator-signed work packet.
 * So bytes that were not made by that replica's host, or were changed since, never resume.
 */

export const CheckpointClaims = z.object({
  wuId: z.number().int().positive(),
  replicaId: z.number().int().positive(),
  hostId: z.string().uuid(),
  kernel: KernelRef,
  step: z.number().int().nonnegative(),
  sha256: Sha256Hex,
  iat: z.number().int(),
}).strict();
export type CheckpointClaims = z.infer<typeof CheckpointClaims>;

const TYP = 'nfl-checkpoint+jws';

export class CheckpointSignatureRejected extends Error {
  constructor(readonly code: 'bad_signature' | 'bad_claims' | 'mismatch', message: string) {
    super(message);
    this.name = 'CheckpointSignatureRejected';
  }
}

const enc = new TextEncoder();
const dec = new TextDecoder();

/** The maker's signature over one checkpoint. */
export async function signCheckpoint(key: PrivateKey, claims: Omit<CheckpointClaims, 'iat'>, now = Date.now()): Promise<string> {
  const full: CheckpointClaims = { ...claims, iat: Math.floor(now / 1000) };
  return new CompactSign(enc.encode(JSON.stringify(full))).setProtectedHeader({ alg: ALG, typ: TYP }).sign(key);
}

/**
 * Checks a checkpoint signature against the maker's key and that it speaks of exactly the
 * checkpoint in hand (`expected`). Throws CheckpointSignatureRejected.
 */
export async function verifyCheckpoint(
  jws: string, makerKey: PublicKey, expected: Omit<CheckpointClaims, 'iat'>,
): Promise<CheckpointClaims> {
  let payload: Uint8Array;
  try {
    const header = decodeProtectedHeader(jws);
    if (header.alg !== ALG || header.typ !== TYP) throw new Error(`unexpected header ${String(header.alg)}/${String(header.typ)}`);
    payload = (await compactVerify(jws, makerKey)).payload;
  } catch (e) {
    throw new CheckpointSignatureRejected('bad_signature', `checkpoint signature does not verify: ${(e as Error).message}`);
  }
  let claims: CheckpointClaims;
  try {
    claims = CheckpointClaims.parse(JSON.parse(dec.decode(payload)));
  } catch (e) {
    throw new CheckpointSignatureRejected('bad_claims', `checkpoint signature claims are malformed: ${(e as Error).message}`);
  }
  for (const k of ['wuId', 'replicaId', 'hostId', 'kernel', 'step', 'sha256'] as const) {
    if (claims[k] !== expected[k]) {
      throw new CheckpointSignatureRejected('mismatch', `checkpoint signature is for ${k} ${String(claims[k])}, not ${String(expected[k])}`);
    }
  }
  return claims;
}
