import { CryptoKey, exportPKCS8, exportSPKI, generateKeyPair } from 'jose';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A key pair written to PEM files, as an operator would provide it. */
export interface KeyFiles {
  keyId: string;
  publicKeyFile: string;
  privateKeyFile: string;
  publicPem: string;
  privateKey: CryptoKey;
}

/** Writes ES256 key pairs to a temporary directory; `remove()` deletes it. */
export async function writeKeyFiles(keyIds: string[]): Promise<{ keys: KeyFiles[]; remove(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'trellis-keys-'));
  const keys = await Promise.all(
    keyIds.map(async (keyId) => {
      const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
      const publicPem = await exportSPKI(publicKey);
      const publicKeyFile = join(dir, `${keyId}.pub.pem`);
      const privateKeyFile = join(dir, `${keyId}.pem`);
      await writeFile(publicKeyFile, publicPem);
      await writeFile(privateKeyFile, await exportPKCS8(privateKey), { mode: 0o600 });
      return { keyId, publicKeyFile, privateKeyFile, publicPem, privateKey };
    }),
  );
  return { keys, remove: () => rm(dir, { recursive: true, force: true }) };
}
