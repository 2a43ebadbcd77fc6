import { ReadTreeResponseFactory, UrlReaderServiceReadTreeOptions } from '@trellis/backend-plugin-api';
import { InputError } from '@trellis/errors';
import { GitHostFileRequest, GitHostUrlReader } from './GitHostUrlReader';
import { encodePath, HostClient, hostOptions, pathSegments } from './HostClient';
import { displayUrl } from './hostRules';
import { IntegrationConfig, UrlReaderSettings } from './readUrlReaderConfig';

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
export class BitbucketServerUrlReader extends GitHostUrlReader<BitbucketServerLocation> {
  static create(options: {
    integration: IntegrationConfig;
    settings: UrlReaderSettings;
    treeResponseFactory: ReadTreeResponseFactory;
  }): BitbucketServerUrlReader {
    const client = HostClient.create({ integration: options.integration, settings: options.settings });
    return new BitbucketServerUrlReader(client, options.treeResponseFactory);
  }

  protected fileRequest(location: BitbucketServerLocation, url: string): GitHostFileRequest {
    if (!location.path) {
      throw new InputError(`'${displayUrl(url)}' is not a Bitbucket Server file URL (…/browse/<path>?at=<ref>)`);
    }
    const query = location.ref ? `?${new URLSearchParams({ at: location.ref })}` : '';
    return { url: `${this.#repoApi(location)}/raw/${encodePath(location.path)}${query}` };
  }

  protected async commitSha(
    location: BitbucketServerLocation,
    options?: UrlReaderServiceReadTreeOptions,
  ): Promise<string> {
    const query = new URLSearchParams({ limit: '1', ...(location.ref ? { until: location.ref } : {}) });
    const page = await this.client.json<{ values?: Array<{ id?: string }> }>(
      `${this.#repoApi(location)}/commits?${query}`,
      hostOptions(options),
    );
    return page.values?.[0]?.id ?? '';
  }

  protected archiveUrl(location: BitbucketServerLocation, sha: string): string {
    const query = new URLSearchParams({
      format: 'tgz',
      at: sha,
      prefix: `${location.project}-${location.repo}`,
      ...(location.path ? { path: location.path } : {}),
    });
    return `${this.#repoApi(location)}/archive?${query}`;
  }

  #repoApi(location: BitbucketServerLocation): string {
    return `${this.client.integration.apiBaseUrl}/projects/${encodeURIComponent(location.project)}/repos/${encodeURIComponent(location.repo)}`;
  }

  protected parse(url: string): BitbucketServerLocation {
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

  protected format(location: BitbucketServerLocation, _kind: 'blob' | 'tree', path: string): string {
    const suffix = path ? `/${encodePath(path)}` : '';
    const query = location.ref ? `?${new URLSearchParams({ at: location.ref })}` : '';
    return `${location.origin}/projects/${encodeURIComponent(location.project)}/repos/${encodeURIComponent(location.repo)}/browse${suffix}${query}`;
  }
}
