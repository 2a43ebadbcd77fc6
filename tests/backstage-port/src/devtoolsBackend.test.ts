import type { JsonObject } from '@trellis/backend-plugin-api';
import { mockCredentials, mockServices, startTestBackend } from '@trellis/backend-test-utils';
import http from 'node:http';
import { AddressInfo } from 'node:net';

// The published package, unchanged: its imports of @backstage/backend-plugin-api resolve to ours.
// Every route asks our permissions service, and its permissions are in our registry.
import devtoolsPlugin from '@backstage/plugin-devtools-backend';

const headers = { authorization: mockCredentials.user.header() };
const json = (response: Response): Promise<any> => response.json();

describe('@backstage/plugin-devtools-backend on Trellis', () => {
  let upstream: http.Server;
  let config: JsonObject;

  beforeAll(async () => {
    // An external dependency devtools checks: 200 on /up, 503 on /down.
    upstream = http.createServer((req, res) => {
      res.statusCode = req.url === '/up' ? 200 : 503;
      res.end();
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const { port } = upstream.address() as AddressInfo;
    config = {
      devTools: {
        externalDependencies: {
          endpoints: [
            { name: 'billing', type: 'fetch', target: `http://127.0.0.1:${port}/up` },
            { name: 'ledger', type: 'fetch', target: `http://127.0.0.1:${port}/down` },
          ],
        },
      },
    };
  });

  afterAll(async () => {
    await new Promise((resolve) => upstream.close(resolve));
  });

  it('answers its routes to a user the policy allows and registers its permissions', async () => {
    const backend = await startTestBackend({ features: [devtoolsPlugin], config });
    const base = `${backend.baseUrl}/api/devtools`;
    expect((await fetch(`${base}/health`)).status).toBe(200);
    expect((await fetch(`${base}/info`)).status).toBe(401);

    const info = await fetch(`${base}/info`, { headers });
    expect(info.status).toBe(200);
    expect(await json(info)).toMatchObject({ nodeJsVersion: process.version, dependencies: expect.any(Array) });

    const dependencies = await json(await fetch(`${base}/external-dependencies`, { headers }));
    expect(dependencies).toEqual([
      expect.objectContaining({ name: 'billing', status: 'Healthy' }),
      expect.objectContaining({ name: 'ledger', status: 'Unhealthy' }),
    ]);

    // The permission plugin reads a plugin's permissions from its metadata route.
    const metadata = await json(
      await fetch(`${base}/.well-known/backstage/permissions/metadata`, {
        headers: { authorization: mockCredentials.service.header() },
      }),
    );
    expect(metadata.permissions.map((p: { name: string }) => p.name)).toEqual(
      expect.arrayContaining(['devtools.info', 'devtools.config', 'devtools.external-dependencies']),
    );
    await backend.stop();
  });

  it('answers 403 where the permission policy denies', async () => {
    const backend = await startTestBackend({
      features: [devtoolsPlugin, mockServices.permissions.factory({ result: 'DENY' })],
      config,
    });
    const base = `${backend.baseUrl}/api/devtools`;
    for (const route of ['info', 'config', 'external-dependencies']) {
      const response = await fetch(`${base}/${route}`, { headers });
      expect([route, response.status]).toEqual([route, 403]);
    }
    await backend.stop();
  });
});
