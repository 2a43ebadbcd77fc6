import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mockCredentials, startTestBackend, TestBackend } from '@trellis/backend-test-utils';
import openapiModule from '.';

const ENTITIES = `
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: { name: team-orders }
spec: { type: team, children: [] }
---
apiVersion: backstage.io/v1alpha1
kind: API
metadata: { name: orders-api }
spec: { type: openapi, lifecycle: production, owner: team-orders, definition: { $openapi: ./openapi/orders.json } }
---
apiVersion: backstage.io/v1alpha1
kind: API
metadata: { name: sneaky-api }
spec: { type: openapi, lifecycle: production, owner: team-orders, definition: { $openapi: ../../etc/passwd } }
`;

// JSON, so that the catalog's **/*.yaml glob does not read the definition as an entity file.
const ORDERS = JSON.stringify(
  { openapi: '3.0.3', info: { title: 'Orders API', version: '2.3.0' }, paths: {} },
  null,
  2,
);

describe("module 'openapi' of the catalog", () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'trellis-openapi-module-'));
    await mkdir(join(dir, 'apis', 'openapi'), { recursive: true });
    await writeFile(join(dir, 'apis', 'catalog-info.yaml'), ENTITIES);
    await writeFile(join(dir, 'apis', 'openapi', 'orders.json'), ORDERS);
  });

  afterAll(() => rm(dir, { recursive: true, force: true }));

  const start = async (withModule: boolean) => {
    const backend = await startTestBackend({
      features: [import('@trellis/plugin-catalog-backend'), ...(withModule ? [openapiModule] : [])],
      config: { catalog: { locations: [{ type: 'file', target: `${dir}/**/*.yaml` }] } },
    });
    await waitFor(backend, '/entities/by-ref/group:default/team-orders');
    return backend;
  };

  describe('installed', () => {
    let backend: TestBackend;
    beforeAll(async () => void (backend = await start(true)));
    afterAll(() => backend?.stop());

    it('attaches the definition file through the processing extension point', async () => {
      const { status, body } = await get(backend, '/entities/by-ref/api:default/orders-api');
      expect(status).toBe(200);
      expect(body.spec.definition).toBe(ORDERS);
      expect(body.metadata).toMatchObject({
        title: 'Orders API',
        annotations: { 'trellis.dev/openapi-version': '3.0.3', 'trellis.dev/api-version': '2.3.0' },
      });
      expect(body.relations).toEqual([{ type: 'ownedBy', targetRef: 'group:default/team-orders' }]);
    });

    it('records a refused definition against its entity and keeps the others', async () => {
      expect((await get(backend, '/entities/by-ref/api:default/sneaky-api')).status).toBe(404);
      const { body } = await get(backend, '/errors');
      expect(body.items).toEqual([
        expect.objectContaining({
          entityRef: 'api:default/sneaky-api',
          message: expect.stringContaining("$openapi '../../etc/passwd' leaves the folder of the entity's file"),
        }),
      ]);
    });
  });

  it('is what makes $openapi definitions valid: without it the catalog refuses them', async () => {
    const backend = await start(false);
    expect((await get(backend, '/entities/by-ref/api:default/orders-api')).status).toBe(404);
    const { body } = await get(backend, '/errors');
    expect(body.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          entityRef: 'api:default/orders-api',
          message: expect.stringContaining('spec.definition'),
        }),
      ]),
    );
    await backend.stop();
  });
});

async function get(backend: TestBackend, path: string): Promise<{ status: number; body: any }> {
  const response = await fetch(`${backend.baseUrl}/api/catalog${path}`, {
    headers: { authorization: mockCredentials.user.header() },
  });
  return { status: response.status, body: await response.json() };
}

/** The catalog reads its files after start; waits until `path` answers 200. */
async function waitFor(backend: TestBackend, path: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while ((await get(backend, path)).status !== 200) {
    if (Date.now() > deadline) {
      throw new Error(`the catalog did not serve ${path} within 15 s`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
