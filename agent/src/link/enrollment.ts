import { rename } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { ENROLL_TOKEN_PREFIX } from '@nfl-grid/shared/api/enrollment';
import type { Hardware } from '@nfl-grid/shared/protocol/host-report';
import { newEd25519KeyPair } from '@nfl-grid/shared/signing/keys';
import type { Logger } from '@nfl-grid/shared/logging/logger';
import { endpoint, type AgentSettings } from '../config';
import { ConfigError, IdentityError, describe } from '../errors';
import { backoffDelay, sleep } from '../waits';
import { IDENTITY_FILE, loadIdentity, saveIdentity, type Identity } from './identity-file';

/*
 * Enrollment: on the first run (or with a new coordinator) the host makes its key pair, posts the
 * public key with an enrollment token, and keeps what the coordinator gives back in identity.json
 * (identity-file.ts); later runs load it.
 */

const EnrollReply = z.object({ hostId: z.string().uuid(), ownerId: z.string().min(1), credential: z.string().min(10) });
const ErrorReply = z.object({ error: z.object({ code: z.string(), message: z.string(), field: z.string().optional() }) });

const ENROLL_ATTEMPTS = 5;

/** What a volunteer with a cut-off or mistyped token is told, whether the agent or the coordinator finds out. */
export const INCOMPLETE_TOKEN = 'this enrollment token is invalid or incomplete: copy the whole token (it starts with nfl_enroll_) from the console again';
/** The coordinator's tokens are the prefix and the base64url of 24 random bytes (32 characters). */
const TOKEN_SHAPE = new RegExp(`^${ENROLL_TOKEN_PREFIX}[A-Za-z0-9_-]{32,}$`);

/** Refuses a token that cannot be one the coordinator made, before anything is sent. */
export function checkEnrollmentToken(token: string): void {
  if (!TOKEN_SHAPE.test(token.trim())) throw new ConfigError('bad_value', INCOMPLETE_TOKEN);
}

/** Posts the public key with an enrollment token; retries only when the coordinator is unreachable or failing. */
export async function enroll(
  o: { coordinator: string; token: string; name: string; hardware: Hardware }, log: Logger,
): Promise<Identity> {
  const pair = await newEd25519KeyPair();
  const url = endpoint(o.coordinator, 'api/v1/hosts/enroll');
  const body = JSON.stringify({ token: o.token.trim(), publicKey: pair.publicJwk, name: o.name, hardware: o.hardware });
  let last: IdentityError | null = null;
  for (let attempt = 0; attempt < ENROLL_ATTEMPTS; attempt++) {
    if (attempt > 0) {
      const ms = backoffDelay(attempt - 1, { initialMs: 500, maxMs: 8000 });
      log.warn(`enrollment attempt ${attempt} failed, retrying in ${ms}ms`, { code: last?.code, error: last?.message });
      await sleep(ms);
    }
    let res: Response;
    try {
      res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body, signal: AbortSignal.timeout(15_000) });
    } catch (e) {
      last = new IdentityError('coordinator_unreachable', `cannot reach ${url.href}: ${describe(e)}`, null, { cause: e });
      continue;
    }
    const text = await res.text().catch(() => '');
    if (res.status === 201 || res.status === 200) {
      const reply = parseJson(EnrollReply, text);
      if (!reply) throw new IdentityError('enroll_failed', `enrollment reply from ${url.href} is malformed: ${text.slice(0, 200)}`, res.status);
      return { ...reply, privateJwk: pair.privateJwk as Identity['privateJwk'], publicJwk: pair.publicJwk as Identity['publicJwk'], coordinator: o.coordinator, enrolledAt: new Date().toISOString() };
    }
    const err = parseJson(ErrorReply, text)?.error;
    const why = err ? `${err.code}: ${err.message}${err.field ? ` (field ${err.field})` : ''}` : `HTTP ${res.status} ${text.slice(0, 200)}`;
    // A token the request schema refuses (too short, too long) is a cut-off one: say so, not the schema's words.
    if (res.status === 400 && err?.field === 'token') throw new IdentityError('enroll_refused', `coordinator refused enrollment: ${INCOMPLETE_TOKEN}`, res.status);
    if (res.status >= 400 && res.status < 500) throw new IdentityError('enroll_refused', `coordinator refused enrollment: ${why}`, res.status);
    last = new IdentityError('enroll_failed', `enrollment failed: ${why}`, res.status);
  }
  throw last ?? new IdentityError('enroll_failed', 'enrollment failed');
}

/** The stored identity, or a new one from enrollment when the folder has none for this coordinator. */
export async function ensureIdentity(settings: AgentSettings, hardware: Hardware, log: Logger): Promise<Identity> {
  const existing = await loadIdentity(settings.dataDir);
  if (existing && existing.coordinator === settings.coordinator) {
    if (settings.token) log.info(`already enrolled host=${existing.hostId}; ignoring the enrollment token`, { hostId: existing.hostId });
    return existing;
  }
  if (!settings.token) {
    throw new ConfigError('not_enrolled', existing
      ? `${settings.dataDir} is enrolled with ${existing.coordinator}, not ${settings.coordinator}: pass --token to enroll with it, or use another --data-dir`
      : `not enrolled yet: pass --token ENROLL_TOKEN (from the coordinator's console) on the first run`);
  }
  checkEnrollmentToken(settings.token);
  log.info(`enrolling with ${settings.coordinator} as "${settings.name}"`);
  const identity = await enroll({ coordinator: settings.coordinator, token: settings.token, name: settings.name, hardware }, log);
  if (existing) {
    // Only once the new enrollment worked: the old identity is kept beside it, never lost.
    const backup = join(settings.dataDir, `identity.${existing.hostId}.json`);
    await rename(join(settings.dataDir, IDENTITY_FILE), backup);
    log.warn(`enrolled with a new coordinator; previous identity (${existing.coordinator}) kept in ${backup}`);
  }
  await saveIdentity(settings.dataDir, identity);
  log.info(`enrolled host=${identity.hostId} owner=${identity.ownerId}`, { hostId: identity.hostId, ownerId: identity.ownerId });
  return identity;
}

function parseJson<T>(schema: z.ZodType<T>, text: string): T | null {
  try {
    const r = schema.safeParse(JSON.parse(text));
    return r.success ? r.data : null;
  } catch {
    return null;
  }
}
