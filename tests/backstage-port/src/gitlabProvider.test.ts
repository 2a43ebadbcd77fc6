import { mockCredentials, startTestBackend, TestDatabaseId, TestDatabases, waitFor } from '@trellis/backend-test-utils';
import catalogPlugin from '@trellis/plugin-catalog-backend';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';

// Published package, unchanged: it imports @backstage/backend-plugin-api,
// @backstage/plugin-catalog-node (and its /alpha) and @backstage/plugin-events-node, mapped to ours.
import gitlabModule from '@backstage/plugin-catalog-backend-module-gitlab';

const TOKEN = 'gitlab-test-token';

interface FakeProject {
  id: number;
  path: string;
  /** catalog-info.yaml on the default branch; absent means none. */
  catalogInfo?: string;
}

/**
 * Answers as GitLab's REST API v4 does for what the module and the GitLab URL reader ask: projects
 * in pages (`x-next-page`), whether a file exists (HEAD), and a file's raw content. Every request
 * must carry the token.
 */
class FakeGitlab {
  projects: FakeProject[] = [];
  readonly requests: string[] = [];
  readonly #server: Server;
  origin = '';

  constructor() {
    this.#server = createServer((req, res) => this.#answer(req, res));
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    this.origin = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
    return this.origin;
  }

  async stop(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #answer(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', this.origin);
    this.requests.push(`${req.method} ${url.pathname}${url.search}`);
    const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
      res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
    // GitLab takes a token either way: the module sends it as a Bearer token, the Trellis reader in PRIVATE-TOKEN.
    if (req.headers['private-token'] !== TOKEN && req.headers.authorization !== `Bearer ${TOKEN}`) {
      json(401, { message: '401 Unauthorized' });
      return;
    }
    if (url.pathname === '/api/v4/projects') {
      const page = Number(url.searchParams.get('page') ?? 1);
      const items = this.projects.slice((page - 1) * 2, page * 2).map((p) => ({
        id: p.id,
        path_with_namespace: p.path,
        default_branch: 'main',
        web_url: `${this.origin}/${p.path}`,
      }));
      const next = page * 2 < this.projects.length ? String(page + 1) : '';
      json(200, items, { 'x-next-page': next });
      return;
    }
    const file = /^\/api\/v4\/projects\/([^/]+)\/repository\/files\/([^/]+)(\/raw)?$/.exec(url.pathname);
    const project =
      file && this.projects.find((p) => String(p.id) === file[1] || p.path === decodeURIComponent(file[1]!));
    if (
      file &&
      project?.catalogInfo &&
      decodeURIComponent(file[2]!) === 'catalog-info.yaml' &&
      url.searchParams.get('ref') === 'main'
    ) {
      if (req.method === 'HEAD') {
        res.writeHead(200).end();
      } else {
        res.writeHead(200, { 'content-type': 'text/plain' }).end(project.catalogInfo);
      }
      return;
    }
    json(404, { message: '404 File Not Found' });
  }
}

function component(name: string, owner: string): string {
  return `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: ${name}
spec:
  type: service
  lifecycle: production
  owner: ${owner}
`;
}

const databases = TestDatabases.create();
const headers = { authorization: mockCredentials.user.header() };

describe('@backstage/plugin-catalog-backend-module-gitlab on Trellis', () => {
  let gitlab: FakeGitlab;

  beforeEach(() => {
    gitlab = new FakeGitlab();
  });

  afterEach(async () => {
    await gitlab.stop();
  });

  it.each(databases.eachSupportedId())(
    'discovers the projects with a catalog file, read through the GitLab URL reader, on %s',
    async (id) => {
      gitlab.projects = [
        { id: 1, path: 'payments/cart', catalogInfo: component('cart', 'payments') },
        { id: 2, path: 'payments/scratch' },
        { id: 3, path: 'ops/deployer', catalogInfo: component('deployer', 'ops') },
      ];
      const origin = await gitlab.start();
      const host = new URL(origin).host;
      const backend = await startTestBackend({
        features: [catalogPlugin, gitlabModule],
        config: {
          backend: { database: await databases.backendConfig(id as TestDatabaseId) },
          integrations: { gitlab: [{ host, apiBaseUrl: `${origin}/api/v4`, token: TOKEN }] },
          catalog: {
            providers: {
              gitlab: {
                acme: {
                  host,
                  schedule: { frequency: { seconds: 1 }, timeout: { seconds: 30 }, initialDelay: { milliseconds: 10 } },
                },
              },
            },
          },
        },
      });
      try {
        const components = async () => {
          const res = await fetch(
            `${backend.baseUrl}/api/catalog/entities?filter=kind=component&order=asc:metadata.name`,
            {
              headers,
            },
          );
          return (await res.json()) as {
            metadata: { name: string; annotations: Record<string, string> };
            spec: { owner: string };
          }[];
        };
        await waitFor(async () => (await components()).map((c) => c.metadata.name).join(',') === 'cart,deployer', {
          what: 'the catalog files of the discovered projects',
          timeoutMs: 30_000,
        });
        const [cart] = await components();
        expect(cart!.metadata.annotations['backstage.io/managed-by-location']).toBe(
          `url:${origin}/payments/cart/-/blob/main/catalog-info.yaml`,
        );
        // The file was read by the Trellis GitLab reader, through the raw files API.
        expect(gitlab.requests).toContain(
          `GET /api/v4/projects/payments%2Fcart/repository/files/catalog-info.yaml/raw?ref=main`,
        );

        gitlab.projects[0]!.catalogInfo = component('cart', 'checkout');
        gitlab.projects.splice(2, 1);
        await waitFor(
          async () => {
            const now = await components();
            return now.length === 1 && now[0]!.spec.owner === 'checkout';
          },
          { what: 'the next scheduled discovery to apply the changed file and the removed project', timeoutMs: 30_000 },
        );
      } finally {
        await backend.stop();
      }
    },
  );
});
