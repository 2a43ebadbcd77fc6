import { mockCredentials, startTestBackend, TestDatabaseId, TestDatabases, waitFor } from '@trellis/backend-test-utils';
import catalogPlugin from '@trellis/plugin-catalog-backend';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';

// Published package, unchanged: it imports @backstage/backend-plugin-api and
// @backstage/plugin-catalog-node, both mapped to ours.
import puppetDbModule from '@backstage/plugin-catalog-backend-module-puppetdb';

/** A node as PuppetDB's `GET /pdb/query/v4/factsets` lists it. */
interface FactSet {
  certname: string;
  environment: string;
  latest_report_status?: string;
  facts: { href: string; data: { name: string; value: unknown }[] };
}

function factSet(certname: string, facts: Record<string, unknown>, status?: string): FactSet {
  return {
    certname,
    environment: 'production',
    latest_report_status: status,
    facts: {
      href: `/pdb/query/v4/factsets/${certname}/facts`,
      data: Object.entries(facts).map(([name, value]) => ({ name, value })),
    },
  };
}

/** Answers PuppetDB's fact-set query from `nodes`, and keeps the queries it was sent. */
class FakePuppetDb {
  nodes: FactSet[] = [];
  readonly queries: (string | null)[] = [];
  readonly #server: Server;

  constructor() {
    this.#server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://puppetdb');
      if (req.method !== 'GET' || url.pathname !== '/pdb/query/v4/factsets') {
        res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'not found' }));
        return;
      }
      this.queries.push(url.searchParams.get('query'));
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(this.nodes));
    });
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}

const databases = TestDatabases.create();
const headers = { authorization: mockCredentials.user.header() };
const QUERY = '["=", "catalog_environment", "production"]';

interface ServedEntity {
  kind: string;
  metadata: { name: string; description?: string; tags?: string[]; annotations: Record<string, string> };
  spec: { type: string; owner: string };
  relations: { type: string; targetRef: string }[];
}

describe('@backstage/plugin-catalog-backend-module-puppetdb on Trellis', () => {
  let puppetDb: FakePuppetDb;

  beforeEach(() => {
    puppetDb = new FakePuppetDb();
  });

  afterEach(async () => {
    await puppetDb.stop();
  });

  it.each(databases.eachSupportedId())(
    'serves the PuppetDB nodes as Resource entities and follows changes on its schedule, on %s',
    async (id) => {
      puppetDb.nodes = [
        factSet('web-1.acme.test', { is_virtual: true, kernel: 'Linux', ipaddress: '10.0.0.1' }, 'unchanged'),
        factSet('db-1.acme.test', { is_virtual: false, kernel: 'Linux', ipaddress: '10.0.0.2' }, 'failed'),
      ];
      const baseUrl = await puppetDb.start();
      const backend = await startTestBackend({
        features: [catalogPlugin, puppetDbModule],
        config: {
          backend: { database: await databases.backendConfig(id as TestDatabaseId) },
          catalog: {
            providers: {
              puppetdb: {
                baseUrl: `${baseUrl}/`,
                query: QUERY,
                schedule: { frequency: { seconds: 1 }, timeout: { seconds: 30 }, initialDelay: { milliseconds: 10 } },
              },
            },
          },
        },
      });
      try {
        const list = async (): Promise<ServedEntity[]> => {
          const res = await fetch(
            `${backend.baseUrl}/api/catalog/entities?filter=kind=resource&order=asc:metadata.name`,
            {
              headers,
            },
          );
          expect(res.status).toBe(200);
          return (await res.json()) as ServedEntity[];
        };

        const first = await waitFor(async () => ((await list()).length === 2 ? list() : undefined), {
          what: 'the PuppetDB nodes to appear in the catalog',
          timeoutMs: 30_000,
        });
        expect(first.map((e) => e.metadata.name)).toEqual(['db-1.acme.test', 'web-1.acme.test']);
        const [db, web] = first;
        expect(web).toMatchObject({
          kind: 'Resource',
          metadata: {
            description: '10.0.0.1',
            tags: ['linux', 'unchanged'],
            annotations: {
              'puppet.com/certname': 'web-1.acme.test',
              'backstage.io/managed-by-location': `url:${baseUrl}/pdb/query/v4/nodes/web-1.acme.test`,
              'backstage.io/managed-by-origin-location': `url:${baseUrl}/pdb/query/v4/nodes/web-1.acme.test`,
            },
          },
          spec: { type: 'virtual-machine', owner: 'unknown' },
        });
        expect(web!.relations).toEqual([{ type: 'ownedBy', targetRef: 'group:default/unknown' }]);
        expect(db).toMatchObject({ spec: { type: 'physical-server' }, metadata: { tags: ['linux', 'failed'] } });
        expect(puppetDb.queries[0]).toBe(QUERY);
        const byCertname = await fetch(
          `${backend.baseUrl}/api/catalog/entities?filter=metadata.annotations.puppet.com/certname=db-1.acme.test&fields=metadata.name`,
          { headers },
        );
        expect(await byCertname.json()).toEqual([{ metadata: { name: 'db-1.acme.test' } }]);

        // One node gone, one changed, one new: the next scheduled run applies them all.
        puppetDb.nodes = [
          factSet('web-1.acme.test', { is_virtual: true, kernel: 'Linux', ipaddress: '10.0.0.9' }, 'changed'),
          factSet('cache-1.acme.test', { is_virtual: true, kernel: 'windows' }),
        ];
        const second = await waitFor(
          async () => {
            const entities = await list();
            const names = entities.map((e) => e.metadata.name).join(',');
            return names === 'cache-1.acme.test,web-1.acme.test' ? entities : undefined;
          },
          { what: 'the next scheduled PuppetDB read to replace the nodes', timeoutMs: 30_000 },
        );
        expect(second[0]).toMatchObject({ metadata: { tags: ['windows'] }, spec: { type: 'virtual-machine' } });
        // One mutation, one transaction: the changed node is stored with the others.
        expect(second[1]).toMatchObject({ metadata: { description: '10.0.0.9', tags: ['linux', 'changed'] } });
        expect((await fetch(`${backend.baseUrl}/api/catalog/entities`)).status).toBe(401);
      } finally {
        await backend.stop();
      }
    },
  );
});
