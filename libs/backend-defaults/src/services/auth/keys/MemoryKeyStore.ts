import { PluginKeyStore, PublicKeyRecord } from '../types';

/**
 * Public keys in process memory: right for one instance (development, tests), wrong for several,
 * which could not verify each other's tokens. Refused in production.
 */
export class MemoryKeyStore implements PluginKeyStore {
  readonly #keys = new Map<string, PublicKeyRecord>();

  static create(): MemoryKeyStore {
    return new MemoryKeyStore();
  }

  async addKey(record: PublicKeyRecord): Promise<void> {
    this.#keys.set(record.key.kid, record);
  }

  async listKeys(): Promise<PublicKeyRecord[]> {
    const now = Date.now();
    return [...this.#keys.values()].filter((k) => k.expiresAt.getTime() > now);
  }

  async removeExpiredKeys(now: Date): Promise<void> {
    for (const [kid, record] of this.#keys) {
      if (record.expiresAt <= now) {
        this.#keys.delete(kid);
      }
    }
  }
}
