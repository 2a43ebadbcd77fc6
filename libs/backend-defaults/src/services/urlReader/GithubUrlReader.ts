import { ReadTreeResponseFactory, UrlReaderServiceReadTreeOptions } from '@trellis/backend-plugin-api';
import { InputError } from '@trellis/errors';
import { GitHostFileRequest, GitHostUrlReader } from './GitHostUrlReader';
import { encodePath, HostClient, hostOptions, pathSegments } from './HostClient';
import { displayUrl } from './hostRules';
import { IntegrationConfig, UrlReaderSettings } from './readUrlReaderConfig';

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
export class GithubUrlReader extends GitHostUrlReader<GithubLocation> {
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

  protected fileRequest(location: GithubLocation, url: string): GitHostFileRequest {
    if (location.kind !== 'blob' || !location.ref || !location.path) {
      throw new InputError(`'${displayUrl(url)}' is not a GitHub file URL (…/<owner>/<repo>/blob/<ref>/<path>)`);
    }
    return {
      url: `${this.#repoApi(location)}/contents/${encodePath(location.path)}?ref=${encodeURIComponent(location.ref)}`,
      headers: { Accept: 'application/vnd.github.raw' },
    };
  }

  protected async commitSha(location: GithubLocation, options?: UrlReaderServiceReadTreeOptions): Promise<string> {
    const ref = location.ref ?? (await this.#defaultBranch(location, options));
    const response = await this.client.get(`${this.#repoApi(location)}/commits/${encodeURIComponent(ref)}`, {
      ...hostOptions(options),
      headers: { Accept: 'application/vnd.github.sha' },
    });
    return (await response.buffer()).toString('utf8').trim();
  }

  protected archiveUrl(location: GithubLocation, sha: string): string {
    return `${this.#repoApi(location)}/tarball/${encodeURIComponent(sha)}`;
  }

  async #defaultBranch(location: GithubLocation, options?: UrlReaderServiceReadTreeOptions): Promise<string> {
    const repo = await this.client.json<{ default_branch?: string }>(this.#repoApi(location), hostOptions(options));
    if (!repo.default_branch) {
      throw new Error(`GitHub did not name the default branch of ${location.owner}/${location.repo}`);
    }
    return repo.default_branch;
  }

  #repoApi(location: GithubLocation): string {
    return `${this.client.integration.apiBaseUrl}/repos/${encodeURIComponent(location.owner)}/${encodeURIComponent(location.repo)}`;
  }

  protected parse(url: string): GithubLocation {
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

  protected format(location: GithubLocation, kind: 'blob' | 'tree', path: string): string {
    const ref = location.ref ?? 'HEAD';
    const suffix = path ? `/${encodePath(path)}` : '';
    return `${location.origin}/${encodeURIComponent(location.owner)}/${encodeURIComponent(location.repo)}/${kind}/${encodeURIComponent(ref)}${suffix}`;
  }
}
