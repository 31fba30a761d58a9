import { z } from 'zod';
import type { WorkItem } from '@nfl-grid/shared/protocol/work-packet';
import { CheckpointSignatureRejected, verifyCheckpoint } from '@nfl-grid/shared/signing/checkpoint-signature';
import { importPublic } from '@nfl-grid/shared/signing/keys';
import { endpoint } from '../config';
import { sha256Of } from '../disk/checkpoint-store';
import { describe } from '../errors';

/*
 * A reissued replica's head start: when a work item carries `resumeFrom {step, sha256, maker}`
 * (the coordinator's newest uploaded checkpoint of that WU and the host that made it, with that
 * host's public key, named inside the signed packet), the agent fetches
 * `GET /api/v1/checkpoints/:wuId` with its host credential and uses the bytes only if they hash to
 * the sha256 the reply names, the maker's signature over this WU, replica, kernel, step and sha256
 * verifies under the packet's key for the maker, and that is the packet's sha256 — or a newer step
 * by the same maker uploaded since the packet was signed. Anything else (404, a bad hash or
 * signature, another maker, a broken body) means step 0.
 */

const Reply = z.object({
  wuId: z.number().int().positive(),
  step: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  data: z.string(),
  signature: z.string().max(4096),
  maker: z.object({ hostId: z.string(), replicaId: z.number().int().positive() }),
});

export type RemoteCheckpoint =
  | { status: 'ok'; step: number; sha256: string; payload: Uint8Array }
  | { status: 'unavailable'; reason: string };

export async function fetchCheckpoint(
  o: { coordinator: string; credential: string; timeoutMs?: number }, item: WorkItem,
): Promise<RemoteCheckpoint> {
  const want = item.resumeFrom;
  if (!want) return { status: 'unavailable', reason: 'the item names no checkpoint' };
  const url = endpoint(o.coordinator, `api/v1/checkpoints/${item.wuId}`);
  let res: Response;
  try {
    res = await fetch(url, { headers: { authorization: `Bearer ${o.credential}` }, signal: AbortSignal.timeout(o.timeoutMs ?? 60_000) });
  } catch (e) {
    return { status: 'unavailable', reason: `cannot fetch ${url.pathname}: ${describe(e)}` };
  }
  const text = await res.text().catch(() => '');
  if (res.status !== 200) return { status: 'unavailable', reason: `${url.pathname}: HTTP ${res.status} ${text.slice(0, 200)}`.trim() };
  let body: z.infer<typeof Reply>;
  try {
    body = Reply.parse(JSON.parse(text));
  } catch (e) {
    return { status: 'unavailable', reason: `malformed reply: ${describe(e)}` };
  }
  if (body.wuId !== item.wuId) return { status: 'unavailable', reason: `reply is for wu ${body.wuId}` };
  const payload = new Uint8Array(Buffer.from(body.data, 'base64'));
  const actual = sha256Of(payload);
  if (actual !== body.sha256) return { status: 'unavailable', reason: `data hashes to ${actual.slice(0, 12)}…, reply says ${body.sha256.slice(0, 12)}… (corrupt)` };
  if (body.maker.hostId !== want.maker.hostId || body.maker.replicaId !== want.maker.replicaId) {
    return { status: 'unavailable', reason: `reply is made by host ${body.maker.hostId} replica ${body.maker.replicaId}, the packet names host ${want.maker.hostId} replica ${want.maker.replicaId}` };
  }
  try {
    await verifyCheckpoint(body.signature, await importPublic(want.maker.publicKey), {
      wuId: item.wuId, replicaId: want.maker.replicaId, hostId: want.maker.hostId, kernel: item.kernel, step: body.step, sha256: body.sha256,
    });
  } catch (e) {
    const why = e instanceof CheckpointSignatureRejected ? e.message : `the maker's key does not load: ${describe(e)}`;
    return { status: 'unavailable', reason: `${why} (refused)` };
  }
  if (body.sha256 !== want.sha256 && body.step < want.step) {
    return { status: 'unavailable', reason: `reply is step ${body.step} (${body.sha256.slice(0, 12)}…), the packet names step ${want.step} (${want.sha256.slice(0, 12)}…)` };
  }
  return { status: 'ok', step: body.step, sha256: body.sha256, payload };
}
