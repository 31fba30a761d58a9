import { base64url } from 'jose';
import { canonicalJson } from '../hashing/canonical-json';
import type { AgentMessage, MessageSig } from '../protocol/messages';
import type { PrivateKey, PublicKey } from './keys';

/*
 * Signed agent messages. Every agent message but `result` (a JWS of its own) carries `sig`: the
 * host key's Ed25519 signature over the connection's challenge nonce, the host id, a sequence
 * number and the message body. The nonce ties it to one connection, the sequence number (0 for
 * hello, rising after) to one place on it, so a captured message is worth nothing elsewhere.
 */

/** Where a signature is valid: the nonce the coordinator sent when the socket opened, and the host. */
export interface SigningContext {
  nonce: string;
  hostId: string;
}

const enc = new TextEncoder();

/** Messages that must be signed: everything an agent says except `result`. */
export function needsSignature(type: AgentMessage['type']): boolean {
  return type !== 'result';
}

/** The bytes the host key signs: canonical JSON, so both sides agree however keys were ordered. */
function signedBytes(ctx: SigningContext, seq: number, msg: object): Uint8Array {
  const { sig: _omit, ...body } = msg as { sig?: unknown };
  return enc.encode(canonicalJson({ purpose: 'nfl-agent-message', nonce: ctx.nonce, hostId: ctx.hostId, seq, body }));
}

/** The message with its `sig` (any earlier one replaced). */
export async function signAgentMessage<M extends object>(key: PrivateKey, ctx: SigningContext, seq: number, msg: M): Promise<M & { sig: MessageSig }> {
  const signature = await crypto.subtle.sign('Ed25519', key, signedBytes(ctx, seq, msg) as BufferSource);
  return { ...msg, sig: { seq, sig: base64url.encode(new Uint8Array(signature)) } };
}

/** True when `msg.sig` is the host key's signature of this message on this connection. */
export async function verifyAgentMessage(key: PublicKey, ctx: SigningContext, msg: { sig?: MessageSig }): Promise<boolean> {
  if (!msg.sig) return false;
  let signature: Uint8Array;
  try {
    signature = base64url.decode(msg.sig.sig);
  } catch {
    return false;
  }
  if (signature.byteLength !== 64) return false;
  try {
    return await crypto.subtle.verify('Ed25519', key, signature as BufferSource, signedBytes(ctx, msg.sig.seq, msg) as BufferSource);
  } catch {
    return false;
  }
}
