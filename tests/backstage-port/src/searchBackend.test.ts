import { coreServices, createBackendModule, createServiceFactory } from '@trellis/backend-plugin-api';
import { mockCredentials, startTestBackend, waitFor } from '@trellis/backend-test-utils';
import { AuthorizeResult } from '@trellis/plugin-permission-common';
import { Readable } from 'node:stream';

// Published packages, unchanged: their imports of @backstage/backend-plugin-api (and /alpha)
// resolve to ours. With no engine module the plugin indexes into its in-memory Lunr engine.
import searchPlugin from '@backstage/plugin-search-backend';
import { searchIndexRegistryExtensionPoint } from '@backstage/plugin-search-backend-node/alpha';

const headers = { authorization: mockCredentials.user.header() };
const json = (response: Response): Promise<any> => response.json();

const HANDBOOK = [
  { title: 'Onboarding', text: 'How to set up your laptop and accounts', location: '/docs/onboarding' },
  { title: 'On call', text: 'What to do when the pager rings at night', location: '/docs/on-call' },
];
const INCIDENTS = [
  { title: 'Pager outage', text: 'The pager provider was down for an hour', location: '/incidents/1' },
];

// Collators added through the plugin's published extension point, as an adopter's module would:
// the plugin runs them on our scheduler and indexes what they yield. Incidents are visible only to
// whom the permission policy allows.
const collatorsModule = createBackendModule({
  pluginId: 'search',
  moduleId: 'test-collators',
  register(env) {
    env.registerInit({
      deps: { indexRegistry: searchIndexRegistryExtensionPoint, scheduler: coreServices.scheduler },
      async init({ indexRegistry, scheduler }) {
        const schedule = () =>
          scheduler.createScheduledTaskRunner({
            frequency: { minutes: 10 },
            timeout: { minutes: 1 },
            initialDelay: { milliseconds: 10 },
          });
        indexRegistry.addCollator({
          schedule: schedule(),
          factory: { type: 'handbook', getCollator: async () => Readable.from(HANDBOOK) },
        });
        indexRegistry.addCollator({
          schedule: schedule(),
          factory: {
            type: 'incidents',
            visibilityPermission: { type: 'basic', name: 'incidents.read', attributes: { action: 'read' } },
            getCollator: async () => Readable.from(INCIDENTS),
          },
        });
      },
    });
  },
});

const titles = (body: { results: { document: { title: string } }[] }) =>
  body.results.map((r) => r.document.title).sort();

describe('@backstage/plugin-search-backend on Trellis', () => {
  it('indexes scheduled collators and answers queries by term, type and page', async () => {
    const backend = await startTestBackend({ features: [searchPlugin, collatorsModule] });
    const base = `${backend.baseUrl}/api/search`;
    expect((await fetch(`${base}/query?term=pager`)).status).toBe(401);

    const found = await waitFor(
      async () => {
        const body = await json(await fetch(`${base}/query?term=pager`, { headers }));
        return body.results.length === 2 ? body : undefined;
      },
      { what: 'both collators to be indexed', timeoutMs: 60_000 },
    );
    expect(titles(found)).toEqual(['On call', 'Pager outage']);

    // Types as @backstage/plugin-search's client sends them (qs.stringify: types[0]=...).
    const handbookOnly = await json(await fetch(`${base}/query?term=pager&types%5B0%5D=handbook`, { headers }));
    expect(titles(handbookOnly)).toEqual(['On call']);
    const unknownType = await fetch(`${base}/query?term=pager&types%5B0%5D=nope`, { headers });
    expect(unknownType.status).toBe(400);

    const firstPage = await json(await fetch(`${base}/query?term=on&pageLimit=1`, { headers }));
    expect(firstPage.results).toHaveLength(1);
    expect(firstPage.nextPageCursor).toEqual(expect.any(String));
    await backend.stop();
  });

  it('hides documents of a type the permission policy denies, when permissions are enabled', async () => {
    // A policy that changes its mind: incidents are allowed until both types are indexed.
    let incidentsAllowed = true;
    const decide = (permission: { name: string }) =>
      permission.name !== 'incidents.read' || incidentsAllowed ? AuthorizeResult.ALLOW : AuthorizeResult.DENY;
    const permissions = createServiceFactory({
      service: coreServices.permissions,
      deps: {},
      factory: () => ({
        authorize: async (requests: { permission: { name: string } }[]) =>
          requests.map((r) => ({ result: decide(r.permission) })),
        authorizeConditional: async (requests: { permission: { name: string } }[]) =>
          requests.map((r) => ({ result: decide(r.permission) })),
      }),
    });
    const backend = await startTestBackend({
      features: [searchPlugin, collatorsModule, permissions],
      config: { permission: { enabled: true } },
    });
    const base = `${backend.baseUrl}/api/search`;
    await waitFor(async () => (await json(await fetch(`${base}/query?term=pager`, { headers }))).results.length === 2, {
      what: 'both collators to be indexed',
      timeoutMs: 60_000,
    });
    incidentsAllowed = false;
    expect(titles(await json(await fetch(`${base}/query?term=pager`, { headers })))).toEqual(['On call']);
    const onlyIncidents = await json(await fetch(`${base}/query?term=pager&types%5B0%5D=incidents`, { headers }));
    expect(onlyIncidents.results).toEqual([]);
    await backend.stop();
  });
});
