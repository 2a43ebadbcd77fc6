import { NotModifiedError } from '@trellis/errors';
import { buildTarball } from './testing/buildTarball';
import { HostServer, startHostServer } from './testing/hostServer';
import { ReaderBackend, startReaderBackend } from './testing/readerBackend';

const TOKEN = 'glpat-test-token-abcdef';
const SHA = 'c'.repeat(40);

describe('GitLab reading', () => {
  let gitlab: HostServer;
  let backend: ReaderBackend;

  beforeAll(async () => {
    gitlab = await startHostServer((req, res, url) => {
      // GitLab takes the project path URL-encoded as one segment: group%2Fsub%2Fservice.
      const raw = (req.url ?? '').split('?')[0];
      const prefix = '/api/v4/projects/group%2Fsub%2Fservice';
      if (req.headers['private-token'] !== TOKEN || !raw.startsWith(prefix)) {
        res.writeHead(404).end('{"message":"404 Project Not Found"}');
        return;
      }
      const rest = raw.slice(prefix.length);
      const json = (body: unknown) =>
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      if (rest === '') {
        json({ default_branch: 'main' });
      } else if (rest === '/repository/commits/main') {
        json({ id: SHA });
      } else if (rest === '/repository/files/docs%2Fcatalog-info.yaml/raw' && url.searchParams.get('ref') === 'main') {
        if (req.headers['if-none-match'] === '"file-1"') {
          res.writeHead(304).end();
          return;
        }
        res.writeHead(200, { etag: '"file-1"' }).end('kind: Component');
      } else if (rest === '/repository/archive.tar.gz' && url.searchParams.get('sha') === SHA) {
        const top = `service-${SHA}${url.searchParams.get('path') ? `-${url.searchParams.get('path')}` : ''}`;
        res.writeHead(200).end(
          buildTarball([
            { path: `${top}/docs/catalog-info.yaml`, content: 'kind: Component' },
            { path: `${top}/docs/api/catalog-info.yaml`, content: 'kind: API' },
            { path: `${top}/src/index.ts`, content: 'export {}' },
          ]),
        );
      } else {
        res.writeHead(404).end();
      }
    });
    backend = await startReaderBackend({
      config: {
        integrations: { gitlab: [{ host: gitlab.host, apiBaseUrl: `${gitlab.origin}/api/v4`, token: TOKEN }] },
      },
    });
  });

  afterAll(async () => {
    await backend?.stop();
    await gitlab?.close();
  });

  const web = (p: string) => `${gitlab.origin}/group/sub/service${p}`;

  it('reads a file through the files API with the token and its ETag', async () => {
    const response = await backend.reader.readUrl(web('/-/blob/main/docs/catalog-info.yaml'));
    expect((await response.buffer()).toString()).toBe('kind: Component');
    expect(response.etag).toBe('"file-1"');
    await expect(
      backend.reader.readUrl(web('/-/blob/main/docs/catalog-info.yaml'), { etag: '"file-1"' }),
    ).rejects.toThrow(NotModifiedError);
  });

  it('reads a folder through the archive API, asking only for that path', async () => {
    const tree = await backend.reader.readTree(web('/-/tree/main/docs'));
    expect(tree.etag).toBe(SHA);
    expect((await tree.files()).map((f) => f.path).sort()).toEqual(['api/catalog-info.yaml', 'catalog-info.yaml']);
    expect(gitlab.requests.at(-1)!.url).toBe(
      `/api/v4/projects/group%2Fsub%2Fservice/repository/archive.tar.gz?sha=${SHA}&path=docs`,
    );
  });

  it('reads the default branch of a project URL, and refuses an unchanged SHA', async () => {
    const tree = await backend.reader.readTree(web(''));
    expect((await tree.files()).length).toBe(3);
    await expect(backend.reader.readTree(web(''), { etag: SHA })).rejects.toThrow(NotModifiedError);
  });

  it('searches with a glob and returns blob URLs', async () => {
    const result = await backend.reader.search(web('/-/blob/main/**/catalog-info.yaml'));
    expect(result.etag).toBe(SHA);
    expect(result.files.map((f) => f.url).sort()).toEqual([
      web('/-/blob/main/docs/api/catalog-info.yaml'),
      web('/-/blob/main/docs/catalog-info.yaml'),
    ]);
  });
});
