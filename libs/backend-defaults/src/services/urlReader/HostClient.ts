import { UrlReaderServiceReadUrlOptions } from '@trellis/backend-plugin-api';
import { InputError } from '@trellis/errors';
import { fetchLimited, LimitedResponse } from './fetchLimited';
import { displayUrl, isHttp } from './hostRules';
import { IntegrationConfig, UrlReaderSettings } from './readUrlReaderConfig';

/** Options of one request to a source-code host. @public */
export interface HostRequestOptions {
  headers?: Record<string, string>;
  /** A token for this call instead of the configured one. */
  token?: string;
  signal?: AbortSignal;
}

/**
 * Sends requests to one configured source-code host with its token, the reading limits, and
 * redirects followed only to the host's own origins (its web, API and raw hosts, and any extra
 * hosts the reader names, such as GitHub's `codeload.` host).
 *
 * @public
 */
export class HostClient {
  readonly integration: IntegrationConfig;
  readonly #settings: UrlReaderSettings;
  readonly #hosts: Set<string>;
  readonly #authHeader: (token: string) => Record<string, string>;

  private constructor(
    integration: IntegrationConfig,
    settings: UrlReaderSettings,
    extraHosts: string[],
    authHeader: (token: string) => Record<string, string>,
  ) {
    this.integration = integration;
    this.#settings = settings;
    this.#authHeader = authHeader;
    const hosts = [integration.host, integration.apiBaseUrl, integration.rawBaseUrl, ...extraHosts]
      .filter((value): value is string => Boolean(value))
      .map((value) => (value.includes('://') ? new URL(value).host : value).toLowerCase());
    this.#hosts = new Set(hosts);
  }

  static create(options: {
    integration: IntegrationConfig;
    settings: UrlReaderSettings;
    extraHosts?: string[];
    authHeader?: (token: string) => Record<string, string>;
  }): HostClient {
    return new HostClient(
      options.integration,
      options.settings,
      options.extraHosts ?? [],
      options.authHeader ?? ((token) => ({ Authorization: `Bearer ${token}` })),
    );
  }

  /** Whether the URL is on the integration's web host. */
  handles(url: URL): boolean {
    return (
      isHttp(url) && !url.username && !url.password && url.host.toLowerCase() === this.integration.host.toLowerCase()
    );
  }

  /** A GET within the limits; status codes become errors as {@link fetchLimited} describes. */
  get(url: string, options: HostRequestOptions = {}): Promise<LimitedResponse> {
    const token = options.token ?? this.integration.token;
    const { username, password } = this.integration;
    const basic =
      username && password
        ? { Authorization: `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}` }
        : undefined;
    return fetchLimited(url, {
      headers: options.headers,
      credentials: token ? this.#authHeader(token) : basic,
      signal: options.signal,
      timeoutMs: this.#settings.timeoutMs,
      maxBytes: this.#settings.maxResponseBytes,
      maxRedirects: this.#settings.maxRedirects,
      allowRedirect: (target) => isHttp(target) && this.#hosts.has(target.host.toLowerCase()),
    });
  }

  /** A GET whose body is JSON. */
  async json<T>(url: string, options: HostRequestOptions = {}): Promise<T> {
    const response = await this.get(url, { ...options, headers: { Accept: 'application/json', ...options.headers } });
    const text = (await response.buffer()).toString('utf8');
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new Error(`'${displayUrl(url)}' did not answer with JSON`);
    }
  }
}

/** The per-call options of a read that the host client takes. @public */
export function hostOptions(options?: UrlReaderServiceReadUrlOptions): HostRequestOptions {
  return { token: options?.token, signal: options?.signal };
}

/** Splits a URL path into decoded segments; an undecodable segment is an `InputError`. @public */
export function pathSegments(url: URL): string[] {
  return url.pathname
    .split('/')
    .filter(Boolean)
    .map((segment) => {
      try {
        return decodeURIComponent(segment);
      } catch {
        throw new InputError(`'${displayUrl(url)}' has an invalid percent-encoding`);
      }
    });
}

/** Encodes each segment of a repository path for use in an API URL. @public */
export function encodePath(path: string): string {
  return path
    .split('/')
    .filter(Boolean)
    .map((segment) => encodeURIComponent(segment))
    .join('/');
}
