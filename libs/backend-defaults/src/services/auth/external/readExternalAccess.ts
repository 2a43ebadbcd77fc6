import { AccessRestrictions, Config } from '@trellis/backend-plugin-api';
import { ASYMMETRIC_ALGORITHMS, PLUGIN_ID_PATTERN, PLUGIN_SUBJECT_PREFIX } from '../types';

/** Static tokens shorter than this are refused at start: they could be guessed. */
export const MIN_STATIC_TOKEN_LENGTH = 24;

const SUBJECT = /^[A-Za-z0-9][A-Za-z0-9._@:/-]{0,127}$/;
const CONFIG_KEY = 'backend.auth.externalAccess';

/** A static token from `backend.auth.externalAccess`. */
export interface StaticAccessEntry {
  type: 'static';
  token: string;
  subject: string;
  accessRestrictions?: AccessRestrictions;
}

/** A trusted identity provider from `backend.auth.externalAccess`. */
export interface JwksAccessEntry {
  type: 'jwks';
  url: URL;
  issuer: string;
  audience: string[];
  algorithms: string[];
  /** Prepended to the token's `sub` for service principals: `external:<prefix><sub>`. */
  subjectPrefix: string;
  /** Whether a token stands for a user (`user:default/<sub>`) or for a service. */
  principal: 'service' | 'user';
  accessRestrictions?: AccessRestrictions;
}

/** One entry of `backend.auth.externalAccess`. */
export type ExternalAccessEntry = StaticAccessEntry | JwksAccessEntry;

/**
 * Reads and checks `backend.auth.externalAccess`. Every problem throws with the index of the
 * entry and the key, so a bad entry stops the backend at start rather than at the first call.
 */
export function readExternalAccess(config: Config, options: { production: boolean }): ExternalAccessEntry[] {
  const entries = config.getOptionalConfigArray(CONFIG_KEY) ?? [];
  return entries.map((entry, index) => {
    const where = `${CONFIG_KEY}[${index}]`;
    const type = entry.getString('type');
    if (type === 'static') {
      return readStatic(entry, where);
    }
    if (type === 'jwks') {
      return readJwks(entry, where, options.production);
    }
    throw new Error(`${where}.type is '${type}'; use 'static' or 'jwks'`);
  });
}

function readStatic(entry: Config, where: string): StaticAccessEntry {
  const token = entry.getString('options.token');
  if (token.length < MIN_STATIC_TOKEN_LENGTH || /\s/.test(token)) {
    throw new Error(
      `${where}.options.token must be at least ${MIN_STATIC_TOKEN_LENGTH} characters without whitespace; generate one with 'openssl rand -base64 32'`,
    );
  }
  return {
    type: 'static',
    token,
    subject: readSubject(entry, where),
    accessRestrictions: readRestrictions(entry, where),
  };
}

function readSubject(entry: Config, where: string): string {
  const subject = entry.getString('options.subject');
  if (!SUBJECT.test(subject) || subject.startsWith(PLUGIN_SUBJECT_PREFIX)) {
    throw new Error(
      `${where}.options.subject '${subject}' is invalid; use letters, digits and . _ @ : / - (at most 128), not starting with '${PLUGIN_SUBJECT_PREFIX}'`,
    );
  }
  return subject;
}

function readJwks(entry: Config, where: string, production: boolean): JwksAccessEntry {
  const url = readUrl(entry.getString('options.url'), `${where}.options.url`, production);
  const audience = entry.getOptional<string | string[]>('options.audience');
  if (audience === undefined || (Array.isArray(audience) && audience.length === 0)) {
    throw new Error(
      `${where}.options.audience is required: the audience your identity provider puts in tokens for this backend`,
    );
  }
  const principal = entry.getOptionalString('options.principal') ?? 'service';
  if (principal !== 'service' && principal !== 'user') {
    throw new Error(`${where}.options.principal is '${principal}'; use 'service' or 'user'`);
  }
  const subjectPrefix = entry.getOptionalString('options.subjectPrefix') ?? '';
  const accessRestrictions = readRestrictions(entry, where);
  if (principal === 'user' && accessRestrictions) {
    throw new Error(`${where}.accessRestrictions apply to service tokens only; remove them or use principal 'service'`);
  }
  return {
    type: 'jwks',
    url,
    issuer: entry.getString('options.issuer'),
    audience: Array.isArray(audience) ? audience : [audience],
    algorithms: readAlgorithms(entry, where),
    subjectPrefix,
    principal,
    accessRestrictions,
  };
}

function readUrl(value: string, where: string, production: boolean): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`${where} '${value}' is not a URL`);
  }
  if (url.protocol !== 'https:' && (production || url.protocol !== 'http:')) {
    throw new Error(`${where} must use https${production ? ' in production' : ''}, got '${url.protocol}'`);
  }
  return url;
}

function readAlgorithms(entry: Config, where: string): string[] {
  const algorithms = entry.getOptionalStringArray('options.algorithms') ?? ['RS256', 'ES256'];
  const refused = algorithms.filter((alg) => !ASYMMETRIC_ALGORITHMS.has(alg));
  if (algorithms.length === 0 || refused.length > 0) {
    throw new Error(
      `${where}.options.algorithms may list only asymmetric algorithms (${[...ASYMMETRIC_ALGORITHMS].join(', ')}); refused: ${refused.join(', ') || '(empty list)'}`,
    );
  }
  return algorithms;
}

function readRestrictions(entry: Config, where: string): AccessRestrictions | undefined {
  const list = entry.getOptionalConfigArray('accessRestrictions');
  if (list === undefined) {
    return undefined;
  }
  if (list.length === 0) {
    throw new Error(`${where}.accessRestrictions is empty; remove it for full access or list { plugin: <id> } entries`);
  }
  const plugins = list.map((restriction, i) => {
    const plugin = restriction.getString('plugin');
    if (!PLUGIN_ID_PATTERN.test(plugin)) {
      throw new Error(`${where}.accessRestrictions[${i}].plugin '${plugin}' is not a plugin ID`);
    }
    return plugin;
  });
  const names = list.map((r, i) => readStringOrList(r, 'permission', `${where}.accessRestrictions[${i}]`));
  const actions = list.map((r, i) =>
    readStringOrList(r, 'permissionAttribute.action', `${where}.accessRestrictions[${i}]`, PERMISSION_ACTIONS),
  );
  return {
    plugins,
    ...unionIfAll(names, (permissionNames) => ({ permissionNames })),
    ...unionIfAll(actions, (action) => ({
      permissionAttributes: { action: action as Array<'create' | 'read' | 'update' | 'delete'> },
    })),
  };
}

const PERMISSION_ACTIONS = ['create', 'read', 'update', 'delete'];

/**
 * The permission limits of a token are one list for all the plugins it may reach: the union of
 * its entries' lists, and no limit when an entry sets none.
 */
function unionIfAll<T>(lists: Array<string[] | undefined>, wrap: (values: string[]) => T): T | {} {
  if (lists.some((l) => l === undefined)) {
    return {};
  }
  return wrap([...new Set(lists.flatMap((l) => l!))]);
}

function readStringOrList(entry: Config, key: string, where: string, allowed?: string[]): string[] | undefined {
  const value = entry.getOptional(key);
  if (value === undefined) {
    return undefined;
  }
  const values = Array.isArray(value) ? value : [value];
  if (values.length === 0 || values.some((v) => typeof v !== 'string' || v.length === 0)) {
    throw new Error(`${where}.${key} must be a non-empty string or list of strings`);
  }
  const refused = allowed ? values.filter((v) => !allowed.includes(v as string)) : [];
  if (refused.length > 0) {
    throw new Error(`${where}.${key} may list only ${allowed!.join(', ')}; refused: ${refused.join(', ')}`);
  }
  return values as string[];
}
