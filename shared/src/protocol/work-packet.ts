import { z } from 'zod';
import { KernelRef, Sha256Hex } from './refs';

/** One replica of one work unit, as the agent receives it inside a signed packet. */
export const WorkItem = z.object({
  wuId: z.number().int().positive(),
  replicaId: z.number().int().positive(),
  kernel: KernelRef,
  params: z.record(z.string(), z.unknown()),
  seed: z.number().int().min(0).max(2 ** 32 - 1),
  /** Content-addressed inputs: the agent fetches each by sha256 and verifies it before use. */
  inputs: z.array(z.object({ name: z.string().max(128), sha256: Sha256Hex })).max(64),
  costEstimate: z.number().nonnegative(),
  /** Report deadline, epoch milliseconds. */
  deadline: z.number().int().positive(),
  /**
   * Optional checkpoint to resume from (a reissued replica), with its provenance: the host that
   * made and signed it, its replica, and that host's public key, so the agent can check the
   * checkpoint's signature under this packet's signature.
   */
  resumeFrom: z.object({
    step: z.number().int().min(0),
    sha256: Sha256Hex,
    maker: z.object({
      hostId: z.string().uuid(),
      replicaId: z.number().int().positive(),
      publicKey: z.object({ kty: z.literal('OKP'), crv: z.literal('Ed25519'), x: z.string().regex(/^[A-Za-z0-9_-]{43}$/) }),
    }),
  }).nullable().default(null),
});
export type WorkItem = z.infer<typeof WorkItem>;

/**
 * The claims of a work packet JWS. One signature covers every item in the packet; the packet is
 * bound to one host (`aud`, `hostId`) and expires (`exp`, seconds since epoch as JWT has it).
 */
export const WorkPacketClaims = z.object({
  iss: z.string(),
  aud: z.string(),
  hostId: z.string().uuid(),
  iat: z.number().int(),
  exp: z.number().int(),
  items: z.array(WorkItem).min(1).max(1000),
});
export type WorkPacketClaims = z.infer<typeof WorkPacketClaims>;

/** One finished replica, inside a host-signed result packet. */
export const ResultItem = z.object({
  replicaId: z.number().int().positive(),
  output: z.unknown(),
  outputSha256: Sha256Hex,
  cpuSeconds: z.number().nonnegative().max(1e9),
  elapsedSeconds: z.number().nonnegative().max(1e9),
  steps: z.number().int().nonnegative(),
  /** The TensorFlow.js backend a neural kernel ran on; absent for plain JavaScript kernels. */
  backend: z.enum(['tfjs-node-gpu', 'wasm', 'cpu']).optional(),
});
export type ResultItem = z.infer<typeof ResultItem>;

export const ResultPacketClaims = z.object({
  hostId: z.string().uuid(),
  iat: z.number().int(),
  results: z.array(ResultItem).min(1).max(1000),
});
export type ResultPacketClaims = z.infer<typeof ResultPacketClaims>;
