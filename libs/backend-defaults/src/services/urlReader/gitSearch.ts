import {
  UrlReaderServiceReadTreeResponse,
  UrlReaderServiceReadUrlResponse,
  UrlReaderServiceSearchOptions,
  UrlReaderServiceSearchResponse,
} from '@trellis/backend-plugin-api';
import { NotFoundError } from '@trellis/errors';

const GLOB_CHARS = /[*?[\]{}!()]/;

/** A repository path split at its first segment with glob characters. @public */
export function splitGlob(path: string): { base: string; pattern?: string } {
  const segments = path.split('/').filter(Boolean);
  const index = segments.findIndex((segment) => GLOB_CHARS.test(segment));
  if (index === -1) {
    return { base: segments.join('/') };
  }
  return { base: segments.slice(0, index).join('/'), pattern: segments.slice(index).join('/') };
}

/**
 * Answers `search` for a Git host: without a glob the one file (or none), with one the files of
 * the tree under the glob's fixed prefix whose relative paths match it (picomatch, dot files
 * included).
 *
 * @public
 */
export async function searchGitTree(options: {
  path: string;
  search: UrlReaderServiceSearchOptions | undefined;
  readFile(): Promise<UrlReaderServiceReadUrlResponse>;
  readTree(base: string, filter: (path: string) => boolean): Promise<UrlReaderServiceReadTreeResponse>;
  fileUrl(path: string): string;
  url: string;
}): Promise<UrlReaderServiceSearchResponse> {
  const { base, pattern } = splitGlob(options.path);
  if (!pattern) {
    return searchOne(options);
  }
  const { default: picomatch } = await import('picomatch');
  const isMatch = picomatch(pattern, { dot: true });
  const tree = await options.readTree(base, (path) => isMatch(path));
  const files = await tree.files();
  return {
    etag: tree.etag,
    files: files.map((file) => ({
      url: options.fileUrl(base ? `${base}/${file.path}` : file.path),
      content: file.content,
      lastModifiedAt: file.lastModifiedAt,
    })),
  };
}

async function searchOne(options: {
  readFile(): Promise<UrlReaderServiceReadUrlResponse>;
  url: string;
}): Promise<UrlReaderServiceSearchResponse> {
  try {
    const response = await options.readFile();
    return {
      etag: response.etag ?? '',
      files: [{ url: options.url, content: response.buffer, lastModifiedAt: response.lastModifiedAt }],
    };
  } catch (error) {
    if (error instanceof NotFoundError) {
      return { files: [], etag: '' };
    }
    throw error;
  }
}
