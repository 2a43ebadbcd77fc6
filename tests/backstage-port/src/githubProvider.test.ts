import { mockCredentials, startTestBackend, TestDatabaseId, TestDatabases, waitFor } from '@trellis/backend-test-utils';
import catalogPlugin from '@trellis/plugin-catalog-backend';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';

// Published package, unchanged: it imports @backstage/backend-plugin-api,
// @backstage/plugin-catalog-node (and its /alpha) and @backstage/plugin-events-node, mapped to ours.
import githubModule from '@backstage/plugin-catalog-backend-module-github';

const TOKEN = 'github-test-token';
const ORG = 'acme';

interface FakeRepo {
  name: string;
  topics?: string[];
  archived?: boolean;
  /** catalog-info.yaml on the default branch (`main`); absent means none. */
  catalogInfo?: string;
}

/**
 * A GitHub Enterprise server with its REST API under `/api/v3` and GraphQL at `/api/graphql`,
 * answering what the module and the Trellis GitHub URL reader ask: an organization's
 * repositories in pages (GraphQL, with the blob at `HEAD:<catalogPath>`), and a file's raw
 * content (REST contents API). Every request must carry the token.
 */
class FakeGithub {
  repos: FakeRepo[] = [];
  readonly requests: string[] = [];
  readonly graphqlVariables: Record<string, unknown>[] = [];
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
    const json = (status: number, body: unknown) =>
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
    const auth = req.headers.authorization;
    if (auth !== `Bearer ${TOKEN}` && auth !== `token ${TOKEN}`) {
      json(401, { message: 'Bad credentials' });
      return;
    }
    if (req.method === 'POST' && url.pathname === '/api/graphql') {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const { query, variables } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
          query: string;
          variables: Record<string, unknown>;
        };
        this.graphqlVariables.push(variables);
        json(200, this.#graphql(query, variables));
      });
      return;
    }
    const file = /^\/api\/v3\/repos\/([^/]+)\/([^/]+)\/contents\/(.+)$/.exec(url.pathname);
    const repo = file && file[1] === ORG ? this.repos.find((r) => r.name === file[2]) : undefined;
    if (repo?.catalogInfo && file![3] === 'catalog-info.yaml' && url.searchParams.get('ref') === 'main') {
      res.writeHead(200, { 'content-type': 'application/vnd.github.raw; charset=utf-8' }).end(repo.catalogInfo);
      return;
    }
    json(404, { message: 'Not Found' });
  }

  /** The organization's repositories, two per page, with the cursor an index. */
  #graphql(query: string, variables: Record<string, unknown>): unknown {
    if (!/repositoryOwner\(login: \$org\)/.test(query) || !/repositories\(first:/.test(query)) {
      return { data: null, errors: [{ message: `The fake does not answer this query` }] };
    }
    if (variables.org !== ORG) {
      return { data: { repositoryOwner: null } };
    }
    const start = variables.cursor ? Number(variables.cursor) : 0;
    const size = Number(variables.repositoriesPageSize);
    const page = this.repos.slice(start, start + size);
    const expression = String(variables.catalogPathRef);
    return {
      data: {
        repositoryOwner: {
          login: ORG,
          repositories: {
            nodes: page.map((r) => ({
              name: r.name,
              catalogInfoFile:
                r.catalogInfo && expression === 'HEAD:catalog-info.yaml'
                  ? { __typename: 'Blob', id: `blob-${r.name}`, text: r.catalogInfo }
                  : null,
              url: `${this.origin}/${ORG}/${r.name}`,
              isArchived: r.archived ?? false,
              isFork: false,
              visibility: 'PRIVATE',
              repositoryTopics: { nodes: (r.topics ?? []).map((name) => ({ topic: { name } })) },
              defaultBranchRef: { name: 'main' },
            })),
            pageInfo: {
              hasNextPage: start + size < this.repos.length,
              endCursor: String(start + size),
            },
          },
        },
      },
    };
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

describe('@backstage/plugin-catalog-backend-module-github on Trellis', () => {
  let github: FakeGithub;

  beforeEach(() => {
    github = new FakeGithub();
  });

  afterEach(async () => {
    await github.stop();
  });

  it.each(databases.eachSupportedId())(
    'discovers the repositories of an organization on an enterprise host, read through the GitHub URL reader, on %s',
    async (id) => {
      github.repos = [
        { name: 'cart', catalogInfo: component('cart', 'payments') },
        { name: 'scratch' },
        { name: 'deployer', catalogInfo: component('deployer', 'ops') },
        { name: 'legacy', archived: true, catalogInfo: component('legacy', 'ops') },
        { name: 'sandbox', topics: ['experiment'], catalogInfo: component('sandbox', 'ops') },
      ];
      const origin = await github.start();
      const host = new URL(origin).host;
      const backend = await startTestBackend({
        features: [catalogPlugin, githubModule],
        config: {
          backend: { database: await databases.backendConfig(id as TestDatabaseId) },
          integrations: { github: [{ host, apiBaseUrl: `${origin}/api/v3`, token: TOKEN }] },
          catalog: {
            providers: {
              github: {
                acme: {
                  host,
                  organization: ORG,
                  catalogPath: '/catalog-info.yaml',
                  filters: { topic: { exclude: ['experiment'] } },
                  pageSizes: { repositories: 10 },
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
            { headers },
          );
          expect(res.status).toBe(200);
          return (await res.json()) as {
            metadata: { name: string; annotations: Record<string, string> };
            spec: { owner: string };
          }[];
        };
        await waitFor(async () => (await components()).map((c) => c.metadata.name).join(',') === 'cart,deployer', {
          what: 'the catalog files of the discovered repositories',
          timeoutMs: 30_000,
        });
        const [cart] = await components();
        expect(cart!.metadata.annotations['backstage.io/managed-by-location']).toBe(
          `url:${origin}/${ORG}/cart/blob/main/catalog-info.yaml`,
        );
        // The module asked GraphQL where the GitHub client puts it for an `/api/v3` base URL, for
        // the file at the default branch; the Trellis reader read the file through the contents API.
        expect(github.graphqlVariables[0]).toMatchObject({ org: ORG, catalogPathRef: 'HEAD:catalog-info.yaml' });
        expect(github.requests).toContain(`GET /api/v3/repos/${ORG}/cart/contents/catalog-info.yaml?ref=main`);

        // The Location entities the provider emitted are in the catalog too, one per repository
        // that passed the filters (the one without a file is optional, so it is no error).
        const locations = await fetch(`${backend.baseUrl}/api/catalog/entities?filter=kind=location`, { headers });
        const targets = ((await locations.json()) as { spec: { target: string } }[]).map((l) => l.spec.target).sort();
        expect(targets).toEqual(
          ['cart', 'deployer', 'scratch'].map((name) => `${origin}/${ORG}/${name}/blob/main/catalog-info.yaml`),
        );

        github.repos[0]!.catalogInfo = component('cart', 'checkout');
        github.repos[2]!.archived = true;
        await waitFor(
          async () => {
            const now = await components();
            return now.length === 1 && now[0]!.spec.owner === 'checkout';
          },
          {
            what: 'the next scheduled discovery to apply the changed file and the archived repository',
            timeoutMs: 30_000,
          },
        );
      } finally {
        await backend.stop();
      }
    },
  );
});
