import { exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';

export const ALG = 'EdDSA' as const;

export type PrivateKey = CryptoKey;
export type PublicKey = CryptoKey;

export interface KeyPairJwk {
  publicJwk: JWK;
  privateJwk: JWK;
}

/** A new Ed25519 key pair, exported as JWKs (extractable so it can be stored). */
export async function newEd25519KeyPair(): Promise<KeyPairJwk> {
  const { publicKey, privateKey } = await generateKeyPair(ALG, { crv: 'Ed25519', extractable: true });
  return { publicJwk: await exportJWK(publicKey), privateJwk: await exportJWK(privateKey) };
}

export async function importPublic(jwk: JWK): Promise<PublicKey> {
  if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || typeof jwk.x !== 'string' || 'd' in jwk) {
    throw new Error('expected an Ed25519 public JWK');
  }
  return (await importJWK({ kty: 'OKP', crv: 'Ed25519', x: jwk.x }, ALG)) as PublicKey;
}

export async function importPrivate(jwk: JWK): Promise<PrivateKey> {
  return (await importJWK(jwk, ALG)) as PrivateKey;
}

/** RFC 7638 thumbprint-style key id: short, stable, derived from the public key. */
export async function keyId(publicJwk: JWK): Promise<string> {
  const { calculateJwkThumbprint } = await import('jose');
  return (await calculateJwkThumbprint({ kty: 'OKP', crv: 'Ed25519', x: publicJwk.x } as JWK)).slice(0, 16);
}
