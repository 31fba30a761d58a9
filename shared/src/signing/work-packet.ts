import { compactVerify, CompactSign, decodeProtectedHeader, type JWTVerifyGetKey } from 'jose';
import { WorkPacketClaims, type WorkItem } from '../protocol/work-packet';
import { ALG, type PrivateKey } from './keys';

const WORK_ISSUER = 'nfl-grid-coordinator';

/** Why an agent refused a work packet. */
export class WorkPacketRejected extends Error {
  constructor(readonly code: 'bad_signature' | 'wrong_host' | 'expired' | 'bad_claims' | 'unknown_key', message: string) {
    super(message);
    this.name = 'WorkPacketRejected';
  }
}

const enc = new TextEncoder();
const dec = new TextDecoder();

/** Signs a packet of replicas for one host: one signature over all of them. */
export async function signWorkPacket(
  key: PrivateKey, kid: string, hostId: string, items: WorkItem[], ttlSeconds: number, now = Date.now(),
): Promise<string> {
  const iat = Math.floor(now / 1000);
  const claims: WorkPacketClaims = { iss: WORK_ISSUER, aud: hostId, hostId, iat, exp: iat + ttlSeconds, items };
  return new CompactSign(enc.encode(JSON.stringify(claims))).setProtectedHeader({ alg: ALG, kid, typ: 'nfl-work+jws' }).sign(key);
}

/**
 * Verifies a work packet as an agent must: signature by a key from the coordinator's JWKS,
 * addressed to this host, not expired, every claim well-formed. Throws WorkPacketRejected.
 */
export async function verifyWorkPacket(jws: string, getKey: JWTVerifyGetKey, hostId: string, now = Date.now()): Promise<WorkPacketClaims> {
  let payload: Uint8Array;
  try {
    const header = decodeProtectedHeader(jws);
    if (header.alg !== ALG) throw new WorkPacketRejected('bad_signature', `unexpected alg ${String(header.alg)}`);
    const res = await compactVerify(jws, getKey as never);
    payload = res.payload;
  } catch (e) {
    if (e instanceof WorkPacketRejected) throw e;
    const code = (e as { code?: string }).code === 'ERR_JWKS_NO_MATCHING_KEY' ? 'unknown_key' : 'bad_signature';
    throw new WorkPacketRejected(code, `work packet signature does not verify: ${(e as Error).message}`);
  }
  let claims: WorkPacketClaims;
  try {
    claims = WorkPacketClaims.parse(JSON.parse(dec.decode(payload)));
  } catch (e) {
    throw new WorkPacketRejected('bad_claims', `work packet claims are malformed: ${(e as Error).message}`);
  }
  if (claims.iss !== WORK_ISSUER) throw new WorkPacketRejected('bad_claims', `unexpected issuer ${claims.iss}`);
  if (claims.aud !== hostId || claims.hostId !== hostId) {
    throw new WorkPacketRejected('wrong_host', `work packet is for host ${claims.hostId}, not ${hostId}`);
  }
  if (claims.exp * 1000 <= now) throw new WorkPacketRejected('expired', `work packet expired at ${new Date(claims.exp * 1000).toISOString()}`);
  return claims;
}
