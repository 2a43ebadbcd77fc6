import { NotFoundError, NotModifiedError } from '@trellis/errors';
import { buildTarball } from './testing/buildTarball';
import { HostServer, startHostServer } from './testing/hostServer';
import { ReaderBackend, startReaderBackend } from './testing/readerBackend';

const TOKEN = 'bbs-test-token-12345';
const SHA = 'd'.repeat(40);

describe('Bitbucket Server reading', () => {
  let bitbucket: HostServer;
  let backend: ReaderBackend;

  beforeAll(async () => {
    bitbucket = await startHostServer((req, res, url) => {
      const prefix = '/rest/api/1.0/projects/PRJ/repos/service';
      if (req.headers.authorization !== `Bearer ${TOKEN}` || !url.pathname.startsWith(prefix)) {
        res.writeHead(401).end();
        return;
      }
      const rest = url.pathname.slice(prefix.length);
      const at = url.searchParams.get('at');
      if (rest === '/raw/docs/catalog-info.yaml' && at === 'refs/heads/main') {
        const lastModified = new Date('2026-10-01T00:00:00Z');
        if (req.headers['if-modified-since'] && new Date(req.headers['if-modified-since']) >= lastModified) {
          res.writeHead(304).end();
          return;
        }
        res.writeHead(200, { 'last-modified': lastModified.toUTCString() }).end('kind: Component');
      } else if (rest === '/commits' && url.searchParams.get('limit') === '1') {
        const until = url.searchParams.get('until');
        if (until && until !== 'refs/heads/main') {
          res.writeHead(404).end();
          return;
        }
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ values: [{ id: SHA }] }));
      } else if (rest === '/archive' && at === SHA && url.searchParams.get('format') === 'tgz') {
        const prefixDir = url.searchParams.get('prefix');
        res.writeHead(200).end(
          buildTarball([
            { path: `${prefixDir}/docs/catalog-info.yaml`, content: 'kind: Component' },
            { path: `${prefixDir}/docs/guide.md`, content: 'guide' },
          ]),
        );
      } else {
        res.writeHead(404).end();
      }
    });
    backend = await startReaderBackend({
      config: {
        integrations: {
          bitbucketServer: [{ host: bitbucket.host, apiBaseUrl: `${bitbucket.origin}/rest/api/1.0`, token: TOKEN }],
        },
      },
    });
  });

  afterAll(async () => {
    await backend?.stop();
    await bitbucket?.close();
  });

  const web = (p: string) => `${bitbucket.origin}/projects/PRJ/repos/service${p}`;

  it('reads a file through the raw API at the ref of ?at=', async () => {
    const response = await backend.reader.readUrl(web('/browse/docs/catalog-info.yaml?at=refs%2Fheads%2Fmain'));
    expect((await response.buffer()).toString()).toBe('kind: Component');
    expect(response.lastModifiedAt).toEqual(new Date('2026-10-01T00:00:00Z'));
    expect(bitbucket.requests.at(-1)!.url).toBe(
      '/rest/api/1.0/projects/PRJ/repos/service/raw/docs/catalog-info.yaml?at=refs%2Fheads%2Fmain',
    );
  });

  it('throws NotModifiedError when the file did not change since lastModifiedAfter', async () => {
    await expect(
      backend.reader.readUrl(web('/browse/docs/catalog-info.yaml?at=refs%2Fheads%2Fmain'), {
        lastModifiedAfter: new Date('2026-10-02T00:00:00Z'),
      }),
    ).rejects.toThrow(NotModifiedError);
  });

  it('reads a folder through the archive API at the latest commit of the ref', async () => {
    const tree = await backend.reader.readTree(web('/browse/docs?at=refs%2Fheads%2Fmain'));
    expect(tree.etag).toBe(SHA);
    expect((await tree.files()).map((f) => f.path).sort()).toEqual(['catalog-info.yaml', 'guide.md']);
    await expect(backend.reader.readTree(web('/browse/docs'), { etag: SHA })).rejects.toThrow(NotModifiedError);
  });

  it('searches with a glob and returns browse URLs with the ref', async () => {
    const result = await backend.reader.search(web('/browse/docs/*.yaml?at=refs%2Fheads%2Fmain'));
    expect(result.files.map((f) => f.url)).toEqual([web('/browse/docs/catalog-info.yaml?at=refs%2Fheads%2Fmain')]);
  });

  it('throws NotFoundError for an unknown ref', async () => {
    await expect(backend.reader.readTree(web('/browse?at=refs%2Fheads%2Fgone'))).rejects.toThrow(NotFoundError);
  });
});

describe('Bitbucket Server reading with a username and password', () => {
  it('sends them as Basic authentication when the integration has no token, as Backstage does', async () => {
    const basic = `Basic ${Buffer.from('reader:s3cret-pass').toString('base64')}`;
    const bitbucket = await startHostServer((req, res) => {
      res.writeHead(req.headers.authorization === basic ? 200 : 401).end('kind: Component');
    });
    const integration = { host: bitbucket.host, apiBaseUrl: `${bitbucket.origin}/rest/api/1.0` };
    const backend = await startReaderBackend({
      config: { integrations: { bitbucketServer: [{ ...integration, username: 'reader', password: 's3cret-pass' }] } },
    });
    try {
      const response = await backend.reader.readUrl(`${bitbucket.origin}/projects/PRJ/repos/service/browse/a.yaml`);
      expect((await response.buffer()).toString()).toBe('kind: Component');
      expect(bitbucket.requests.at(-1)!.url).toBe('/rest/api/1.0/projects/PRJ/repos/service/raw/a.yaml');
    } finally {
      await backend.stop();
      await bitbucket.close();
    }
  });

  it('refuses an empty password, naming its key and file', async () => {
    await expect(
      startReaderBackend({
        config: {
          integrations: {
            bitbucketServer: [
              { host: 'bb.example', apiBaseUrl: 'https://bb.example/rest/api/1.0', username: 'reader', password: '' },
            ],
          },
        },
      }),
    ).rejects.toThrow(/config key 'integrations\.bitbucketServer\.0\.password' must be a non-empty string/);
  });
});
