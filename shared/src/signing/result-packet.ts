import { compactVerify, CompactSign } from 'jose';
import { ResultPacketClaims, type ResultItem } from '../protocol/work-packet';
import { ALG, type PrivateKey, type PublicKey } from './keys';

const enc = new TextEncoder();
const dec = new TextDecoder();

export class ResultPacketRejected extends Error {
  constructor(readonly code: 'bad_signature' | 'wrong_host' | 'bad_claims', message: string) {
    super(message);
    this.name = 'ResultPacketRejected';
  }
}

/** The agent signs a packet of finished replicas with its host key. */
export async function signResultPacket(key: PrivateKey, hostId: string, results: ResultItem[], now = Date.now()): Promise<string> {
  const claims: ResultPacketClaims = { hostId, iat: Math.floor(now / 1000), results };
  return new CompactSign(enc.encode(JSON.stringify(claims))).setProtectedHeader({ alg: ALG, typ: 'nfl-result+jws' }).sign(key);
}

/** The coordinator checks a result packet against the host's registered public key. */
export async function verifyResultPacket(jws: string, hostKey: PublicKey, hostId: string): Promise<ResultPacketClaims> {
  let payload: Uint8Array;
  try {
    payload = (await compactVerify(jws, hostKey)).payload;
  } catch (e) {
    throw new ResultPacketRejected('bad_signature', `result packet signature does not verify: ${(e as Error).message}`);
  }
  let claims: ResultPacketClaims;
  try {
    claims = ResultPacketClaims.parse(JSON.parse(dec.decode(payload)));
  } catch (e) {
    throw new ResultPacketRejected('bad_claims', `result packet claims are malformed: ${(e as Error).message}`);
  }
  if (claims.hostId !== hostId) throw new ResultPacketRejected('wrong_host', `result packet is from host ${claims.hostId}, not ${hostId}`);
  return claims;
}
