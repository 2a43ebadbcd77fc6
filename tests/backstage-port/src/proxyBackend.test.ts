import { mockCredentials, startTestBackend } from '@trellis/backend-test-utils';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

// A published Backstage plugin, unchanged: the package's compiled code imports
// @backstage/backend-plugin-api, which this project's Jest config maps to @trellis/backend-plugin-api.
import proxyPlugin from '@backstage/plugin-proxy-backend';

let upstream: http.Server;
let upstreamUrl: string;

beforeAll(async () => {
  upstream = http.createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ path: req.url, authorization: req.headers.authorization ?? null }));
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => upstream.close(resolve));
});

async function startProxy() {
  return startTestBackend({
    features: [proxyPlugin],
    config: {
      proxy: {
        endpoints: {
          '/open': { target: upstreamUrl, credentials: 'dangerously-allow-unauthenticated' },
          '/closed': { target: upstreamUrl },
        },
      },
    },
  });
}

describe('@backstage/plugin-proxy-backend on Trellis', () => {
  it('proxies an open endpoint to its target without credentials', async () => {
    const backend = await startProxy();
    const res = await fetch(`${backend.baseUrl}/api/proxy/open/hello?x=1`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ path: '/hello?x=1', authorization: null });
    await backend.stop();
  });

  it('requires credentials on an endpoint with the default policy, and drops them before the target', async () => {
    const backend = await startProxy();
    expect((await fetch(`${backend.baseUrl}/api/proxy/closed/hello`)).status).toBe(401);
    const res = await fetch(`${backend.baseUrl}/api/proxy/closed/hello`, {
      headers: { authorization: mockCredentials.user.header() },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ path: '/hello', authorization: null });
    await backend.stop();
  });
});
