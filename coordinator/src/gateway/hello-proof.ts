import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { MessageOf, AgentMessage } from '@nfl-grid/shared/protocol/messages';
import { verifyAgentMessage } from '@nfl-grid/shared/signing/agent-message';
import { importPublic, type PublicKey } from '@nfl-grid/shared/signing/keys';
import { recordEvent } from '../auth/audit-log';
import { AppError, Forbidden, Unauthorized } from '../errors';
import type { Grid, HostCredential } from '../grid';

/*
 * Who says hello. The credential only names a host; the proof is the host key's signature over
 * the nonce this socket was challenged with (signing/agent-message.ts), checked against the
 * public key the host enrolled with. A credential past its expiry is accepted when the proof
 * holds, since the key is the real authentication: the welcome then carries a fresh credential.
 * A stolen credential without the key gets nowhere, and every refused proof is in the audit log.
 */

/** A fresh nonce for a `challenge`. */
export function newNonce(): string {
  return randomBytes(24).toString('base64url');
}

export interface ProvenHost {
  hostId: string;
  ownerId: string;
  publicKey: PublicKey;
  status: string;
  credential: HostCredential;
}

async function refuse(grid: Grid, hostId: string, code: string, reason: string): Promise<never> {
  grid.log.component('gateway').warn('hello refused', { host: hostId, code, reason });
  await recordEvent(grid.db, 'host.hello_refused', hostId, null, { code, reason });
  throw new Unauthorized(reason, code);
}

export async function proveHello(grid: Grid, msg: MessageOf<AgentMessage, 'hello'>, nonce: string): Promise<ProvenHost> {
  const credential = await grid.keys.readHostCredential(msg.token);
  const { hostId, ownerId } = credential;
  const [host] = await grid.db.rows<{ status: string; public_key: JsonWebKey; owner_id: string }>(sql`
    SELECT status, public_key, owner_id FROM hosts WHERE id = ${hostId}`);
  if (!host || host.owner_id !== ownerId) throw new AppError(401, 'unknown_host', 'this host is not enrolled here');
  if (!msg.sig) return refuse(grid, hostId, 'hello_proof_missing', 'hello must be signed with the host key over the challenge nonce');
  const publicKey = await importPublic(host.public_key as never);
  if (msg.sig.seq !== 0 || !(await verifyAgentMessage(publicKey, { nonce, hostId }, msg))) {
    return refuse(grid, hostId, 'bad_hello_proof', 'the hello signature does not verify with this host\'s key for this connection');
  }
  if (host.status === 'banned') throw new Forbidden('this host is banned from the grid', 'host_banned');
  return { hostId, ownerId, publicKey, status: host.status, credential };
}
