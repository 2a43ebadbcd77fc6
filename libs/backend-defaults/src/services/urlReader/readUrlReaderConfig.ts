import { Config, JsonValue } from '@trellis/backend-plugin-api';
import { TrellisError } from '@trellis/errors';
import Ajv, { ErrorObject } from 'ajv';

/** One entry of `backend.reading.allow`. @public */
export interface ReadingAllowRule {
  /** `example.com`, `example.com:8080` or `*.example.com` (subdomains only). */
  host: string;
  /** Path prefixes; any path when absent. */
  paths?: string[];
}

/** A configured source-code host. @public */
export interface IntegrationConfig {
  host: string;
  apiBaseUrl: string;
  rawBaseUrl?: string;
  token?: string;
  /** Bitbucket Server: Basic authentication with these, when there is no token (as in Backstage). */
  username?: string;
  password?: string;
}

/** Everything the URL readers read from config, with defaults applied. @public */
export interface UrlReaderSettings {
  allow: ReadingAllowRule[];
  maxResponseBytes: number;
  maxTreeBytes: number;
  maxTreeFiles: number;
  timeoutMs: number;
  maxRedirects: number;
  workingDirectory?: string;
  github: IntegrationConfig[];
  gitlab: IntegrationConfig[];
  bitbucketServer: IntegrationConfig[];
}

const MiB = 1024 * 1024;

/** Defaults of the `backend.reading` limits. @public */
export const urlReaderDefaults = {
  maxResponseBytes: 32 * MiB,
  maxTreeBytes: 256 * MiB,
  maxTreeFiles: 20_000,
  timeoutMs: 60_000,
  maxRedirects: 5,
} as const;

const hostPattern =
  '^(\\*\\.)?[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*(:[0-9]{1,5})?$';
const httpUrl = { type: 'string', pattern: '^https?://[^\\s]+$' };
const positive = { type: 'integer', minimum: 1 };

const readingSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    allow: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['host'],
        properties: {
          host: { type: 'string', pattern: hostPattern },
          paths: { type: 'array', items: { type: 'string', pattern: '^/' } },
        },
      },
    },
    maxResponseBytes: positive,
    maxTreeBytes: positive,
    maxTreeFiles: positive,
    timeoutMs: positive,
    maxRedirects: { type: 'integer', minimum: 0, maximum: 20 },
  },
};

function integrationSchema(apiRequired: boolean, extra: Record<string, object> = {}) {
  return {
    type: 'array',
    items: {
      type: 'object',
      additionalProperties: false,
      required: apiRequired ? ['host', 'apiBaseUrl'] : ['host'],
      properties: {
        host: { type: 'string', pattern: hostPattern.replace('(\\*\\.)?', '') },
        apiBaseUrl: httpUrl,
        rawBaseUrl: httpUrl,
        token: { type: 'string', minLength: 1 },
        ...extra,
      },
    },
  };
}

const integrationsSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    github: integrationSchema(false),
    gitlab: integrationSchema(false),
    bitbucketServer: integrationSchema(true, {
      username: { type: 'string', minLength: 1 },
      password: { type: 'string', minLength: 1 },
    }),
  },
};

const ajv = new Ajv({ allErrors: true, strict: false, validateSchema: false });
const validators = {
  'backend.reading': ajv.compile(readingSchema),
  integrations: ajv.compile(integrationsSchema),
};

/**
 * Reads and validates `backend.reading` and `integrations`. Every problem is reported at once,
 * each naming the key and the file it came from; token values never appear in the message.
 *
 * @public
 */
export function readUrlReaderConfig(config: Config): UrlReaderSettings {
  validate(config);
  const reading = config.getOptionalConfig('backend.reading');
  const integrations = config.getOptionalConfig('integrations');
  const list = (key: string) =>
    (integrations?.getOptional<IntegrationConfig[]>(key) ?? []).map((entry) => ({ ...entry }));
  return {
    allow: reading?.getOptional<ReadingAllowRule[]>('allow') ?? [],
    maxResponseBytes: reading?.getOptionalNumber('maxResponseBytes') ?? urlReaderDefaults.maxResponseBytes,
    maxTreeBytes: reading?.getOptionalNumber('maxTreeBytes') ?? urlReaderDefaults.maxTreeBytes,
    maxTreeFiles: reading?.getOptionalNumber('maxTreeFiles') ?? urlReaderDefaults.maxTreeFiles,
    timeoutMs: reading?.getOptionalNumber('timeoutMs') ?? urlReaderDefaults.timeoutMs,
    maxRedirects: reading?.getOptionalNumber('maxRedirects') ?? urlReaderDefaults.maxRedirects,
    workingDirectory: config.getOptionalString('backend.workingDirectory'),
    github: withGithubDefaults(list('github')),
    gitlab: withGitlabDefaults(list('gitlab')),
    bitbucketServer: list('bitbucketServer').map((entry) => ({ ...entry, apiBaseUrl: trimSlash(entry.apiBaseUrl) })),
  };
}

function validate(config: Config): void {
  const problems: string[] = [];
  for (const [key, check] of Object.entries(validators)) {
    const value = config.getOptional<JsonValue>(key);
    if (value !== undefined && !check(value)) {
      problems.push(...(check.errors ?? []).map((error) => describe(config, key, error)));
    }
  }
  problems.push(...missingApiBaseUrls(config));
  if (problems.length > 0) {
    throw new TrellisError(
      'TRELLIS_ERR_URL_READER_CONFIG',
      `Invalid URL reading configuration:\n  - ${problems.join('\n  - ')}`,
    );
  }
}

function missingApiBaseUrls(config: Config): string[] {
  const problems: string[] = [];
  for (const [kind, publicHost] of [
    ['github', 'github.com'],
    ['gitlab', 'gitlab.com'],
  ] as const) {
    const entries = config.getOptional<Array<{ host?: string; apiBaseUrl?: string }>>(`integrations.${kind}`) ?? [];
    entries.forEach((entry, index) => {
      if (entry.host !== publicHost && !entry.apiBaseUrl) {
        const key = `integrations.${kind}.${index}.apiBaseUrl`;
        problems.push(`config key '${key}' is required for host '${entry.host}' (in '${contextOf(config, key)}')`);
      }
    });
  }
  return problems;
}

function describe(config: Config, root: string, error: ErrorObject): string {
  const segments = error.instancePath
    .split('/')
    .filter(Boolean)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  const params = error.params as { missingProperty?: string; additionalProperty?: string };
  const extra = params.missingProperty ?? params.additionalProperty;
  const key = [root, ...segments, ...(extra ? [extra] : [])].join('.');
  const detail =
    error.keyword === 'additionalProperties'
      ? 'is not a known setting'
      : error.keyword === 'required'
        ? 'is required'
        : segments.at(-1) === 'token' || segments.at(-1) === 'password'
          ? 'must be a non-empty string'
          : (error.message ?? 'is invalid');
  return `config key '${key}' ${detail} (in '${contextOf(config, key)}')`;
}

function contextOf(config: Config, key: string): string {
  const reader = config as Config & { contextOf?(key: string): string | undefined };
  if (typeof reader.contextOf !== 'function') {
    return 'unknown file';
  }
  const parts = key.split('.');
  while (parts.length > 0) {
    const context = reader.contextOf(parts.join('.'));
    if (context) {
      return context;
    }
    parts.pop();
  }
  return 'unknown file';
}

function withGithubDefaults(entries: IntegrationConfig[]): IntegrationConfig[] {
  const all = entries.some((e) => e.host === 'github.com')
    ? entries
    : [...entries, { host: 'github.com' } as IntegrationConfig];
  return all.map((entry) =>
    entry.host === 'github.com'
      ? {
          ...entry,
          apiBaseUrl: trimSlash(entry.apiBaseUrl ?? 'https://api.github.com'),
          rawBaseUrl: trimSlash(entry.rawBaseUrl ?? 'https://raw.githubusercontent.com'),
        }
      : {
          ...entry,
          apiBaseUrl: trimSlash(entry.apiBaseUrl),
          rawBaseUrl: entry.rawBaseUrl && trimSlash(entry.rawBaseUrl),
        },
  );
}

function withGitlabDefaults(entries: IntegrationConfig[]): IntegrationConfig[] {
  const all = entries.some((e) => e.host === 'gitlab.com')
    ? entries
    : [...entries, { host: 'gitlab.com' } as IntegrationConfig];
  return all.map((entry) => ({
    ...entry,
    apiBaseUrl: trimSlash(entry.apiBaseUrl ?? `https://${entry.host}/api/v4`),
  }));
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}
