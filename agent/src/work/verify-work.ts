import { createRemoteJWKSet, decodeProtectedHeader, type JWTVerifyGetKey } from 'jose';
import type { WorkPacketClaims } from '@nfl-grid/shared/protocol/work-packet';
import { verifyWorkPacket, WorkPacketRejected } from '@nfl-grid/shared/signing/work-packet';
import type { Logger } from '@nfl-grid/shared/logging/logger';
import { endpoint } from '../config';
import { describe } from '../errors';

/*
 * The agent's gate for work: a packet runs only if its signature is by a key in the coordinator's
 * JWKS, it is addressed to this host (aud and hostId) and it has not expired (DESIGN.md "Wire
 * protocol"). Every outcome is logged; a refusal names its code so tests and volunteers can see why.
 */

export type RefusalCode = WorkPacketRejected['code'];

export type PacketCheck =
  | { ok: true; claims: WorkPacketClaims }
  | { ok: false; code: RefusalCode; message: string };

/**
 * The coordinator's signing keys from `/.well-known/jwks.json`. jose fetches the set again when a
 * packet names a kid it has not seen (at most every few seconds), so key rotation needs no restart.
 */
export function coordinatorKeys(coordinator: string): JWTVerifyGetKey {
  return createRemoteJWKSet(endpoint(coordinator, '.well-known/jwks.json'), {
    timeoutDuration: 10_000,
    cooldownDuration: 5_000,
    cacheMaxAge: 10 * 60_000,
  });
}

/** Checks a work packet; never throws. */
export async function checkWorkPacket(
  jws: string, keys: JWTVerifyGetKey, hostId: string, log: Logger, now = Date.now(),
): Promise<PacketCheck> {
  let kid: string | undefined;
  try {
    kid = decodeProtectedHeader(jws).kid;
  } catch {
    kid = undefined;
  }
  try {
    const claims = await verifyWorkPacket(jws, keys, hostId, now);
    const replicas = claims.items.map((i) => i.replicaId);
    log.info(`work packet verified replicas=${replicas.join(',')}`, { kid, replicas, exp: claims.exp });
    return { ok: true, claims };
  } catch (e) {
    const code: RefusalCode = e instanceof WorkPacketRejected ? e.code : 'bad_claims';
    const message = describe(e);
    log.warn(`work packet refused (${code}): ${message}`, { kid, code });
    return { ok: false, code, message };
  }
}
