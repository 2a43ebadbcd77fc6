/** A JSON value as found in configuration. @public */
export type JsonValue = JsonPrimitive | JsonObject | JsonArray;
/** @public */
export type JsonPrimitive = string | number | boolean | null;
/** @public */
export type JsonObject = { [key: string]: JsonValue | undefined };
/** @public */
export type JsonArray = JsonValue[];

/**
 * Read access to merged configuration. Keys are dot-separated paths (`backend.listen.port`).
 * Typed getters throw an error that names the key and the file the value came from.
 *
 * @public
 */
export interface Config {
  has(key: string): boolean;
  keys(): string[];
  get<T = JsonValue>(key?: string): T;
  getOptional<T = JsonValue>(key?: string): T | undefined;
  getConfig(key: string): Config;
  getOptionalConfig(key: string): Config | undefined;
  getConfigArray(key: string): Config[];
  getOptionalConfigArray(key: string): Config[] | undefined;
  getNumber(key: string): number;
  getOptionalNumber(key: string): number | undefined;
  getBoolean(key: string): boolean;
  getOptionalBoolean(key: string): boolean | undefined;
  getString(key: string): string;
  getOptionalString(key: string): string | undefined;
  getStringArray(key: string): string[];
  getOptionalStringArray(key: string): string[] | undefined;
}

/**
 * The backend's configuration. `subscribe` is called after the files changed and were reloaded
 * (development only); code that reads config once at init does not see later edits.
 *
 * @public
 */
export interface RootConfigService extends Config {
  subscribe?(onChange: () => void): { unsubscribe(): void };
}
