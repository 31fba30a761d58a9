import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { IdentityError, describe } from '../errors';

/*
 * The host's identity: an Ed25519 key pair made on first run, and the host id and credential the
 * coordinator gave back at enrollment (enrollment.ts). Kept in `<data-dir>/identity.json`, mode
 * 0600; config.ts reads the coordinator from it without importing enrollment.
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
