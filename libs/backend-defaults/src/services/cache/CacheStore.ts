/** Where cache entries live; keys arrive already namespaced. */
export interface CacheStore {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string, ttlMs: number | undefined): Promise<void>;
  delete(key: string): Promise<void>;
  close(): Promise<void>;
}
