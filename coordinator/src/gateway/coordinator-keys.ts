import { chmodSync, existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { isNull } from 'drizzle-orm';
import { createLocalJWKSet, errors as joseErrors, jwtVerify, SignJWT, type JWK, type JWTPayload } from 'jose';
import { ALG, importPrivate, keyId, newEd25519KeyPair } from '@nfl-grid/shared/signing/keys';
import { signWorkPacket } from '@nfl-grid/shared/signing/work-packet';
import type { WorkItem } from '@nfl-grid/shared/protocol/work-packet';
import type { Db } from '../db/index';
import { signingKeys } from '../db/schema/index';
import { Unauthorized } from '../errors';
import type { CoordinatorKeys, HostCredential } from '../grid';

const ISSUER = 'nfl-grid-coordinator';
const HOST_AUDIENCE = 'nfl-grid-host';
const KEY_FILE = 'signing-key.json';

interface StoredKey { kid: string; privateJwk: JWK; publicJwk: JWK }

/** Reads this coordinator's key from its data folder, or makes one (mode 0600) on first start. */
function loadOrCreateKeyFile(dataDir: string): Promise<StoredKey> | StoredKey {
  const file = join(dataDir, KEY_FILE);
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as StoredKey;
  return (async () => {
    const pair = await newEd25519KeyPair();
    const stored: StoredKey = { kid: await keyId(pair.publicJwk), ...pair };
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, JSON.stringify(stored), { mode: 0o600 });
    chmodSync(file, 0o600);
    return stored;
  })();
}

export async function openCoordinatorKeys(db: Db, dataDir: string, ttl: { packetSeconds: number; credentialSeconds: number }): Promise<CoordinatorKeys> {
  const stored = await loadOrCreateKeyFile(dataDir);
  const privateKey = await importPrivate(stored.privateJwk);
  const publicJwk: JWK = { kty: 'OKP', crv: 'Ed25519', x: stored.publicJwk.x, kid: stored.kid, alg: ALG, use: 'sig' };
  await db.orm.insert(signingKeys).values({ kid: stored.kid, publicJwk }).onConflictDoNothing();

  const activeKeys = async (): Promise<JWK[]> =>
    (await db.orm.select().from(signingKeys).where(isNull(signingKeys.retiredAt))).map((r) => r.publicJwk as JWK);

  // Credentials may come from another coordinator on the same database: verify against every
  // active key, reloading the set when a token names a kid we have not seen.
  let keySet = createLocalJWKSet({ keys: await activeKeys() });
  let knownKids = new Set((await activeKeys()).map((k) => k.kid));

  /**
   * Signature, issuer and audience checked; `exp` too unless allowExpired. A credential without
   * `exp` (issued before credentials expired) counts as expired.
   */
  async function verify(token: string, allowExpired: boolean): Promise<{ payload: JWTPayload; expired: boolean }> {
    const kid = JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString('utf8')).kid as string | undefined;
    if (kid && !knownKids.has(kid)) {
      const keys = await activeKeys();
      keySet = createLocalJWKSet({ keys });
      knownKids = new Set(keys.map((k) => k.kid));
    }
    const opts = { issuer: ISSUER, audience: HOST_AUDIENCE, algorithms: [ALG], requiredClaims: ['exp', 'iat'] };
    try {
      return { payload: (await jwtVerify(token, keySet, opts)).payload, expired: false };
    } catch (e) {
      if (!allowExpired) throw e;
      const lacksExp = e instanceof joseErrors.JWTClaimValidationFailed && e.claim === 'exp' && e.reason === 'missing';
      if (!(e instanceof joseErrors.JWTExpired) && !lacksExp) throw e;
      // Everything but the expiry must still hold: verify again as of a moment it was valid.
      const iat = typeof e.payload.iat === 'number' ? e.payload.iat : 0;
      const { payload } = await jwtVerify(token, keySet, { ...opts, requiredClaims: ['iat'], currentDate: new Date(iat * 1000) });
      return { payload, expired: true };
    }
  }

  function who(payload: JWTPayload): { hostId: string; ownerId: string } {
    if (typeof payload.sub !== 'string' || typeof payload.own !== 'string') throw new Error('credential lacks host or owner');
    return { hostId: payload.sub, ownerId: payload.own };
  }

  return {
    kid: stored.kid,
    signWork: (hostId: string, items: WorkItem[]) => signWorkPacket(privateKey, stored.kid, hostId, items, ttl.packetSeconds),
    issueHostCredential: (hostId, ownerId) =>
      new SignJWT({ own: ownerId })
        .setProtectedHeader({ alg: ALG, kid: stored.kid, typ: 'JWT' })
        .setIssuer(ISSUER).setAudience(HOST_AUDIENCE).setSubject(hostId).setIssuedAt()
        .setExpirationTime(Math.floor(Date.now() / 1000) + ttl.credentialSeconds)
        .sign(privateKey),
    async verifyHostCredential(token) {
      try {
        return who((await verify(token, false)).payload);
      } catch (e) {
        const code = e instanceof joseErrors.JWTExpired ? 'host_credential_expired' : 'bad_host_credential';
        throw new Unauthorized(`host credential rejected: ${(e as Error).message}`, code);
      }
    },
    async readHostCredential(token): Promise<HostCredential> {
      try {
        const { payload, expired } = await verify(token, true);
        const issuedAt = payload.iat!;
        return { ...who(payload), issuedAt, expiresAt: payload.exp ?? issuedAt, expired };
      } catch (e) {
        throw new Unauthorized(`host credential rejected: ${(e as Error).message}`, 'bad_host_credential');
      }
    },
    jwks: async () => ({ keys: await activeKeys() }),
  };
}
