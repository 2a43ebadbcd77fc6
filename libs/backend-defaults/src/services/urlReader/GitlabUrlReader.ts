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

/** A GitLab web URL taken apart. */
interface GitlabLocation {
  origin: string;
  /** `group/subgroup/project` */
  project: string;
  kind: 'blob' | 'tree';
  /** Undefined for the project root URL, which means the default branch. */
  ref?: string;
  path: string;
}

/**
 * Reads GitLab: files through the repository files API (raw, ETag), trees through the archive
 * API at the commit the ref points to (that SHA is the ETag), search with a glob over the tree.
 *
 * @public
 */
export class GitlabUrlReader implements UrlReaderService {
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
  }): GitlabUrlReader {
    const client = HostClient.create({
      integration: options.integration,
      settings: options.settings,
      authHeader: (token) => ({ 'PRIVATE-TOKEN': token }),
    });
    return new GitlabUrlReader(client, options.treeResponseFactory);
  }

  handles(url: URL): boolean {
    return this.#client.handles(url);
  }

  async readUrl(url: string, options?: UrlReaderServiceReadUrlOptions): Promise<UrlReaderServiceReadUrlResponse> {
    const location = this.#parse(url);
    if (location.kind !== 'blob' || !location.ref || !location.path) {
      throw new InputError(`'${displayUrl(url)}' is not a GitLab file URL (…/<project>/-/blob/<ref>/<path>)`);
    }
    const fileUrl = `${this.#projectApi(location)}/repository/files/${encodeURIComponent(location.path)}/raw?ref=${encodeURIComponent(location.ref)}`;
    const response = await this.#client.get(fileUrl, { ...hostOptions(options), headers: conditionalHeaders(options) });
    return toReadUrlResponse(response, url, options);
  }

  async readTree(url: string, options?: UrlReaderServiceReadTreeOptions): Promise<UrlReaderServiceReadTreeResponse> {
    const location = this.#parse(url);
    const sha = await this.#commitSha(location, options);
    if (options?.etag && options.etag === sha) {
      throw new NotModifiedError(`'${displayUrl(url)}' is still at commit ${sha}`);
    }
    const query = new URLSearchParams({ sha, ...(location.path ? { path: location.path } : {}) });
    const archive = await this.#client.get(
      `${this.#projectApi(location)}/repository/archive.tar.gz?${query}`,
      hostOptions(options),
    );
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
      readTree: (base, filter) =>
        this.readTree(this.#format({ ...location, kind: 'tree', path: base }), { ...options, filter }),
      fileUrl: (path) => this.#format({ ...location, kind: 'blob', path }),
    });
  }

  async #commitSha(location: GitlabLocation, options?: UrlReaderServiceReadTreeOptions): Promise<string> {
    const ref = location.ref ?? (await this.#defaultBranch(location, options));
    const commit = await this.#client.json<{ id?: string }>(
      `${this.#projectApi(location)}/repository/commits/${encodeURIComponent(ref)}`,
      hostOptions(options),
    );
    if (!commit.id || !/^[0-9a-f]{40,64}$/i.test(commit.id)) {
      throw new Error(`GitLab did not return a commit for ref '${ref}' of ${location.project}`);
    }
    return commit.id;
  }

  async #defaultBranch(location: GitlabLocation, options?: UrlReaderServiceReadTreeOptions): Promise<string> {
    const project = await this.#client.json<{ default_branch?: string }>(
      this.#projectApi(location),
      hostOptions(options),
    );
    if (!project.default_branch) {
      throw new Error(`GitLab did not name the default branch of ${location.project}`);
    }
    return project.default_branch;
  }

  #projectApi(location: GitlabLocation): string {
    return `${this.#client.integration.apiBaseUrl}/projects/${encodeURIComponent(location.project)}`;
  }

  #parse(url: string): GitlabLocation {
    const parsed = new URL(url);
    const segments = pathSegments(parsed);
    const marker = segments.indexOf('-');
    const projectSegments = marker === -1 ? segments : segments.slice(0, marker);
    const project = projectSegments.join('/').replace(/\.git$/, '');
    const [kind, ref, ...rest] = marker === -1 ? [] : segments.slice(marker + 1);
    if (projectSegments.length < 2 || (marker !== -1 && !ref)) {
      throw new InputError(
        `'${displayUrl(url)}' is not a GitLab project URL (…/<group>/<project>, …/-/tree/<ref>/<path> or …/-/blob/<ref>/<path>)`,
      );
    }
    if (kind !== undefined && kind !== 'blob' && kind !== 'tree') {
      throw new InputError(`'${displayUrl(url)}' is not a GitLab blob or tree URL`);
    }
    return { origin: parsed.origin, project, kind: kind === 'blob' ? 'blob' : 'tree', ref, path: rest.join('/') };
  }

  #format(location: GitlabLocation): string {
    const ref = encodeURIComponent(location.ref ?? 'HEAD');
    const path = location.path ? `/${encodePath(location.path)}` : '';
    return `${location.origin}/${encodePath(location.project)}/-/${location.kind}/${ref}${path}`;
  }
}
