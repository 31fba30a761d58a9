import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { JWK } from 'jose';
import { signCheckpoint } from '@nfl-grid/shared/signing/checkpoint-signature';
import { importPrivate, importPublic, newEd25519KeyPair } from '@nfl-grid/shared/signing/keys';
import type { Db } from '../../coordinator/src/db/index';
import type { AgentSession } from '../../coordinator/src/gateway/agent-session';
import { handleCheckpoint, type CheckpointRefusal } from '../../coordinator/src/gateway/handle-progress';
import type { Grid } from '../../coordinator/src/grid';
import { makeHost, type HostOptions, type TestHost } from './grid-fixtures';

/*
 * Hosts that sign their checkpoints as an agent does, for tests of the gateway's checkpoint
 * handling, the checkpoint route and the claim: the test keeps the host's private key.
 */

export interface SigningHost extends TestHost {
  privateKey: CryptoKey;
  publicJwk: JWK;
  session: AgentSession;
}

/** A host from makeHost with a key pair of which the test holds the private half. */
export async function makeSigningHost(db: Db, opts: HostOptions = {}): Promise<SigningHost> {
  const h = await makeHost(db, opts);
  const pair = await newEd25519KeyPair();
  await db.rows(sql`UPDATE hosts SET public_key = ${JSON.stringify(pair.publicJwk)}::jsonb WHERE id = ${h.id}`);
  const session = {
    hostId: h.id, ownerId: h.ownerId, kernels: h.claiming.kernels, gpu: h.claiming.gpu, memoryMb: h.claiming.memoryMb,
    benchmarkFlops: h.benchmarkFlops, publicKey: await importPublic(pair.publicJwk), paused: false, lastProgressWrite: 0,
    send() {}, close() {}, closed: false,
  };
  return { ...h, privateKey: await importPrivate(pair.privateJwk), publicJwk: pair.publicJwk, session };
}

/**
 * Uploads `bytes` as the checkpoint of `replicaId` at `step` through the gateway's handler, signed
 * by the host (or by `signer`, to forge). Returns the handler's refusal, or null when stored.
 */
export async function uploadSignedCheckpoint(grid: Grid, h: SigningHost, replicaId: number, step: number, bytes: Uint8Array, signer: CryptoKey = h.privateKey): Promise<CheckpointRefusal | null> {
  const [r] = await grid.db.rows<{ wu_id: number; kernel_ref: string }>(sql`
    SELECT w.id AS wu_id, w.kernel_ref FROM replicas r JOIN work_units w ON w.id = r.wu_id WHERE r.id = ${replicaId}`);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const signature = await signCheckpoint(signer, { wuId: Number(r!.wu_id), replicaId, hostId: h.id, kernel: r!.kernel_ref, step, sha256 });
  return handleCheckpoint(grid, h.session, { type: 'checkpoint', replicaId, step, sha256, data: Buffer.from(bytes).toString('base64'), signature });
}
