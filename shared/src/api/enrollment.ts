import { z } from 'zod';
import { Hardware } from '../protocol/host-report';

export const ENROLL_TOKEN_PREFIX = 'nfl_enroll_';

export const CreateEnrollmentTokenBody = z.object({
  /** Admins may mint a token for another user; others always get one for themselves. */
  userId: z.uuid('expected a uuid').optional(),
  /** Lifetime in hours (default 7 days). */
  ttlHours: z.number().int().min(1).max(24 * 365).default(24 * 7),
  /** How many hosts may enroll with it. */
  uses: z.number().int().min(1).max(10_000).default(100),
});
export type CreateEnrollmentTokenBody = z.input<typeof CreateEnrollmentTokenBody>;

/** An Ed25519 public key as a JWK; a private part (`d`) is refused. */
export const Ed25519PublicJwk = z.object({
  kty: z.literal('OKP'),
  crv: z.literal('Ed25519'),
  x: z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'expected the base64url of a 32-byte key'),
  d: z.never({ error: 'send the public key only' }).optional(),
}).loose();

export const EnrollHostBody = z.object({
  token: z.string().min(ENROLL_TOKEN_PREFIX.length + 8).max(200),
  publicKey: Ed25519PublicJwk,
  name: z.string().trim().min(1).max(100),
  hardware: Hardware,
});
export type EnrollHostBody = z.input<typeof EnrollHostBody>;
