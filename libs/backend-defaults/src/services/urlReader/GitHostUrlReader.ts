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
import { NotModifiedError } from '@trellis/errors';
import { searchGitTree } from './gitSearch';
import { HostClient, hostOptions } from './HostClient';
import { displayUrl } from './hostRules';
import { conditionalHeaders, toReadUrlResponse } from './readUrlResponse';

/** A web URL of a Git host taken apart; `path` is the file or folder inside the repository. */
export interface GitHostLocation {
  path: string;
}

/** A request for one file's content, as the host's API serves it. */
export interface GitHostFileRequest {
  url: string;
  headers?: Record<string, string>;
}

const COMMIT_SHA = /^[0-9a-f]{40,64}$/i;

/**
 * What the readers of Git hosts share: a file is one API request with the caller's ETag; a tree
 * is the archive at the commit the ref points to, whose SHA is the tree's ETag (an unchanged SHA
 * is a `NotModifiedError` before anything is downloaded); search is a glob over the tree. Each
 * host says how its URLs are taken apart and where its API serves files, commits and archives.
 */
export abstract class GitHostUrlReader<TLocation extends GitHostLocation> implements UrlReaderService {
  protected readonly client: HostClient;
  readonly #trees: ReadTreeResponseFactory;

  protected constructor(client: HostClient, trees: ReadTreeResponseFactory) {
    this.client = client;
    this.#trees = trees;
  }

  handles(url: URL): boolean {
    return this.client.handles(url);
  }

  async readUrl(url: string, options?: UrlReaderServiceReadUrlOptions): Promise<UrlReaderServiceReadUrlResponse> {
    const request = this.fileRequest(this.parse(url), url);
    const response = await this.client.get(request.url, {
      ...hostOptions(options),
      headers: { ...request.headers, ...conditionalHeaders(options) },
    });
    return toReadUrlResponse(response, url, options);
  }

  async readTree(url: string, options?: UrlReaderServiceReadTreeOptions): Promise<UrlReaderServiceReadTreeResponse> {
    const location = this.parse(url);
    const sha = await this.commitSha(location, options);
    if (!COMMIT_SHA.test(sha)) {
      throw new Error(`The host did not return a commit SHA for '${displayUrl(url)}'`);
    }
    if (options?.etag && options.etag === sha) {
      throw new NotModifiedError(`'${displayUrl(url)}' is still at commit ${sha}`);
    }
    const archive = await this.client.get(this.archiveUrl(location, sha), hostOptions(options));
    return this.#trees.fromTarArchive({
      stream: archive.stream(),
      subpath: location.path,
      etag: sha,
      filter: options?.filter,
      url,
    });
  }

  async search(url: string, options?: UrlReaderServiceSearchOptions): Promise<UrlReaderServiceSearchResponse> {
    const location = this.parse(url);
    return searchGitTree({
      url,
      path: location.path,
      search: options,
      readFile: () => this.readUrl(url, options),
      readTree: (base, filter) => this.readTree(this.format(location, 'tree', base), { ...options, filter }),
      fileUrl: (path) => this.format(location, 'blob', path),
    });
  }

  /** Takes a web URL apart; a URL that is not one of this host's is an `InputError`. */
  protected abstract parse(url: string): TLocation;

  /** The API request for a file's content; a URL that names no file is an `InputError`. */
  protected abstract fileRequest(location: TLocation, url: string): GitHostFileRequest;

  /** The SHA of the commit the location's ref (or the default branch) points to. */
  protected abstract commitSha(location: TLocation, options?: UrlReaderServiceReadTreeOptions): Promise<string>;

  /** The API URL of the gzipped tar archive of the location's folder at a commit. */
  protected abstract archiveUrl(location: TLocation, sha: string): string;

  /** The web URL of a file (`blob`) or folder (`tree`) at `path` in the location's repository and ref. */
  protected abstract format(location: TLocation, kind: 'blob' | 'tree', path: string): string;
}
