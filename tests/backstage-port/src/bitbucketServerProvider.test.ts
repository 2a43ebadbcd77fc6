import { eventsServiceRef, EventsService } from '@backstage/plugin-events-node';
import { createBackendModule } from '@trellis/backend-plugin-api';
import { mockCredentials, startTestBackend, TestDatabaseId, TestDatabases, waitFor } from '@trellis/backend-test-utils';
import catalogPlugin from '@trellis/plugin-catalog-backend';
import { createHash } from 'node:crypto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';

// Published package, unchanged: it imports @backstage/backend-plugin-api,
// @backstage/plugin-catalog-node (and its /alpha) and @backstage/plugin-events-node, mapped to ours.
import bitbucketServerModule from '@backstage/plugin-catalog-backend-module-bitbucket-server';

const TOKEN = 'bitbucket-test-token';

interface FakeRepo {
  project: string;
  slug: string;
  /** The default branch's catalog-info.yaml; absent means the repository has none. */
  catalogInfo?: string;
}

/**
 * Answers as Bitbucket Server's REST API does for what the module and the Bitbucket Server URL
 * reader ask: projects and repositories in pages, a repository's default branch, and raw files
 * with an ETag (304 to a matching If-None-Match). Every request must carry the token.
 */
class FakeBitbucketServer {
  repos: FakeRepo[] = [];
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
    this.requests.push(`${req.method} ${url.pathname}`);
    const json = (status: number, body: unknown) =>
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (req.headers.authorization !== `Bearer ${TOKEN}`) {
      json(401, { errors: [{ message: 'Authentication required' }] });
      return;
    }
    const parts = url.pathname.replace(/^\/rest\/api\/1\.0\//, '').split('/');
    const projects = [...new Set(this.repos.map((r) => r.project))];
    if (parts.length === 1 && parts[0] === 'projects') {
      json(
        200,
        this.#page(
          url,
          projects.map((key) => ({ key, name: key })),
        ),
      );
      return;
    }
    const repo = this.repos.find((r) => r.project === parts[1] && r.slug === parts[3]);
    if (parts[0] !== 'projects' || (parts[2] !== undefined && parts[2] !== 'repos')) {
      json(404, { errors: [{ message: 'not found' }] });
    } else if (parts.length === 3) {
      const values = this.repos.filter((r) => r.project === parts[1]).map((r) => this.#repository(r));
      json(200, this.#page(url, values));
    } else if (!repo) {
      json(404, { errors: [{ message: `Repository ${parts[1]}/${parts[3]} does not exist.` }] });
    } else if (parts.length === 4) {
      json(200, this.#repository(repo));
    } else if (parts.length === 5 && parts[4] === 'default-branch') {
      json(200, { id: 'refs/heads/main', displayId: 'main', type: 'BRANCH', isDefault: true });
    } else if (parts[4] === 'raw' && parts.slice(5).join('/') === 'catalog-info.yaml' && repo.catalogInfo) {
      const etag = `"${createHash('sha256').update(repo.catalogInfo).digest('hex').slice(0, 16)}"`;
      if (req.headers['if-none-match'] === etag) {
        res.writeHead(304, { etag }).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'text/plain', etag }).end(repo.catalogInfo);
    } else {
      json(404, { errors: [{ message: `${url.pathname} does not exist.` }] });
    }
  }

  /** Bitbucket Server's paging: two items a page, `start` and `nextPageStart`. */
  #page(url: URL, values: unknown[]) {
    const start = Number(url.searchParams.get('start') ?? 0);
    const page = values.slice(start, start + 2);
    const isLastPage = start + 2 >= values.length;
    return {
      size: page.length,
      limit: 2,
      start,
      isLastPage,
      values: page,
      ...(isLastPage ? {} : { nextPageStart: start + 2 }),
    };
  }

  #repository(repo: FakeRepo) {
    return {
      slug: repo.slug,
      name: repo.slug,
      project: { key: repo.project },
      archived: false,
      links: { self: [{ href: `${this.origin}/projects/${repo.project}/repos/${repo.slug}/browse` }] },
    };
  }
}

function component(name: string, owner: string): string {
  return [
    'apiVersion: backstage.io/v1alpha1',
    'kind: Component',
    'metadata:',
    `  name: ${name}`,
    'spec:',
    '  type: service',
    '  lifecycle: production',
    `  owner: ${owner}`,
    '',
  ].join('\n');
}

/** Hands the test the backend's events service, as a webhook module would use it. */
let events: EventsService | undefined;
const eventsModule = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'test-events',
  register(env) {
    env.registerInit({
      deps: { service: eventsServiceRef },
      async init({ service }) {
        events = service;
      },
    });
  },
});

const databases = TestDatabases.create();
const headers = { authorization: mockCredentials.user.header() };

interface ServedEntity {
  kind: string;
  metadata: { name: string; annotations: Record<string, string> };
  spec: Record<string, unknown>;
}

describe('@backstage/plugin-catalog-backend-module-bitbucket-server on Trellis', () => {
  let bitbucket: FakeBitbucketServer;

  beforeEach(() => {
    bitbucket = new FakeBitbucketServer();
  });

  afterEach(async () => {
    await bitbucket.stop();
  });

  it.each(databases.eachSupportedId())(
    'discovers the repositories, and the catalog reads their catalog-info.yaml through the URL reader, on %s',
    async (id) => {
      bitbucket.repos = [
        { project: 'PAY', slug: 'cart', catalogInfo: component('cart', 'payments') },
        { project: 'PAY', slug: 'ledger', catalogInfo: component('ledger', 'payments') },
        { project: 'PAY', slug: 'scratch' }, // no catalog file: an optional location, no error
        { project: 'OPS', slug: 'deployer', catalogInfo: component('deployer', 'ops') },
      ];
      const origin = await bitbucket.start();
      const host = new URL(origin).host;
      const backend = await startTestBackend({
        features: [catalogPlugin, bitbucketServerModule],
        config: {
          backend: { database: await databases.backendConfig(id as TestDatabaseId) },
          integrations: { bitbucketServer: [{ host, apiBaseUrl: `${origin}/rest/api/1.0`, token: TOKEN }] },
          catalog: {
            providers: {
              bitbucketServer: {
                host,
                schedule: { frequency: { seconds: 1 }, timeout: { seconds: 30 }, initialDelay: { milliseconds: 10 } },
              },
            },
          },
        },
      });
      try {
        const list = async (filter: string): Promise<ServedEntity[]> => {
          const res = await fetch(`${backend.baseUrl}/api/catalog/entities?filter=${filter}&order=asc:metadata.name`, {
            headers,
          });
          expect(res.status).toBe(200);
          return (await res.json()) as ServedEntity[];
        };
        const names = async (filter: string) => (await list(filter)).map((e) => e.metadata.name).join(',');

        await waitFor(async () => (await names('kind=component')) === 'cart,deployer,ledger', {
          what: 'the catalog-info.yaml components of the discovered repositories',
          timeoutMs: 30_000,
        });
        const [cart] = await list('kind=component,metadata.name=cart');
        const cartFile = `${origin}/projects/PAY/repos/cart/browse/catalog-info.yaml`;
        expect(cart!.metadata.annotations).toMatchObject({
          'backstage.io/managed-by-location': `url:${cartFile}`,
          'backstage.io/managed-by-origin-location': `url:${cartFile}`,
        });
        expect(cart!.spec).toMatchObject({ owner: 'payments', type: 'service' });

        // The module's own Location entities, one per repository, with its default-branch annotation.
        const locations = await list('kind=location');
        expect(locations).toHaveLength(4);
        expect(locations.map((l) => l.spec.target).sort()).toEqual(
          ['OPS/repos/deployer', 'PAY/repos/cart', 'PAY/repos/ledger', 'PAY/repos/scratch'].map(
            (repo) => `${origin}/projects/${repo}/browse/catalog-info.yaml`,
          ),
        );
        expect(locations[0]!.metadata.annotations['bitbucket.org/default-branch']).toBe('main');
        expect(locations[0]!.spec.presence).toBe('optional');

        // Files were read with the token through the raw API; the repository without one is no error.
        expect(bitbucket.requests).toContain('GET /rest/api/1.0/projects/PAY/repos/cart/raw/catalog-info.yaml');
        const errors = await (await fetch(`${backend.baseUrl}/api/catalog/errors`, { headers })).json();
        expect(errors).toEqual({ items: [] });

        // A changed file, a new repository and a removed one: the next scheduled run applies them.
        bitbucket.repos = [
          { project: 'PAY', slug: 'cart', catalogInfo: component('cart', 'checkout') },
          { project: 'PAY', slug: 'scratch', catalogInfo: component('scratch', 'payments') },
          { project: 'OPS', slug: 'deployer', catalogInfo: component('deployer', 'ops') },
        ];
        await waitFor(async () => (await names('kind=component')) === 'cart,deployer,scratch', {
          what: 'the next scheduled discovery to add scratch and drop ledger',
          timeoutMs: 30_000,
        });
        await waitFor(async () => (await list('kind=component,spec.owner=checkout')).length === 1, {
          what: 'the changed catalog-info.yaml of cart to be read',
          timeoutMs: 30_000,
        });
        expect(await list('kind=location')).toHaveLength(3);
      } finally {
        await backend.stop();
      }
    },
  );

  it.each(databases.eachSupportedId())(
    'reads a repository again when a push to its default branch arrives through the events service, on %s',
    async (id) => {
      bitbucket.repos = [{ project: 'PAY', slug: 'cart', catalogInfo: component('cart', 'payments') }];
      const origin = await bitbucket.start();
      const host = new URL(origin).host;
      const backend = await startTestBackend({
        features: [catalogPlugin, bitbucketServerModule, eventsModule],
        config: {
          backend: { database: await databases.backendConfig(id as TestDatabaseId) },
          integrations: { bitbucketServer: [{ host, apiBaseUrl: `${origin}/rest/api/1.0`, token: TOKEN }] },
          catalog: {
            providers: {
              // One scheduled run at start, the next far beyond the test: what changes later comes by event.
              bitbucketServer: {
                host,
                schedule: { frequency: { hours: 1 }, timeout: { seconds: 30 }, initialDelay: { milliseconds: 10 } },
              },
            },
          },
        },
      });
      try {
        const owner = async () => {
          const res = await fetch(`${backend.baseUrl}/api/catalog/entities/by-ref/component:default/cart`, { headers });
          return res.status === 200 ? ((await res.json()) as ServedEntity).spec.owner : undefined;
        };
        await waitFor(async () => (await owner()) === 'payments', {
          what: 'the first scheduled discovery',
          timeoutMs: 30_000,
        });

        bitbucket.repos[0]!.catalogInfo = component('cart', 'checkout');
        await events!.publish({
          topic: 'bitbucketServer.repo:refs_changed',
          eventPayload: {
            eventKey: 'repo:refs_changed',
            repository: { slug: 'cart', project: { key: 'PAY' } },
            changes: [{ ref: { id: 'refs/heads/main', displayId: 'main', type: 'BRANCH' }, type: 'UPDATE' }],
          },
        });
        await waitFor(async () => (await owner()) === 'checkout', {
          what: 'the pushed catalog-info.yaml to be read',
          timeoutMs: 30_000,
        });
        expect(bitbucket.requests).toContain('GET /rest/api/1.0/projects/PAY/repos/cart');
      } finally {
        await backend.stop();
      }
    },
  );
});
