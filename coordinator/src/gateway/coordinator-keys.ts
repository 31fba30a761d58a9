import { chmodSync, existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { isNull } from 'drizzle-orm';
import { createLocalJWKSet, jwtVerify, SignJWT, type JWK } from 'jose';
import { ALG, importPrivate, keyId, newEd25519KeyPair } from '@nfl-grid/shared/signing/keys';
import { signWorkPacket } from '@nfl-grid/shared/signing/work-packet';
import type { WorkItem } from '@nfl-grid/shared/protocol/work-packet';
import type { Db } from '../db/index';
import { signingKeys } from '../db/schema/index';
import { Unauthorized } from '../errors';
import type { CoordinatorKeys } from '../grid';

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

export async function openCoordinatorKeys(db: Db, dataDir: string, packetTtlSeconds: number): Promise<CoordinatorKeys> {
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

  return {
    kid: stored.kid,
    signWork: (hostId: string, items: WorkItem[]) => signWorkPacket(privateKey, stored.kid, hostId, items, packetTtlSeconds),
    issueHostCredential: (hostId, ownerId) =>
      new SignJWT({ own: ownerId })
        .setProtectedHeader({ alg: ALG, kid: stored.kid, typ: 'JWT' })
        .setIssuer(ISSUER).setAudience(HOST_AUDIENCE).setSubject(hostId).setIssuedAt()
        .sign(privateKey),
    async verifyHostCredential(token) {
      try {
        const kid = JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString('utf8')).kid as string | undefined;
        if (kid && !knownKids.has(kid)) {
          const keys = await activeKeys();
          keySet = createLocalJWKSet({ keys });
          knownKids = new Set(keys.map((k) => k.kid));
        }
        const { payload } = await jwtVerify(token, keySet, { issuer: ISSUER, audience: HOST_AUDIENCE, algorithms: [ALG] });
        if (typeof payload.sub !== 'string' || typeof payload.own !== 'string') throw new Error('credential lacks host or owner');
        return { hostId: payload.sub, ownerId: payload.own };
      } catch (e) {
        throw new Unauthorized(`host credential rejected: ${(e as Error).message}`, 'bad_host_credential');
      }
    },
    jwks: async () => ({ keys: await activeKeys() }),
  };
}
