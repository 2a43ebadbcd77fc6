import { ReadTreeResponseFactory, UrlReaderServiceReadTreeOptions } from '@trellis/backend-plugin-api';
import { InputError } from '@trellis/errors';
import { GitHostFileRequest, GitHostUrlReader } from './GitHostUrlReader';
import { encodePath, HostClient, hostOptions, pathSegments } from './HostClient';
import { displayUrl } from './hostRules';
import { IntegrationConfig, UrlReaderSettings } from './readUrlReaderConfig';

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
export class GitlabUrlReader extends GitHostUrlReader<GitlabLocation> {
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

  protected fileRequest(location: GitlabLocation, url: string): GitHostFileRequest {
    if (location.kind !== 'blob' || !location.ref || !location.path) {
      throw new InputError(`'${displayUrl(url)}' is not a GitLab file URL (…/<project>/-/blob/<ref>/<path>)`);
    }
    return {
      url: `${this.#projectApi(location)}/repository/files/${encodeURIComponent(location.path)}/raw?ref=${encodeURIComponent(location.ref)}`,
    };
  }

  protected async commitSha(location: GitlabLocation, options?: UrlReaderServiceReadTreeOptions): Promise<string> {
    const ref = location.ref ?? (await this.#defaultBranch(location, options));
    const commit = await this.client.json<{ id?: string }>(
      `${this.#projectApi(location)}/repository/commits/${encodeURIComponent(ref)}`,
      hostOptions(options),
    );
    return commit.id ?? '';
  }

  protected archiveUrl(location: GitlabLocation, sha: string): string {
    const query = new URLSearchParams({ sha, ...(location.path ? { path: location.path } : {}) });
    return `${this.#projectApi(location)}/repository/archive.tar.gz?${query}`;
  }

  async #defaultBranch(location: GitlabLocation, options?: UrlReaderServiceReadTreeOptions): Promise<string> {
    const project = await this.client.json<{ default_branch?: string }>(
      this.#projectApi(location),
      hostOptions(options),
    );
    if (!project.default_branch) {
      throw new Error(`GitLab did not name the default branch of ${location.project}`);
    }
    return project.default_branch;
  }

  #projectApi(location: GitlabLocation): string {
    return `${this.client.integration.apiBaseUrl}/projects/${encodeURIComponent(location.project)}`;
  }

  protected parse(url: string): GitlabLocation {
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

  protected format(location: GitlabLocation, kind: 'blob' | 'tree', path: string): string {
    const ref = encodeURIComponent(location.ref ?? 'HEAD');
    const suffix = path ? `/${encodePath(path)}` : '';
    return `${location.origin}/${encodePath(location.project)}/-/${kind}/${ref}${suffix}`;
  }
}
