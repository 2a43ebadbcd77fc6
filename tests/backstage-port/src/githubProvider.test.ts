import { mockCredentials, startTestBackend, TestDatabaseId, TestDatabases, waitFor } from '@trellis/backend-test-utils';
import { EventsService, eventsServiceRef } from '@backstage/plugin-events-node';
import { coreServices, createBackendModule } from '@trellis/backend-plugin-api';
import catalogPlugin from '@trellis/plugin-catalog-backend';
import { catalogProcessingExtensionPoint } from '@trellis/plugin-catalog-node';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';

// Published package, unchanged: it imports @backstage/backend-plugin-api,
// @backstage/plugin-catalog-node (and its /alpha) and @backstage/plugin-events-node, mapped to ours.
import githubModule, { GithubOrgEntityProvider } from '@backstage/plugin-catalog-backend-module-github';

const TOKEN = 'github-test-token';
const ORG = 'acme';

interface FakeMember {
  login: string;
  name: string;
  email: string;
}

interface FakeTeam {
  slug: string;
  name: string;
  parent?: string;
  members: string[];
}

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
  members: FakeMember[] = [];
  teams: FakeTeam[] = [];
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

  /**
   * The organization's repositories, members and teams, in pages of the size asked, the cursor
   * being the index of the next item; any other query is answered with a GraphQL error.
   */
  #graphql(query: string, variables: Record<string, unknown>): unknown {
    const start = variables.cursor ? Number(variables.cursor) : 0;
    const pageOf = <T>(items: T[], size: unknown) => ({
      items: items.slice(start, start + Number(size)),
      pageInfo: { hasNextPage: start + Number(size) < items.length, endCursor: String(start + Number(size)) },
    });
    if (/organization\(login: \$org\)\s*{\s*membersWithRole\(/.test(query)) {
      const { items, pageInfo } = pageOf(this.members, variables.organizationMembersPageSize);
      const nodes = items.map((m) => ({
        avatarUrl: `${this.origin}/avatars/${m.login}`,
        bio: null,
        ...(variables.email === true ? { email: m.email } : {}),
        id: `user-${m.login}`,
        login: m.login,
        name: m.name,
        organizationVerifiedDomainEmails: [],
      }));
      return { data: { organization: variables.org === ORG ? { membersWithRole: { pageInfo, nodes } } : null } };
    }
    if (/organization\(login: \$org\)\s*{\s*teams\(/.test(query)) {
      const { items, pageInfo } = pageOf(this.teams, variables.teamsPageSize);
      const nodes = items.map((t) => ({
        slug: t.slug,
        combinedSlug: `${ORG}/${t.slug}`,
        name: t.name,
        description: null,
        avatarUrl: null,
        editTeamUrl: `${this.origin}/orgs/${ORG}/teams/${t.slug}/edit`,
        parentTeam: t.parent ? { slug: t.parent } : null,
        members: {
          pageInfo: { hasNextPage: false },
          nodes: t.members.map((login) => ({ login, id: `user-${login}`, organizationVerifiedDomainEmails: [] })),
        },
      }));
      return { data: { organization: variables.org === ORG ? { teams: { pageInfo, nodes } } : null } };
    }
    if (!/repositoryOwner\(login: \$org\)/.test(query) || !/repositories\(first:/.test(query)) {
      return { data: null, errors: [{ message: `The fake does not answer this query` }] };
    }
    if (variables.org !== ORG) {
      return { data: { repositoryOwner: null } };
    }
    const { items: page, pageInfo } = pageOf(this.repos, variables.repositoriesPageSize);
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
            pageInfo,
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

/**
 * The org provider is a class of the package, not registered by its module: an installation adds
 * it with a module of its own, as this one does, for the organization at `orgUrl`.
 */
function githubOrgModule(orgUrl: string) {
  return createBackendModule({
    pluginId: 'catalog',
    moduleId: 'acme-github-org',
    register(env) {
      env.registerInit({
        deps: {
          catalog: catalogProcessingExtensionPoint,
          config: coreServices.rootConfig,
          logger: coreServices.logger,
          scheduler: coreServices.scheduler,
        },
        async init({ catalog, config, logger, scheduler }) {
          catalog.addEntityProvider(
            GithubOrgEntityProvider.fromConfig(config, {
              id: 'acme',
              orgUrl,
              logger,
              schedule: scheduler.createScheduledTaskRunner({
                frequency: { seconds: 1 },
                timeout: { seconds: 30 },
                initialDelay: { milliseconds: 10 },
              }),
            }),
          );
        },
      });
    },
  });
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

/** The repository as GitHub's webhook payloads describe it. */
function webhookRepository(origin: string, name: string) {
  return {
    name,
    html_url: `${origin}/${ORG}/${name}`,
    default_branch: 'main',
    topics: [],
    archived: false,
    fork: false,
    visibility: 'private',
    owner: { login: ORG },
  };
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

  it.each(databases.eachSupportedId())(
    'reads the users and teams of an organization with the org provider, on %s',
    async (id) => {
      github.members = [
        { login: 'alice', name: 'Alice A', email: 'alice@acme.test' },
        { login: 'bob', name: 'Bob B', email: 'bob@acme.test' },
        { login: 'carol', name: 'Carol C', email: 'carol@acme.test' },
      ];
      github.teams = [
        { slug: 'platform', name: 'Platform', members: ['alice', 'bob'] },
        { slug: 'sre', name: 'SRE', parent: 'platform', members: ['carol'] },
      ];
      const origin = await github.start();
      const host = new URL(origin).host;
      const backend = await startTestBackend({
        features: [catalogPlugin, githubOrgModule(`${origin}/${ORG}`)],
        config: {
          backend: { database: await databases.backendConfig(id as TestDatabaseId) },
          integrations: { github: [{ host, apiBaseUrl: `${origin}/api/v3`, token: TOKEN }] },
        },
      });
      try {
        const list = async <T>(kind: string) => {
          const res = await fetch(
            `${backend.baseUrl}/api/catalog/entities?filter=kind=${kind}&order=asc:metadata.name`,
            { headers },
          );
          expect(res.status).toBe(200);
          return (await res.json()) as T[];
        };
        type User = { metadata: { name: string }; spec: { memberOf: string[]; profile: Record<string, string> } };
        type Group = { metadata: { name: string }; spec: { parent?: string; children: string[]; members: string[] } };
        const names = async (kind: string) =>
          (await list<{ metadata: { name: string } }>(kind)).map((e) => e.metadata.name);
        await waitFor(
          async () =>
            (await names('user')).join(',') === 'alice,bob,carol' &&
            (await names('group')).join(',') === 'platform,sre',
          { what: 'the users and teams of the organization', timeoutMs: 30_000 },
        );
        const users = await list<User>('user');
        expect(users.map((u) => [u.metadata.name, u.spec.memberOf, u.spec.profile.email])).toEqual([
          ['alice', ['platform'], 'alice@acme.test'],
          ['bob', ['platform'], 'bob@acme.test'],
          ['carol', ['sre'], 'carol@acme.test'],
        ]);
        expect(users[0]!.spec.profile.displayName).toBe('Alice A');
        const groups = await list<Group>('group');
        expect(groups.map((g) => [g.metadata.name, g.spec.parent, g.spec.children, g.spec.members])).toEqual([
          ['platform', undefined, ['sre'], ['alice', 'bob']],
          ['sre', 'platform', [], ['carol']],
        ]);

        // Bob leaves the organization, Carol moves to the platform team.
        github.members.splice(1, 1);
        github.teams = [
          { slug: 'platform', name: 'Platform', members: ['alice', 'carol'] },
          { slug: 'sre', name: 'SRE', parent: 'platform', members: [] },
        ];
        await waitFor(
          async () => {
            const now = await list<User>('user');
            return (
              now.map((u) => `${u.metadata.name}:${u.spec.memberOf.join('+')}`).join(',') ===
              'alice:platform,carol:platform'
            );
          },
          { what: 'the next scheduled read to apply the changed membership', timeoutMs: 30_000 },
        );
      } finally {
        await backend.stop();
      }
    },
  );

  it.each(databases.eachSupportedId())(
    'follows push and repository events from the events service between scheduled runs, on %s',
    async (id) => {
      github.repos = [
        { name: 'cart', catalogInfo: component('cart', 'payments') },
        { name: 'deployer', catalogInfo: component('deployer', 'ops') },
      ];
      const origin = await github.start();
      const host = new URL(origin).host;
      const backend = await startTestBackend({
        features: [catalogPlugin, githubModule, eventsModule],
        config: {
          backend: { database: await databases.backendConfig(id as TestDatabaseId) },
          integrations: { github: [{ host, apiBaseUrl: `${origin}/api/v3`, token: TOKEN }] },
          catalog: {
            providers: {
              // One scheduled run at start, the next far beyond the test: what changes later comes by event.
              github: {
                acme: {
                  host,
                  organization: ORG,
                  schedule: { frequency: { hours: 1 }, timeout: { seconds: 30 }, initialDelay: { milliseconds: 10 } },
                },
              },
            },
          },
        },
      });
      try {
        const owners = async () => {
          const res = await fetch(
            `${backend.baseUrl}/api/catalog/entities?filter=kind=component&order=asc:metadata.name`,
            { headers },
          );
          expect(res.status).toBe(200);
          const items = (await res.json()) as { metadata: { name: string }; spec: { owner: string } }[];
          return items.map((c) => `${c.metadata.name}:${c.spec.owner}`).join(',');
        };
        await waitFor(async () => (await owners()) === 'cart:payments,deployer:ops', {
          what: 'the first scheduled discovery',
          timeoutMs: 30_000,
        });
        const graphqlCalls = github.graphqlVariables.length;

        // A push that changes the catalog file of cart: that one file is read again.
        github.repos[0]!.catalogInfo = component('cart', 'checkout');
        await events!.publish({
          topic: 'github.push',
          eventPayload: {
            ref: 'refs/heads/main',
            organization: { login: ORG },
            repository: webhookRepository(origin, 'cart'),
            commits: [{ added: [], removed: [], modified: ['catalog-info.yaml', 'README.md'] }],
          },
        });
        await waitFor(async () => (await owners()) === 'cart:checkout,deployer:ops', {
          what: 'the pushed catalog-info.yaml of cart to be read',
          timeoutMs: 30_000,
        });

        // A push that adds the catalog file to a new repository, and the deletion of another.
        github.repos.push({ name: 'billing', catalogInfo: component('billing', 'finance') });
        await events!.publish({
          topic: 'github.push',
          eventPayload: {
            ref: 'refs/heads/main',
            organization: { login: ORG },
            repository: webhookRepository(origin, 'billing'),
            commits: [{ added: ['catalog-info.yaml'], removed: [], modified: [] }],
          },
        });
        await events!.publish({
          topic: 'github.repository',
          eventPayload: {
            action: 'deleted',
            organization: { login: ORG },
            repository: webhookRepository(origin, 'deployer'),
          },
        });
        await waitFor(async () => (await owners()) === 'billing:finance,cart:checkout', {
          what: 'the added file to be read and the deleted repository to leave the catalog',
          timeoutMs: 30_000,
        });
        // All of it came by event: the organization was not listed again.
        expect(github.graphqlVariables).toHaveLength(graphqlCalls);
      } finally {
        await backend.stop();
      }
    },
  );
});
