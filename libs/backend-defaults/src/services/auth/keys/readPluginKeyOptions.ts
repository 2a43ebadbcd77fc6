import { Config } from '@trellis/backend-plugin-api';
import { ASYMMETRIC_ALGORITHMS } from '../types';

/** One key of `backend.auth.pluginKeyStore.static.keys`. */
export interface StaticKeyOptions {
  keyId: string;
  algorithm: string;
  publicKeyFile: string;
  privateKeyFile?: string;
}

/** Settings of plugin keys and tokens, from `backend.auth`. */
export interface PluginKeyOptions {
  /** The configured store; undefined lets the factory choose (database when it has one). */
  type?: 'database' | 'static' | 'memory';
  keyDurationMs: number;
  tokenLifetimeMs: number;
  staticKeys?: StaticKeyOptions[];
}

/** Tokens never live longer than this, whatever the config says. */
export const MAX_TOKEN_LIFETIME_SECONDS = 3600;
const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;
const STORE_KEY = 'backend.auth.pluginKeyStore';

/** Reads `backend.auth.pluginKeyStore` and `backend.auth.pluginTokens`, with their defaults. */
export function readPluginKeyOptions(config: Config): PluginKeyOptions {
  const type = config.getOptionalString(`${STORE_KEY}.type`);
  if (type !== undefined && type !== 'database' && type !== 'static' && type !== 'memory') {
    throw new Error(`${STORE_KEY}.type is '${type}'; use 'database', 'static' or 'memory'`);
  }
  const keyDuration = readSeconds(config, `${STORE_KEY}.keyDurationSeconds`, 3600, 1, 30 * 24 * 3600);
  const lifetime = readSeconds(
    config,
    'backend.auth.pluginTokens.lifetimeSeconds',
    300,
    10,
    MAX_TOKEN_LIFETIME_SECONDS,
  );
  const staticKeys = readStaticKeys(config);
  if (type === 'static' && !staticKeys) {
    throw new Error(`${STORE_KEY}.type is 'static' but ${STORE_KEY}.static.keys is not set`);
  }
  return {
    type: type ?? (staticKeys ? 'static' : undefined),
    keyDurationMs: keyDuration * 1000,
    tokenLifetimeMs: lifetime * 1000,
    staticKeys,
  };
}

function readSeconds(config: Config, key: string, fallback: number, min: number, max: number): number {
  const value = config.getOptionalNumber(key) ?? fallback;
  if (!Number.isFinite(value) || value < min || value > max) {
    throw new Error(`${key} is ${value}; use a number of seconds from ${min} to ${max}`);
  }
  return value;
}

function readStaticKeys(config: Config): StaticKeyOptions[] | undefined {
  const keys = config.getOptionalConfigArray(`${STORE_KEY}.static.keys`);
  if (!keys) {
    return undefined;
  }
  if (keys.length === 0) {
    throw new Error(`${STORE_KEY}.static.keys is empty; list at least the key to sign with`);
  }
  return keys.map((key, index) => {
    const where = `${STORE_KEY}.static.keys[${index}]`;
    const keyId = key.getString('keyId');
    const algorithm = key.getOptionalString('algorithm') ?? 'ES256';
    if (!KEY_ID.test(keyId)) {
      throw new Error(`${where}.keyId '${keyId}' is invalid; use up to 64 letters, digits, '.', '_' or '-'`);
    }
    if (!ASYMMETRIC_ALGORITHMS.has(algorithm)) {
      throw new Error(`${where}.algorithm '${algorithm}' is not an asymmetric signing algorithm`);
    }
    const privateKeyFile = key.getOptionalString('privateKeyFile');
    if (index === 0 && !privateKeyFile) {
      throw new Error(`${where}.privateKeyFile is required: the first key is the one tokens are signed with`);
    }
    return { keyId, algorithm, publicKeyFile: key.getString('publicKeyFile'), privateKeyFile };
  });
}
