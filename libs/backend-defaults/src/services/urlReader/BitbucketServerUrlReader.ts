import {
  ReadTreeResponseFactory,
  UrlReaderService,
  UrlReaderServiceReadTreeOptions,
  UrlReaderServiceReadTreeResponse,
  UrlReaderServiceReadUrlOptions,
  UrlReaderServiceReadUrlResponse,
  UrlReaderServiceSearchOptions,
  UrlReaderServiceSearchResponse,
} from '@trellis/backend-plugin-api';
import { InputError, NotModifiedError } from '@trellis/errors';
import { searchGitTree } from './gitSearch';
import { encodePath, HostClient, hostOptions, pathSegments } from './HostClient';
import { displayUrl } from './hostRules';
import { IntegrationConfig, UrlReaderSettings } from './readUrlReaderConfig';
import { conditionalHeaders, toReadUrlResponse } from './readUrlResponse';

/** A Bitbucket Server browse URL taken apart. */
interface BitbucketServerLocation {
  origin: string;
  project: string;
  repo: string;
  /** From `?at=`; undefined means the default branch. */
  ref?: string;
  path: string;
}

/**
 * Reads Bitbucket Server (Data Center): files through the raw API, trees through the archive
 * API at the latest commit of the ref (that SHA is the ETag), search with a glob over the tree.
 * URLs look like `https://<host>/projects/<KEY>/repos/<repo>/browse/<path>?at=<ref>`.
 *
 * @public
 */
export class BitbucketServerUrlReader implements UrlReaderService {
  readonly #client: HostClient;
  readonly #trees: ReadTreeResponseFactory;

  private constructor(client: HostClient, trees: ReadTreeResponseFactory) {
    this.#client = client;
    this.#trees = trees;
  }

  static create(options: {
    integration: IntegrationConfig;
    settings: UrlReaderSettings;
    treeResponseFactory: ReadTreeResponseFactory;
  }): BitbucketServerUrlReader {
    const client = HostClient.create({ integration: options.integration, settings: options.settings });
    return new BitbucketServerUrlReader(client, options.treeResponseFactory);
  }

  handles(url: URL): boolean {
    return this.#client.handles(url);
  }

  async readUrl(url: string, options?: UrlReaderServiceReadUrlOptions): Promise<UrlReaderServiceReadUrlResponse> {
    const location = this.#parse(url);
    if (!location.path) {
      throw new InputError(`'${displayUrl(url)}' is not a Bitbucket Server file URL (…/browse/<path>?at=<ref>)`);
    }
    const query = location.ref ? `?${new URLSearchParams({ at: location.ref })}` : '';
    const response = await this.#client.get(`${this.#repoApi(location)}/raw/${encodePath(location.path)}${query}`, {
      ...hostOptions(options),
      headers: conditionalHeaders(options),
    });
    return toReadUrlResponse(response, url, options);
  }

  async readTree(url: string, options?: UrlReaderServiceReadTreeOptions): Promise<UrlReaderServiceReadTreeResponse> {
    const location = this.#parse(url);
    const sha = await this.#commitSha(location, options);
    if (options?.etag && options.etag === sha) {
      throw new NotModifiedError(`'${displayUrl(url)}' is still at commit ${sha}`);
    }
    const query = new URLSearchParams({
      format: 'tgz',
      at: sha,
      prefix: `${location.project}-${location.repo}`,
      ...(location.path ? { path: location.path } : {}),
    });
    const archive = await this.#client.get(`${this.#repoApi(location)}/archive?${query}`, hostOptions(options));
    return this.#trees.fromTarArchive({
      stream: archive.stream(),
      subpath: location.path,
      etag: sha,
      filter: options?.filter,
      url,
    });
  }

  async search(url: string, options?: UrlReaderServiceSearchOptions): Promise<UrlReaderServiceSearchResponse> {
    const location = this.#parse(url);
    return searchGitTree({
      url,
      path: location.path,
      search: options,
      readFile: () => this.readUrl(url, options),
      readTree: (base, filter) => this.readTree(this.#format({ ...location, path: base }), { ...options, filter }),
      fileUrl: (path) => this.#format({ ...location, path }),
    });
  }

  async #commitSha(location: BitbucketServerLocation, options?: UrlReaderServiceReadTreeOptions): Promise<string> {
    const query = new URLSearchParams({ limit: '1', ...(location.ref ? { until: location.ref } : {}) });
    const page = await this.#client.json<{ values?: Array<{ id?: string }> }>(
      `${this.#repoApi(location)}/commits?${query}`,
      hostOptions(options),
    );
    const id = page.values?.[0]?.id;
    if (!id || !/^[0-9a-f]{40,64}$/i.test(id)) {
      throw new Error(`Bitbucket Server did not return a commit for ${location.project}/${location.repo}`);
    }
    return id;
  }

  #repoApi(location: BitbucketServerLocation): string {
    return `${this.#client.integration.apiBaseUrl}/projects/${encodeURIComponent(location.project)}/repos/${encodeURIComponent(location.repo)}`;
  }

  #parse(url: string): BitbucketServerLocation {
    const parsed = new URL(url);
    const [projects, project, repos, repo, browse, ...rest] = pathSegments(parsed);
    if (projects !== 'projects' || !project || repos !== 'repos' || !repo || (browse && browse !== 'browse')) {
      throw new InputError(
        `'${displayUrl(url)}' is not a Bitbucket Server repository URL (…/projects/<KEY>/repos/<repo>/browse/<path>?at=<ref>)`,
      );
    }
    const at = parsed.searchParams.get('at') ?? undefined;
    return { origin: parsed.origin, project, repo, ref: at, path: rest.join('/') };
  }

  #format(location: BitbucketServerLocation): string {
    const path = location.path ? `/${encodePath(location.path)}` : '';
    const query = location.ref ? `?${new URLSearchParams({ at: location.ref })}` : '';
    return `${location.origin}/projects/${encodeURIComponent(location.project)}/repos/${encodeURIComponent(location.repo)}/browse${path}${query}`;
  }
}
