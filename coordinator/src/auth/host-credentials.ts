import { sql } from 'drizzle-orm';
import { ENROLL_TOKEN_PREFIX } from '@nfl-grid/shared/api/enrollment';
import type { Tx } from '../db/index';
import { enrollmentTokens } from '../db/schema/index';
import { Forbidden, Unauthorized } from '../errors';
import type { Grid } from '../grid';
import { hashSecret, newSecret } from './api-keys';

const DEFAULT_TOKEN_TTL_HOURS = 24 * 7;
const DEFAULT_TOKEN_USES = 100;

/** A reusable token that lets a volunteer's agents enroll as hosts owned by `userId`. */
export async function createEnrollmentToken(
  db: Tx, userId: string, opts: { ttlHours?: number; uses?: number } = {},
): Promise<{ id: string; token: string; expiresAt: Date; uses: number }> {
  const token = newSecret(ENROLL_TOKEN_PREFIX, 24);
  const uses = opts.uses ?? DEFAULT_TOKEN_USES;
  const expiresAt = new Date(Date.now() + (opts.ttlHours ?? DEFAULT_TOKEN_TTL_HOURS) * 3600_000);
  const [row] = await db.orm.insert(enrollmentTokens).values({ userId, tokenHash: hashSecret(token), expiresAt, usesLeft: uses })
    .returning({ id: enrollmentTokens.id });
  return { id: row!.id, token, expiresAt, uses };
}

/**
 * Uses up one use of a token atomically and returns the user it enrolls hosts for. Call it in the
 * transaction that creates the host, so a failed enrollment gives the use back.
 */
export async function consumeEnrollmentToken(tx: Tx, token: string): Promise<{ userId: string }> {
  const [row] = token.startsWith(ENROLL_TOKEN_PREFIX)
    ? await tx.rows<{ user_id: string }>(sql`
        UPDATE enrollment_tokens SET uses_left = uses_left - 1
         WHERE token_hash = ${hashSecret(token)} AND uses_left > 0 AND expires_at > now()
        RETURNING user_id`)
    : [];
  if (!row) throw new Unauthorized('enrollment token is unknown, expired or used up', 'bad_enrollment_token');
  return { userId: row.user_id };
}

/**
 * A host credential that verifies and names a host the grid still serves: a banned host keeps
 * a signature-valid credential, so every route an agent uses checks the host row too.
 */
export async function verifyActiveHost(grid: Grid, token: string): Promise<{ hostId: string; ownerId: string }> {
  const who = await grid.keys.verifyHostCredential(token);
  const [host] = await grid.db.rows<{ status: string }>(sql`SELECT status FROM hosts WHERE id = ${who.hostId}`);
  if (!host) throw new Unauthorized('the host credential names no enrolled host', 'unknown_host');
  if (host.status === 'banned') throw new Forbidden('this host is banned from the grid', 'host_banned');
  return who;
}
