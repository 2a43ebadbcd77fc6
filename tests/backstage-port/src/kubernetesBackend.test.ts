import { mockCredentials, startTestBackend } from '@trellis/backend-test-utils';
import http from 'node:http';
import { AddressInfo } from 'node:net';

// The published package, unchanged: its imports of @backstage/backend-plugin-api and
// @backstage/plugin-catalog-node resolve to ours. It loads @kubernetes/client-node (ES modules
// only) with import() from its CommonJS build, which the shared Jest preset compiles.
import kubernetesPlugin from '@backstage/plugin-kubernetes-backend';

const headers = { authorization: mockCredentials.user.header() };

describe('@backstage/plugin-kubernetes-backend on Trellis', () => {
  let api: http.Server;
  const seen: { method?: string; url?: string; authorization?: string }[] = [];

  beforeAll(async () => {
    // A stand-in for a cluster's API server on loopback.
    api = http.createServer((req, res) => {
      seen.push({ method: req.method, url: req.url, authorization: req.headers.authorization });
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ kind: 'NamespaceList', items: [{ metadata: { name: 'payments' } }] }));
    });
    await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
  });

  afterAll(async () => {
    await new Promise((resolve) => api.close(resolve));
  });

  it('starts with clusters from config, lists them and proxies to a cluster with its token', async () => {
    const { port } = api.address() as AddressInfo;
    const backend = await startTestBackend({
      features: [kubernetesPlugin],
      config: {
        kubernetes: {
          serviceLocatorMethod: { type: 'multiTenant' },
          clusterLocatorMethods: [
            {
              type: 'config',
              clusters: [
                {
                  name: 'local',
                  url: `http://127.0.0.1:${port}`,
                  authProvider: 'serviceAccount',
                  serviceAccountToken: 'cluster-sa-token',
                },
              ],
            },
          ],
        },
      },
    });
    const base = `${backend.baseUrl}/api/kubernetes`;
    expect((await fetch(`${base}/clusters`)).status).toBe(401);
    const clusters = await fetch(`${base}/clusters`, { headers });
    expect(clusters.status).toBe(200);
    expect(await clusters.json()).toEqual({ items: [{ name: 'local', authProvider: 'serviceAccount' }] });

    const proxied = await fetch(`${base}/proxy/api/v1/namespaces`, {
      headers: { ...headers, 'Backstage-Kubernetes-Cluster': 'local' },
    });
    expect(proxied.status).toBe(200);
    expect(await proxied.json()).toEqual({ kind: 'NamespaceList', items: [{ metadata: { name: 'payments' } }] });
    // The user's token stays here; the cluster gets the service account's.
    expect(seen).toEqual([{ method: 'GET', url: '/api/v1/namespaces', authorization: 'Bearer cluster-sa-token' }]);

    const unknownCluster = await fetch(`${base}/proxy/api/v1/namespaces`, {
      headers: { ...headers, 'Backstage-Kubernetes-Cluster': 'nope' },
    });
    expect(unknownCluster.status).toBe(404);
    await backend.stop();
  });
});
