import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { Hardware } from '@nfl-grid/shared/protocol/host-report';
import { newEd25519KeyPair } from '@nfl-grid/shared/signing/keys';
import type { Logger } from '@nfl-grid/shared/logging/logger';
import type { AgentSettings } from './config';
import { endpoint } from './config';
import { ConfigError, IdentityError, describe } from './errors';
import { backoffDelay, sleep } from './waits';

/*
 * The host's identity: an Ed25519 key pair made on first run, and the host id and credential the
 * coordinator gave back at enrollment. Kept in `<data-dir>/identity.json`, mode 0600.
 */

export const IDENTITY_FILE = 'identity.json';

const PublicJwk = z.object({ kty: z.literal('OKP'), crv: z.literal('Ed25519'), x: z.string().min(1) }).passthrough();
const PrivateJwk = PublicJwk.extend({ d: z.string().min(1) });

export const Identity = z.object({
  hostId: z.string().uuid(),
  ownerId: z.string().min(1),
  credential: z.string().min(10),
  privateJwk: PrivateJwk,
  publicJwk: PublicJwk,
  coordinator: z.string().url(),
  enrolledAt: z.string().optional(),
});
export type Identity = z.infer<typeof Identity>;

const EnrollReply = z.object({ hostId: z.string().uuid(), ownerId: z.string().min(1), credential: z.string().min(10) });
const ErrorReply = z.object({ error: z.object({ code: z.string(), message: z.string(), field: z.string().optional() }) });

const ENROLL_ATTEMPTS = 5;

export async function loadIdentity(dataDir: string): Promise<Identity | null> {
  const file = join(dataDir, IDENTITY_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new IdentityError('identity_corrupt', `cannot read ${file}: ${describe(e)}`);
  }
  try {
    return Identity.parse(JSON.parse(text));
  } catch (e) {
    throw new IdentityError('identity_corrupt', `${file} is damaged (${describe(e)}); move it away and enroll again with --token`);
  }
}

/** The coordinator this data folder enrolled with, if any (config.ts falls back on it). */
export async function readEnrolledCoordinator(dataDir: string): Promise<string | undefined> {
  try {
    const json = JSON.parse(await readFile(join(dataDir, IDENTITY_FILE), 'utf8')) as { coordinator?: unknown };
    return typeof json.coordinator === 'string' && json.coordinator !== '' ? json.coordinator : undefined;
  } catch {
    return undefined;
  }
}

/** Writes identity.json atomically, readable by the owner only. */
export async function saveIdentity(dataDir: string, identity: Identity): Promise<void> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const file = join(dataDir, IDENTITY_FILE);
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, JSON.stringify(identity, null, 2) + '\n', { mode: 0o600 });
  await chmod(tmp, 0o600);
  await rename(tmp, file);
}

/** Posts the public key with an enrollment token; retries only when the coordinator is unreachable or failing. */
export async function enroll(
  o: { coordinator: string; token: string; name: string; hardware: Hardware }, log: Logger,
): Promise<Identity> {
  const pair = await newEd25519KeyPair();
  const url = endpoint(o.coordinator, 'api/v1/hosts/enroll');
  const body = JSON.stringify({ token: o.token, publicKey: pair.publicJwk, name: o.name, hardware: o.hardware });
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
