import { createBackendModule } from '@trellis/backend-plugin-api';
import { mockCredentials, startTestBackend, TestDatabaseId, TestDatabases, waitFor } from '@trellis/backend-test-utils';

// Published packages, unchanged: both import @backstage/backend-plugin-api, mapped to ours.
import techInsightsPlugin from '@backstage-community/plugin-tech-insights-backend';
import { techInsightsFactRetrieversExtensionPoint } from '@backstage-community/plugin-tech-insights-node';

const ENTITY = 'component:default/service-a';

// A fact retriever added through the plugin's published extension point, as an adopter's module
// would: the plugin schedules it with our scheduler and stores its facts in our database.
const answerRetrieverModule = createBackendModule({
  pluginId: 'tech-insights',
  moduleId: 'answer-retriever',
  register(env) {
    env.registerInit({
      deps: { retrievers: techInsightsFactRetrieversExtensionPoint },
      async init({ retrievers }) {
        retrievers.addFactRetrievers({
          answerRetriever: {
            id: 'answerRetriever',
            version: '0.1.0',
            entityFilter: [{ kind: 'component' }],
            schema: { answer: { type: 'integer', description: 'The answer' } },
            handler: async () => [
              { entity: { namespace: 'default', kind: 'component', name: 'service-a' }, facts: { answer: 42 } },
            ],
          },
        });
      },
    });
  },
});

const databases = TestDatabases.create();
const headers = { authorization: mockCredentials.user.header() };

describe('@backstage-community/plugin-tech-insights-backend on Trellis', () => {
  it.each(databases.eachSupportedId())(
    'migrates its database, runs its scheduled fact retriever and serves the facts on %s',
    async (id) => {
      const backend = await startTestBackend({
        features: [techInsightsPlugin, answerRetrieverModule],
        config: {
          backend: { database: await databases.backendConfig(id as TestDatabaseId) },
          techInsights: {
            factRetrievers: {
              answerRetriever: { cadence: '* * * * * *', initialDelay: { milliseconds: 10 } },
            },
          },
        },
      });
      const base = `${backend.baseUrl}/api/tech-insights`;
      expect((await fetch(`${base}/fact-schemas`)).status).toBe(401);

      const schemas = await (await fetch(`${base}/fact-schemas?ids[]=answerRetriever`, { headers })).json();
      expect(schemas).toEqual([expect.objectContaining({ id: 'answerRetriever', answer: expect.anything() })]);

      const facts = await waitFor(
        async () => {
          const res = await fetch(`${base}/facts/latest?entity=${ENTITY}&ids[]=answerRetriever`, { headers });
          const body = (await res.json()) as Record<string, { facts: { answer: number } }>;
          return body.answerRetriever ? body : undefined;
        },
        { what: 'the scheduled retriever to store its fact', timeoutMs: 60_000 },
      );
      expect(facts.answerRetriever).toMatchObject({ id: 'answerRetriever', facts: { answer: 42 } });

      const missingIds = await fetch(`${base}/facts/latest?entity=${ENTITY}`, { headers });
      expect(missingIds.status).toBe(422);
      await backend.stop();
    },
  );
});
