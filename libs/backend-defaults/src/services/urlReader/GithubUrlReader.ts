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

/** A GitHub web URL taken apart. */
interface GithubLocation {
  origin: string;
  owner: string;
  repo: string;
  kind: 'blob' | 'tree';
  /** Undefined for the repository root URL, which means the default branch. */
  ref?: string;
  path: string;
}

/**
 * Reads GitHub and GitHub Enterprise: files through the contents API (raw media type, ETag),
 * trees through the tarball API at the commit the ref points to (that SHA is the ETag), search
 * with a glob over the tree.
 *
 * @public
 */
export class GithubUrlReader implements UrlReaderService {
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
  }): GithubUrlReader {
    const client = HostClient.create({
      integration: options.integration,
      settings: options.settings,
      // github.com answers tarball requests with a redirect to codeload.github.com.
      extraHosts: [`codeload.${options.integration.host}`],
    });
    return new GithubUrlReader(client, options.treeResponseFactory);
  }

  handles(url: URL): boolean {
    return this.#client.handles(url);
  }

  async readUrl(url: string, options?: UrlReaderServiceReadUrlOptions): Promise<UrlReaderServiceReadUrlResponse> {
    const location = this.#parse(url);
    if (location.kind !== 'blob' || !location.ref || !location.path) {
      throw new InputError(`'${displayUrl(url)}' is not a GitHub file URL (…/<owner>/<repo>/blob/<ref>/<path>)`);
    }
    const response = await this.#client.get(this.#contentsUrl(location), {
      ...hostOptions(options),
      headers: { Accept: 'application/vnd.github.raw', ...conditionalHeaders(options) },
    });
    return toReadUrlResponse(response, url, options);
  }

  async readTree(url: string, options?: UrlReaderServiceReadTreeOptions): Promise<UrlReaderServiceReadTreeResponse> {
    const location = this.#parse(url);
    const sha = await this.#commitSha(location, options);
    if (options?.etag && options.etag === sha) {
      throw new NotModifiedError(`'${displayUrl(url)}' is still at commit ${sha}`);
    }
    const archive = await this.#client.get(`${this.#repoApi(location)}/tarball/${encodeURIComponent(sha)}`, {
      ...hostOptions(options),
    });
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

  async #commitSha(location: GithubLocation, options?: UrlReaderServiceReadTreeOptions): Promise<string> {
    const ref = location.ref ?? (await this.#defaultBranch(location, options));
    const response = await this.#client.get(`${this.#repoApi(location)}/commits/${encodeURIComponent(ref)}`, {
      ...hostOptions(options),
      headers: { Accept: 'application/vnd.github.sha' },
    });
    const sha = (await response.buffer()).toString('utf8').trim();
    if (!/^[0-9a-f]{40,64}$/i.test(sha)) {
      throw new Error(`GitHub did not return a commit SHA for ref '${ref}' of ${location.owner}/${location.repo}`);
    }
    return sha;
  }

  async #defaultBranch(location: GithubLocation, options?: UrlReaderServiceReadTreeOptions): Promise<string> {
    const repo = await this.#client.json<{ default_branch?: string }>(this.#repoApi(location), hostOptions(options));
    if (!repo.default_branch) {
      throw new Error(`GitHub did not name the default branch of ${location.owner}/${location.repo}`);
    }
    return repo.default_branch;
  }

  #repoApi(location: GithubLocation): string {
    return `${this.#client.integration.apiBaseUrl}/repos/${encodeURIComponent(location.owner)}/${encodeURIComponent(location.repo)}`;
  }

  #contentsUrl(location: GithubLocation): string {
    return `${this.#repoApi(location)}/contents/${encodePath(location.path)}?ref=${encodeURIComponent(location.ref!)}`;
  }

  #parse(url: string): GithubLocation {
    const parsed = new URL(url);
    const [owner, repoName, kind, ref, ...rest] = pathSegments(parsed);
    const repo = repoName?.replace(/\.git$/, '');
    if (!owner || !repo || (kind !== undefined && kind !== 'blob' && kind !== 'tree') || (kind && !ref)) {
      throw new InputError(
        `'${displayUrl(url)}' is not a GitHub repository URL (…/<owner>/<repo>, …/tree/<ref>/<path> or …/blob/<ref>/<path>)`,
      );
    }
    return { origin: parsed.origin, owner, repo, kind: kind === 'blob' ? 'blob' : 'tree', ref, path: rest.join('/') };
  }

  #format(location: GithubLocation): string {
    const ref = location.ref ?? 'HEAD';
    const path = location.path ? `/${encodePath(location.path)}` : '';
    return `${location.origin}/${encodeURIComponent(location.owner)}/${encodeURIComponent(location.repo)}/${location.kind}/${encodeURIComponent(ref)}${path}`;
  }
}
