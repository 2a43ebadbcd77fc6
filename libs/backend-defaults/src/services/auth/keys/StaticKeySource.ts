import { compactVerify, CompactSign, CryptoKey, exportJWK, importJWK, importPKCS8, importSPKI } from 'jose';
import { readFile } from 'node:fs/promises';
import { PluginKeySource, PublicKeyRecord, SigningKey } from '../types';
import { StaticKeyOptions } from './readPluginKeyOptions';

const FOREVER = new Date(8.64e15);

/**
 * Keys from PEM files named in `backend.auth.pluginKeyStore.static.keys`, shared by every plugin
 * and every instance that is given the same files. The first key signs; the others only verify,
 * which is how an operator rotates: put the new key first, keep the old one until its tokens
 * expired, then remove it.
 */
export class StaticKeySource implements PluginKeySource {
  readonly #signingKey: SigningKey;
  readonly #publicKeys: PublicKeyRecord[];

  private constructor(signingKey: SigningKey, publicKeys: PublicKeyRecord[]) {
    this.#signingKey = signingKey;
    this.#publicKeys = publicKeys;
  }

  /** Reads and checks the key files; a private key that does not match its public key is refused. */
  static async load(keys: StaticKeyOptions[]): Promise<StaticKeySource> {
    const publicKeys = await Promise.all(keys.map(readPublicKey));
    const first = keys[0];
    const privateKey = await readKeyFile(first.privateKeyFile!, 'privateKeyFile', first.keyId, (pem) =>
      importPKCS8(pem, first.algorithm),
    );
    await assertPair(first, privateKey, publicKeys[0]);
    return new StaticKeySource({ kid: first.keyId, alg: first.algorithm, privateKey }, publicKeys);
  }

  async getSigningKey(): Promise<SigningKey> {
    return this.#signingKey;
  }

  async listPublicKeys(): Promise<PublicKeyRecord[]> {
    return this.#publicKeys;
  }
}

async function readPublicKey(options: StaticKeyOptions): Promise<PublicKeyRecord> {
  const publicKey = await readKeyFile(options.publicKeyFile, 'publicKeyFile', options.keyId, (pem) =>
    importSPKI(pem, options.algorithm, { extractable: true }),
  );
  const jwk = await exportJWK(publicKey);
  return { key: { ...jwk, kid: options.keyId, alg: options.algorithm, use: 'sig' }, expiresAt: FOREVER };
}

async function readKeyFile(
  path: string,
  what: string,
  keyId: string,
  parse: (pem: string) => Promise<CryptoKey>,
): Promise<CryptoKey> {
  let pem: string;
  try {
    pem = await readFile(path, 'utf8');
  } catch (error) {
    throw new Error(`Cannot read ${what} of plugin key '${keyId}' at ${path}: ${(error as Error).message}`);
  }
  try {
    return await parse(pem);
  } catch (error) {
    throw new Error(
      `The ${what} of plugin key '${keyId}' (${path}) is not a valid PEM key: ${(error as Error).message}`,
    );
  }
}

async function assertPair(options: StaticKeyOptions, privateKey: CryptoKey, record: PublicKeyRecord): Promise<void> {
  const probe = new TextEncoder().encode('trellis key check');
  const signature = await new CompactSign(probe).setProtectedHeader({ alg: options.algorithm }).sign(privateKey);
  try {
    await compactVerify(signature, await importJWK(record.key, record.key.alg));
  } catch {
    throw new Error(`The privateKeyFile of plugin key '${options.keyId}' does not belong to its publicKeyFile`);
  }
}
