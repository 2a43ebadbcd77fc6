import { Config, JsonObject, JsonValue, RootConfigService } from '@trellis/backend-plugin-api';
import { TrellisError } from '@trellis/errors';

/** One source of configuration: its data and where it came from (a file, an env var, defaults). @public */
export interface ConfigLayer {
  data: JsonObject;
  context: string;
}

// Keys may be built from input (`integrations.${host}`): the memory of lookups is emptied when full.
const MAX_REMEMBERED_KEYS = 256;

/**
 * Reads merged configuration from ordered layers, later layers winning; objects merge across
 * layers, arrays and scalars replace. Type errors name the full key and the layer it came from.
 *
 * @public
 */
export class ConfigReader implements RootConfigService {
  #layers: ConfigLayer[];
  readonly #prefix: string;
  readonly #subscribe?: RootConfigService['subscribe'];
  /** Keys read before whose value is not an object or array, to their value and context. */
  readonly #found = new Map<string, { value: JsonValue | undefined; context?: string }>();

  private constructor(layers: ConfigLayer[], prefix: string, subscribe?: RootConfigService['subscribe']) {
    this.#layers = layers;
    this.#prefix = prefix;
    this.#subscribe = subscribe;
  }

  /** A reader over the given layers, lowest priority first. */
  static fromLayers(layers: ConfigLayer[], options?: { subscribe?: RootConfigService['subscribe'] }): ConfigReader {
    return new ConfigReader(layers, '', options?.subscribe);
  }

  /** A reader over one object, for tests and mocks. */
  static fromData(data: JsonObject, context = 'mock-config'): ConfigReader {
    return new ConfigReader([{ data, context }], '');
  }

  /** Replaces the layers (after a reload); readers derived with getConfig keep the old ones. */
  replaceLayers(layers: ConfigLayer[]): void {
    this.#layers = layers;
    this.#found.clear();
  }

  get subscribe(): RootConfigService['subscribe'] {
    return this.#subscribe;
  }

  has(key: string): boolean {
    return this.#lookup(key).value !== undefined;
  }

  keys(): string[] {
    const value = this.#lookup('').value;
    return isObject(value) ? Object.keys(value).filter((k) => value[k] !== undefined) : [];
  }

  get<T = JsonValue>(key = ''): T {
    const value = this.getOptional<T>(key);
    if (value === undefined) {
      throw this.#missing(key);
    }
    return value;
  }

  getOptional<T = JsonValue>(key = ''): T | undefined {
    return this.#lookup(key).value as T | undefined;
  }

  getConfig(key: string): Config {
    const config = this.getOptionalConfig(key);
    if (!config) {
      throw this.#missing(key);
    }
    return config;
  }

  getOptionalConfig(key: string): Config | undefined {
    const { value, context } = this.#lookup(key);
    if (value === undefined) {
      return undefined;
    }
    if (!isObject(value)) {
      throw this.#typeError(key, value, 'object', context);
    }
    return new ConfigReader(this.#subLayers(key), this.#full(key));
  }

  getConfigArray(key: string): Config[] {
    const configs = this.getOptionalConfigArray(key);
    if (!configs) {
      throw this.#missing(key);
    }
    return configs;
  }

  getOptionalConfigArray(key: string): Config[] | undefined {
    const { value, context } = this.#lookup(key);
    if (value === undefined) {
      return undefined;
    }
    if (!Array.isArray(value) || !value.every(isObject)) {
      throw this.#typeError(key, value, 'object array', context);
    }
    return value.map(
      (item, i) =>
        new ConfigReader([{ data: item as JsonObject, context: context ?? 'unknown' }], `${this.#full(key)}[${i}]`),
    );
  }

  getNumber(key: string): number {
    return this.#required(key, this.getOptionalNumber(key));
  }

  getOptionalNumber(key: string): number | undefined {
    const { value, context } = this.#lookup(key);
    if (value === undefined || typeof value === 'number') {
      return value;
    }
    if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) {
      return Number(value);
    }
    throw this.#typeError(key, value, 'number', context);
  }

  getBoolean(key: string): boolean {
    return this.#required(key, this.getOptionalBoolean(key));
  }

  getOptionalBoolean(key: string): boolean | undefined {
    const { value, context } = this.#lookup(key);
    if (value === undefined || typeof value === 'boolean') {
      return value;
    }
    if (value === 'true' || value === 'false') {
      return value === 'true';
    }
    throw this.#typeError(key, value, 'boolean', context);
  }

  getString(key: string): string {
    return this.#required(key, this.getOptionalString(key));
  }

  getOptionalString(key: string): string | undefined {
    const { value, context } = this.#lookup(key);
    if (value === undefined || typeof value === 'string') {
      return value as string | undefined;
    }
    throw this.#typeError(key, value, 'string', context);
  }

  getStringArray(key: string): string[] {
    return this.#required(key, this.getOptionalStringArray(key));
  }

  getOptionalStringArray(key: string): string[] | undefined {
    const { value, context } = this.#lookup(key);
    if (value === undefined) {
      return undefined;
    }
    if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
      throw this.#typeError(key, value, 'string array', context);
    }
    return value as string[];
  }

  /** The context (file) the value at `key` came from, if any. */
  contextOf(key: string): string | undefined {
    return this.#lookup(key).context;
  }

  #lookup(key: string): { value: JsonValue | undefined; context?: string } {
    const known = this.#found.get(key);
    if (known) {
      return known;
    }
    const found = this.#merge(key);
    // Plain values are remembered (plugins read config per request); objects are fresh merged
    // copies on every call, so a caller that changes one changes nothing else.
    if (!isObject(found.value) && !Array.isArray(found.value)) {
      if (this.#found.size >= MAX_REMEMBERED_KEYS) {
        this.#found.clear();
      }
      this.#found.set(key, found);
    }
    return found;
  }

  #merge(key: string): { value: JsonValue | undefined; context?: string } {
    const path = key === '' ? [] : key.split('.');
    let value: JsonValue | undefined;
    let context: string | undefined;
    for (const layer of this.#layers) {
      const found = dig(layer.data, path);
      if (found === undefined) {
        continue;
      }
      if (isObject(found) && isObject(value)) {
        value = mergeObjects(value, found);
      } else {
        value = isObject(found) ? mergeObjects({}, found) : found;
      }
      context = layer.context;
    }
    return { value, context };
  }

  #subLayers(key: string): ConfigLayer[] {
    const path = key.split('.');
    return this.#layers.flatMap((layer) => {
      const found = dig(layer.data, path);
      return isObject(found) ? [{ data: found, context: layer.context }] : [];
    });
  }

  #full(key: string): string {
    return this.#prefix ? (key ? `${this.#prefix}.${key}` : this.#prefix) : key;
  }

  #required<T>(key: string, value: T | undefined): T {
    if (value === undefined) {
      throw this.#missing(key);
    }
    return value;
  }

  #missing(key: string): TrellisError {
    return new TrellisError('TRELLIS_ERR_CONFIG_MISSING', `Missing required config value at '${this.#full(key)}'`);
  }

  #typeError(key: string, value: unknown, wanted: string, context?: string): TrellisError {
    const got = Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value;
    return new TrellisError(
      'TRELLIS_ERR_CONFIG_TYPE',
      `Invalid type in config for key '${this.#full(key)}' in '${context ?? 'unknown'}', got ${got}, wanted ${wanted}`,
    );
  }
}

function dig(data: JsonValue | undefined, path: string[]): JsonValue | undefined {
  let current = data;
  for (const part of path) {
    if (!isObject(current)) {
      return undefined;
    }
    current = current[part];
  }
  return current;
}

/** Whether a value is a plain JSON object. */
export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Deep merge of JSON objects: objects merge, everything else from `b` replaces. */
export function mergeObjects(a: JsonObject, b: JsonObject): JsonObject {
  const out: JsonObject = { ...a };
  for (const [key, value] of Object.entries(b)) {
    if (value === undefined) {
      continue;
    }
    const current = out[key];
    out[key] = isObject(current) && isObject(value) ? mergeObjects(current, value) : value;
  }
  return out;
}
