import { InputError, NotAllowedError, NotFoundError, NotModifiedError } from '@trellis/errors';
import fs from 'node:fs/promises';
import path from 'node:path';
import { Parser, ReadEntry } from 'tar';
import { buildTarball, TarEntry } from './testing/buildTarball';
import { HostServer, startHostServer } from './testing/hostServer';
import { ReaderBackend, startReaderBackend } from './testing/readerBackend';

const TOKEN = 'ghp-test-token-0123456789';
const MAIN_SHA = 'a'.repeat(40);
const RELEASE_SHA = 'b'.repeat(40);

const serviceTree: TarEntry[] = [
  { path: 'acme-service-aaaaaaa/', type: 'dir' },
  { path: 'acme-service-aaaaaaa/README.md', content: '# service' },
  { path: 'acme-service-aaaaaaa/catalog-info.yaml', content: 'kind: Component' },
  { path: 'acme-service-aaaaaaa/docs/index.md', content: 'docs home' },
  { path: 'acme-service-aaaaaaa/docs/guide/intro.md', content: 'intro' },
  { path: 'acme-service-aaaaaaa/docs/guide/link.md', type: 'symlink', target: 'intro.md' },
  { path: 'acme-service-aaaaaaa/packages/api/catalog-info.yaml', content: 'kind: API' },
];

const hostileTrees: Record<string, TarEntry[]> = {
  traversal: [{ path: 'acme-traversal-1/../../escaped.txt', content: 'gotcha' }],
  absolute: [{ path: '/etc/cron.d/evil', content: 'gotcha' }],
  symlink: [
    { path: 'acme-symlink-1/docs/ok.md', content: 'fine' },
    { path: 'acme-symlink-1/docs/passwd', type: 'symlink', target: '../../../etc/passwd' },
  ],
  hardlink: [{ path: 'acme-hardlink-1/shadow', type: 'hardlink', target: '/etc/shadow' }],
};

describe('GitHub reading', () => {
  let api: HostServer;
  let codeload: HostServer;
  let backend: ReaderBackend;
  let failNext = false;

  beforeAll(async () => {
    codeload = await startHostServer((_req, res, url) => {
      const [, owner, repo, , sha] = url.pathname.split('/');
      const tree = repo === 'service' ? serviceTree : hostileTrees[repo];
      if (owner !== 'acme' || !tree || !/^[ab]{40}$/.test(sha)) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/x-gzip' }).end(buildTarball(tree));
    });
    api = await startHostServer((req, res, url) => {
      if (req.headers.authorization !== `Bearer ${TOKEN}`) {
        res.writeHead(404).end('{"message":"Not Found"}');
        return;
      }
      if (failNext) {
        failNext = false;
        res.writeHead(500).end('{"message":"boom"}');
        return;
      }
      const match = /^\/api\/v3\/repos\/acme\/([a-z]+)(\/.*)?$/.exec(url.pathname);
      const rest = match?.[2] ?? '';
      if (!match) {
        res.writeHead(404).end();
      } else if (rest === '') {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ default_branch: 'main' }));
      } else if (rest.startsWith('/commits/')) {
        const ref = decodeURIComponent(rest.slice('/commits/'.length));
        const sha = { main: MAIN_SHA, 'v1.0': RELEASE_SHA }[ref];
        if (!sha || req.headers.accept !== 'application/vnd.github.sha') {
          res.writeHead(sha ? 415 : 404).end();
          return;
        }
        res.end(sha);
      } else if (rest.startsWith('/tarball/')) {
        res.writeHead(302, { location: `${codeload.origin}/acme/${match[1]}/legacy.tar.gz/${rest.slice(9)}` }).end();
      } else if (rest === '/contents/catalog-info.yaml' && url.searchParams.get('ref') === 'main') {
        if (req.headers.accept !== 'application/vnd.github.raw') {
          res.writeHead(200).end('{"content":"base64 JSON instead of raw"}');
        } else if (req.headers['if-none-match'] === '"blob-1"') {
          res.writeHead(304).end();
        } else {
          res.writeHead(200, { etag: '"blob-1"' }).end('kind: Component');
        }
      } else {
        res.writeHead(404).end();
      }
    });
    backend = await startReaderBackend({
      config: {
        integrations: {
          github: [{ host: api.host, apiBaseUrl: `${api.origin}/api/v3`, rawBaseUrl: codeload.origin, token: TOKEN }],
        },
      },
    });
  });

  afterAll(async () => {
    await backend?.stop();
    await api?.close();
    await codeload?.close();
  });

  const web = (p: string) => `${api.origin}/acme/${p}`;

  it('reads a blob URL through the contents API with the raw media type and the token', async () => {
    const response = await backend.reader.readUrl(web('service/blob/main/catalog-info.yaml'));
    expect((await response.buffer()).toString()).toBe('kind: Component');
    expect(response.etag).toBe('"blob-1"');
    const request = api.requests.at(-1)!;
    expect(request.url).toBe('/api/v3/repos/acme/service/contents/catalog-info.yaml?ref=main');
    expect(request.headers.accept).toBe('application/vnd.github.raw');
  });

  it('throws NotModifiedError for a blob whose ETag still matches', async () => {
    await expect(
      backend.reader.readUrl(web('service/blob/main/catalog-info.yaml'), { etag: '"blob-1"' }),
    ).rejects.toThrow(NotModifiedError);
  });

  it('throws NotFoundError for a missing file and InputError for a tree URL given to readUrl', async () => {
    await expect(backend.reader.readUrl(web('service/blob/main/nope.yaml'))).rejects.toThrow(NotFoundError);
    await expect(backend.reader.readUrl(web('service/tree/main/docs'))).rejects.toThrow(InputError);
  });

  it('reads a folder of a branch as a tree whose etag is the commit SHA', async () => {
    const tree = await backend.reader.readTree(web('service/tree/main/docs'));
    expect(tree.etag).toBe(MAIN_SHA);
    const files = await tree.files();
    expect(files.map((f) => f.path).sort()).toEqual(['guide/intro.md', 'index.md']);
    expect((await files.find((f) => f.path === 'index.md')!.content()).toString()).toBe('docs home');
    expect(files[0].lastModifiedAt).toEqual(new Date('2026-11-01T12:00:00Z'));
  });

  it('reads the default branch for a repository URL and applies the filter', async () => {
    const tree = await backend.reader.readTree(web('service'), { filter: (p) => p.endsWith('.yaml') });
    expect(tree.etag).toBe(MAIN_SHA);
    expect((await tree.files()).map((f) => f.path).sort()).toEqual([
      'catalog-info.yaml',
      'packages/api/catalog-info.yaml',
    ]);
  });

  it('reads a tag', async () => {
    const tree = await backend.reader.readTree(web('service/tree/v1.0'));
    expect(tree.etag).toBe(RELEASE_SHA);
  });

  it('throws NotModifiedError without downloading the archive when the SHA is unchanged', async () => {
    const downloads = codeload.requests.length;
    await expect(backend.reader.readTree(web('service/tree/main'), { etag: MAIN_SHA })).rejects.toThrow(
      NotModifiedError,
    );
    expect(codeload.requests.length).toBe(downloads);
  });

  it('follows the archive redirect without sending the token to the other origin', async () => {
    await backend.reader.readTree(web('service/tree/main'));
    const download = codeload.requests.at(-1)!;
    expect(download.url).toBe(`/acme/service/legacy.tar.gz/${MAIN_SHA}`);
    expect(download.headers.authorization).toBeUndefined();
  });

  it('writes the tree into a new folder with dir()', async () => {
    const tree = await backend.reader.readTree(web('service/tree/main/docs'));
    const dir = await tree.dir();
    try {
      expect(await fs.readFile(path.join(dir, 'guide/intro.md'), 'utf8')).toBe('intro');
      expect(await fs.readdir(path.join(dir, 'guide'))).toEqual(['intro.md']);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('packs the tree as a gzipped tar with archive()', async () => {
    const tree = await backend.reader.readTree(web('service/tree/main/docs'));
    const names: string[] = [];
    const parser = new Parser({ onReadEntry: (entry: ReadEntry) => (names.push(entry.path), entry.resume()) });
    const archive = await tree.archive();
    await new Promise<void>((resolve, reject) => {
      archive.pipe(parser).on('end', resolve).on('error', reject);
      archive.on('error', reject);
    });
    expect(names.sort()).toEqual(['guide/intro.md', 'index.md']);
  });

  it('searches with a glob and returns blob URLs', async () => {
    const result = await backend.reader.search(web('service/blob/main/**/catalog-info.yaml'));
    expect(result.etag).toBe(MAIN_SHA);
    expect(result.files.map((f) => f.url).sort()).toEqual([
      web('service/blob/main/catalog-info.yaml'),
      web('service/blob/main/packages/api/catalog-info.yaml'),
    ]);
    const api = result.files.find((f) => f.url.includes('packages'))!;
    expect((await api.content()).toString()).toBe('kind: API');
  });

  it('searches a single file without a glob, and finds nothing for a missing one', async () => {
    const found = await backend.reader.search(web('service/blob/main/catalog-info.yaml'));
    expect(found.files.map((f) => f.url)).toEqual([web('service/blob/main/catalog-info.yaml')]);
    const missing = await backend.reader.search(web('service/blob/main/missing.yaml'));
    expect(missing).toEqual({ files: [], etag: '' });
  });

  it.each([
    ['a ../ path', 'traversal'],
    ['an absolute path', 'absolute'],
    ['a symbolic link out of the tree', 'symlink'],
    ['a hard link to an absolute path', 'hardlink'],
  ])('refuses an archive with %s', async (_what, repo) => {
    await expect(backend.reader.readTree(web(`${repo}/tree/main`))).rejects.toThrow(
      /outside (its root|the tree).*the archive was refused/,
    );
  });

  it('keeps the token out of error messages and uses a per-call token when given', async () => {
    failNext = true;
    const error = await backend.reader.readUrl(web('service/blob/main/catalog-info.yaml')).catch((e: Error) => e);
    expect(String(error)).toMatch(/ServiceUnavailableError: .*failed with 500/);
    expect(JSON.stringify({ message: (error as Error).message, stack: (error as Error).stack })).not.toContain(TOKEN);
    await expect(
      backend.reader.readUrl(web('service/blob/main/catalog-info.yaml'), { token: 'someone-else' }),
    ).rejects.toThrow(NotFoundError);
    expect(api.requests.at(-1)!.headers.authorization).toBe('Bearer someone-else');
  });

  it('refuses a host that has no integration', async () => {
    await expect(backend.reader.readUrl('https://git.unknown.example/acme/x/blob/main/a')).rejects.toThrow(
      NotAllowedError,
    );
  });
});
