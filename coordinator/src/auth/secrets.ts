import { createHash, randomBytes } from 'node:crypto';

/** A bearer secret: `prefix` + base64url of `bytes` random bytes. */
export function newSecret(prefix: string, bytes = 32): string {
  return prefix + randomBytes(bytes).toString('base64url');
}

/** Secrets are stored only as their sha256 (hex); they have enough entropy not to need a salt. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** The secret from `Authorization: Bearer <secret>`, or null. */
export function bearerToken(header: string | undefined): string | null {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return m ? m[1]! : null;
}
