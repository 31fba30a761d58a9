import { z } from 'zod';
import { Backend, Hardware, Intensity, Readings } from './host-report';
import { KernelRef, Sha256Hex } from './refs';

/*
 * The websocket protocol between nfl-agent and the coordinator (DESIGN.md "Wire protocol").
 * Every frame is one JSON object with a `type`; both sides parse every frame with these schemas.
 */

/**
 * Largest result packet (compact JWS, base64url: 4/3 of the JSON). The largest single result is an
 * mc.bankroll WU of 100k scenarios listing each one (about 5–6 MB of JSON); the coordinator's
 * websocket frame limit (32 MB) leaves room above this.
 */
export const MAX_RESULT_JWS_CHARS = 24_000_000;
/** Largest checkpoint upload, base64 of the snapshot's JSON. */
export const MAX_CHECKPOINT_DATA_CHARS = 16_000_000;

const JWS = z.string().max(MAX_RESULT_JWS_CHARS).regex(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/, 'expected a compact JWS');

// ---- agent -> coordinator -------------------------------------------------------------------

/**
 * The host key's signature over one agent message (signing/agent-message.ts): it covers the
 * connection's challenge nonce, the host id, `seq` (rising on each connection, 0 for hello) and the
 * body, so a message cannot be forged without the key nor replayed on this or another connection.
 * Optional in the schema so that a missing one is refused with its own error code.
 */
export const MessageSig = z.object({
  seq: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
  sig: z.string().min(1).max(200).regex(/^[A-Za-z0-9_-]+$/, 'expected base64url'),
});
export type MessageSig = z.infer<typeof MessageSig>;

export const HelloMsg = z.object({
  type: z.literal('hello'),
  /** Host credential (JWT) received at enrollment. */
  token: z.string().min(10).max(4096),
  agentVersion: z.string().max(64),
  hardware: Hardware,
  kernels: z.array(KernelRef).max(256),
  intensity: Intensity,
  backend: Backend,
  /** Measured floating-point operations per second of one core (host benchmark). */
  benchmarkFlops: z.number().positive().max(1e15),
  /** Replicas the agent still holds from before a reconnect. */
  holding: z.array(z.number().int().positive()).max(10_000).default([]),
  /** Proof of the host key: the signature over this hello and the challenge's nonce. */
  sig: MessageSig.optional(),
});

/**
 * A request id the agent puts on `request_work` and `result`, and the coordinator repeats on its
 * answer (`work`, `no_work`, `result_ack`): both sides log it with the replica and WU ids, so one
 * work unit's story can be followed across the agent's log and the coordinator's.
 */
export const RequestId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, _ and -, at most 64');

export const RequestWorkMsg = z.object({
  type: z.literal('request_work'),
  max: z.number().int().min(1).max(1000),
  rid: RequestId.optional(),
  sig: MessageSig.optional(),
});

export const ProgressMsg = z.object({
  type: z.literal('progress'),
  items: z.array(z.object({
    replicaId: z.number().int().positive(),
    step: z.number().int().nonnegative(),
    totalSteps: z.number().int().nonnegative(),
    percent: z.number().min(0).max(100),
  })).max(1000),
  intensity: Intensity,
  readings: Readings,
  sig: MessageSig.optional(),
});

export const CheckpointMsg = z.object({
  type: z.literal('checkpoint'),
  replicaId: z.number().int().positive(),
  step: z.number().int().nonnegative(),
  sha256: Sha256Hex,
  /** Base64 of the checkpoint bytes. */
  data: z.string().max(MAX_CHECKPOINT_DATA_CHARS),
  /** Compact JWS by the host's key over CheckpointClaims (signing/checkpoint-signature.ts). */
  signature: JWS.max(4096),
  sig: MessageSig.optional(),
});

export const ResultMsg = z.object({
  type: z.literal('result'),
  /** Compact JWS signed with the host's Ed25519 key; claims are ResultPacketClaims. */
  jws: JWS,
  rid: RequestId.optional(),
});

export const AgentErrorMsg = z.object({
  type: z.literal('error'),
  replicaId: z.number().int().positive().nullable(),
  code: z.string().max(64),
  message: z.string().max(4000),
  sig: MessageSig.optional(),
});

export const ByeMsg = z.object({
  type: z.literal('bye'),
  reason: z.string().max(500),
  /** Replicas the agent gives back (checkpointed, will not finish them). */
  abandon: z.array(z.number().int().positive()).max(10_000).default([]),
  sig: MessageSig.optional(),
});

/**
 * The agent is stopping but keeps these replicas (checkpointed on its disk) and means to come back
 * for them: the coordinator leaves them assigned to this host until the suspension grace
 * (NFL_GRID_SUSPEND_GRACE) or their deadline runs out, whichever is first, instead of handing
 * them on at once. Sent just before `bye`.
 */
export const SuspendMsg = z.object({
  type: z.literal('suspend'),
  replicaIds: z.array(z.number().int().positive()).min(1).max(10_000),
  reason: z.string().max(500),
  sig: MessageSig.optional(),
}).strict();

/** The answer to a `challenge` sent on a welcomed session: this connection's holder still has the key. */
export const StillHereMsg = z.object({
  type: z.literal('still_here'),
  nonce: z.string().min(16).max(128),
  sig: MessageSig.optional(),
});

export const AgentMessage = z.discriminatedUnion('type', [
  HelloMsg, RequestWorkMsg, ProgressMsg, CheckpointMsg, ResultMsg, AgentErrorMsg, ByeMsg, SuspendMsg, StillHereMsg,
]);
export type AgentMessage = z.infer<typeof AgentMessage>;

// ---- coordinator -> agent -------------------------------------------------------------------

export const AgentConfig = z.object({
  intensity: Intensity,
  checkpointIntervalSeconds: z.number().positive(),
  progressIntervalSeconds: z.number().positive(),
  paused: z.boolean(),
});
export type AgentConfig = z.infer<typeof AgentConfig>;

export const WelcomeMsg = z.object({
  type: z.literal('welcome'),
  hostId: z.string().uuid(),
  serverTime: z.number().int(),
  config: AgentConfig,
  /** Replicas from `holding` that the coordinator no longer wants finished. */
  dropped: z.array(z.number().int().positive()).default([]),
  /** A fresh host credential, when the one this hello carried is past half its life or expired. */
  credential: z.string().min(10).max(4096).optional(),
});

/**
 * A fresh nonce for the host key to sign. The first frame on every socket (hello signs it); on a
 * welcomed session it asks "do you still hold the key?", answered by `still_here`.
 */
export const ChallengeMsg = z.object({
  type: z.literal('challenge'),
  nonce: z.string().min(16).max(128),
});

export const WorkMsg = z.object({
  type: z.literal('work'),
  /** Compact JWS signed with the coordinator's Ed25519 key; claims are WorkPacketClaims. */
  jws: JWS,
  /** The request_work's rid this answers; none for work sent to an idle agent on no request of its own. */
  rid: RequestId.optional(),
});

export const CancelMsg = z.object({
  type: z.literal('cancel'),
  replicaIds: z.array(z.number().int().positive()).min(1),
  reason: z.string(),
});

export const NoWorkMsg = z.object({
  type: z.literal('no_work'),
  retryAfterMs: z.number().int().nonnegative(),
  rid: RequestId.optional(),
});

export const ConfigMsg = z.object({
  type: z.literal('config'),
  config: AgentConfig,
});

export const ResultAckMsg = z.object({
  type: z.literal('result_ack'),
  accepted: z.array(z.number().int().positive()),
  rejected: z.array(z.object({ replicaId: z.number().int().positive(), code: z.string(), message: z.string() })),
  rid: RequestId.optional(),
});

/**
 * How this host's results fared in validation: valid ones with the credit granted (cobblestones),
 * invalid ones with none. Sent after each validator pass that decided some; informational.
 */
export const CreditMsg = z.object({
  type: z.literal('credit'),
  results: z.array(z.object({
    replicaId: z.number().int().positive(),
    valid: z.boolean(),
    granted: z.number().nonnegative(),
  })).min(1),
});

export const CoordinatorErrorMsg = z.object({
  type: z.literal('error'),
  code: z.string(),
  message: z.string(),
  /** JSON paths of the offending fields, when the error is a schema failure. */
  fields: z.array(z.string()).default([]),
});

export const CoordinatorMessage = z.discriminatedUnion('type', [
  WelcomeMsg, WorkMsg, CancelMsg, NoWorkMsg, ConfigMsg, ResultAckMsg, CreditMsg, CoordinatorErrorMsg, ChallengeMsg,
]);
export type CoordinatorMessage = z.infer<typeof CoordinatorMessage>;

export type MessageOf<U, T extends string> = Extract<U, { type: T }>;

export { Sha256Hex };
