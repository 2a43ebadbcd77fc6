import { coreServices, createBackendPlugin } from '@trellis/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabaseId,
  TestDatabases,
} from '@trellis/backend-test-utils';
import express from 'express';

// The published package, unchanged: its imports of @backstage/backend-plugin-api resolve to ours.
// It asks the catalog for entities through @backstage/catalog-client (our discovery and tokens),
// reads the source tree through our urlReader and keeps reports in our database.
import codeCoveragePlugin from '@backstage-community/plugin-code-coverage-backend';

const REPO = 'https://github.com/acme/payments/tree/main';
const ENTITY = 'component:default/payments';
const headers = { authorization: mockCredentials.user.header() };
const json = (response: Response): Promise<any> => response.json();

// A catalog holding one component, served on the routes @backstage/catalog-client calls; it
// checks that the plugin calls it with a token, as the real catalog would.
const COMPONENT = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'payments',
    namespace: 'default',
    annotations: {
      'backstage.io/source-location': `url:${REPO}/`,
      'backstage.io/code-coverage': 'scm-only',
    },
  },
  spec: { type: 'service', lifecycle: 'production', owner: 'team-a' },
};
const catalogStub = createBackendPlugin({
  pluginId: 'catalog',
  register(env) {
    env.registerInit({
      deps: { httpRouter: coreServices.httpRouter, httpAuth: coreServices.httpAuth },
      async init({ httpRouter, httpAuth }) {
        const router = express.Router();
        router.get('/entities/by-name/:kind/:namespace/:name', async (req, res) => {
          await httpAuth.credentials(req, { allow: ['user', 'service'] });
          const { kind, namespace, name } = req.params;
          const found =
            kind.toLowerCase() === 'component' && namespace === 'default' && name === COMPONENT.metadata.name;
          if (found) {
            res.json(COMPONENT);
          } else {
            res.status(404).json({ error: { name: 'NotFoundError', message: 'no such entity' } });
          }
        });
        httpRouter.use(router);
      },
    });
  },
});

// Committed files: coverage of files outside the repository is dropped ("scm-only").
const urlReader = mockServices.urlReader.factory({
  files: {
    [`${REPO}/src/pay.ts`]: 'export function pay() {\n  return 1;\n}\n',
    [`${REPO}/src/refund.ts`]: 'export function refund() {\n  return 2;\n}\n',
  },
});

const LCOV = [
  'SF:/build/src/pay.ts',
  'DA:1,1',
  'DA:2,1',
  'DA:3,0',
  'end_of_record',
  'SF:/build/src/refund.ts',
  'DA:1,0',
  'DA:2,0',
  'end_of_record',
  'SF:/build/generated/tmp.ts',
  'DA:1,1',
  'end_of_record',
  '',
].join('\n');

const databases = TestDatabases.create();

describe('@backstage-community/plugin-code-coverage-backend on Trellis', () => {
  it.each(databases.eachSupportedId())(
    'takes an lcov report for a catalog entity, stores it and serves report, history and files on %s',
    async (id) => {
      const backend = await startTestBackend({
        features: [codeCoveragePlugin, catalogStub, urlReader],
        config: {
          backend: { database: await databases.backendConfig(id as TestDatabaseId) },
        },
      });
      const base = `${backend.baseUrl}/api/code-coverage`;
      expect((await fetch(`${base}/health`)).status).toBe(200);
      expect((await fetch(`${base}/report?entity=${ENTITY}`)).status).toBe(401);

      // No report yet, and no such entity.
      expect((await fetch(`${base}/report?entity=${ENTITY}`, { headers })).status).toBe(404);
      expect((await fetch(`${base}/report?entity=component:default/nope`, { headers })).status).toBe(404);

      const posted = await fetch(`${base}/report?entity=${ENTITY}&coverageType=lcov`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'text/plain' },
        body: LCOV,
      });
      expect(posted.status).toBe(201);
      expect(await json(posted)).toEqual({
        links: [{ rel: 'coverage', href: `${backend.baseUrl}/api/code-coverage/report?entity=${ENTITY}` }],
      });

      const unknownType = await fetch(`${base}/report?entity=${ENTITY}&coverageType=gcov`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'text/plain' },
        body: LCOV,
      });
      expect(unknownType.status).toBe(400);

      const report = await json(await fetch(`${base}/report?entity=${ENTITY}`, { headers }));
      expect(report.entity).toEqual({ name: 'payments', namespace: 'default', kind: 'Component' });
      expect(report.metadata.vcs).toEqual({ type: 'github', location: `${REPO}/` });
      expect(report.files.map((f: { filename: string }) => f.filename).sort()).toEqual(['src/pay.ts', 'src/refund.ts']);
      // 2 of 5 committed lines hit.
      expect(report.aggregate.line).toMatchObject({ available: 5, covered: 2, missed: 3, percentage: 40 });

      const history = await json(await fetch(`${base}/history?entity=${ENTITY}&limit=5`, { headers }));
      expect(history.history).toHaveLength(1);

      const file = await fetch(`${base}/file-content?entity=${ENTITY}&path=src/pay.ts`, { headers });
      expect(file.status).toBe(200);
      expect(await file.text()).toBe('export function pay() {\n  return 1;\n}\n');
      expect((await fetch(`${base}/file-content?entity=${ENTITY}&path=src/none.ts`, { headers })).status).toBe(404);
      expect((await fetch(`${base}/file-content?entity=${ENTITY}`, { headers })).status).toBe(400);
      await backend.stop();
    },
  );
});
