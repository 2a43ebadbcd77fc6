import { coreServices, createBackendPlugin } from '@trellis/backend-plugin-api';
import { createPermission } from '@trellis/plugin-permission-common';
import express from 'express';
import { readJson } from '../../testing/readJson';
import { startBackend, StartedBackend } from '../../testing/startBackend';
import { startUserTokenIssuer } from '../../testing/userTokens';

const READ = createPermission({ name: 'probe.thing.read', attributes: { action: 'read' } });
const WRITE = createPermission({ name: 'probe.thing.write', attributes: { action: 'update' } });
const READER_TOKEN = 'reader-token-0123456789-abcdefghij';
const UPDATER_TOKEN = 'updater-token-0123456789-abcdefghi';
const FULL_TOKEN = 'full-token-0123456789-abcdefghijklm';

/** Answers what the permissions and user info services say about the caller. */
const probePlugin = createBackendPlugin({
  pluginId: 'probe',
  register(env) {
    env.registerInit({
      deps: {
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        permissions: coreServices.permissions,
        userInfo: coreServices.userInfo,
      },
      async init({ httpRouter, httpAuth, permissions, userInfo }) {
        const router = express.Router();
        router.get('/decisions', async (req, res) => {
          const credentials = await httpAuth.credentials(req);
          const decisions = await permissions.authorize([{ permission: READ }, { permission: WRITE }], { credentials });
          res.json(decisions.map((d) => d.result));
        });
        router.get('/me', async (req, res) => {
          res.json(await userInfo.getUserInfo(await httpAuth.credentials(req)));
        });
        httpRouter.use(router);
      },
    });
  },
});

describe('permissions and user info with real tokens', () => {
  let backend: StartedBackend;
  let issuer: Awaited<ReturnType<typeof startUserTokenIssuer>>;

  beforeAll(async () => {
    issuer = await startUserTokenIssuer();
    backend = await startBackend({
      features: [probePlugin],
      config: {
        permission: { enabled: true },
        backend: {
          auth: {
            externalAccess: [
              issuer.accessEntry,
              {
                type: 'static',
                options: { token: READER_TOKEN, subject: 'reader' },
                accessRestrictions: [{ plugin: 'probe', permission: 'probe.thing.read' }],
              },
              {
                type: 'static',
                options: { token: UPDATER_TOKEN, subject: 'updater' },
                accessRestrictions: [{ plugin: 'probe', permissionAttribute: { action: ['update', 'delete'] } }],
              },
              { type: 'static', options: { token: FULL_TOKEN, subject: 'full' } },
            ],
          },
        },
      },
    });
  });

  afterAll(async () => {
    await backend?.stop();
    await issuer?.stop();
  });

  const get = async (path: string, token: string) => {
    const response = await fetch(`${backend.baseUrl}/api/probe${path}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    return { status: response.status, body: await readJson(response) };
  };

  it('grants a static token only the permissions and actions its access restrictions name', async () => {
    expect((await get('/decisions', READER_TOKEN)).body).toEqual(['ALLOW', 'DENY']);
    expect((await get('/decisions', UPDATER_TOKEN)).body).toEqual(['DENY', 'ALLOW']);
    expect((await get('/decisions', FULL_TOKEN)).body).toEqual(['ALLOW', 'ALLOW']);
  });

  it("takes a user's ownership from the ent claim of their token, without asking the catalog", async () => {
    const token = await issuer.mint('user:default/ada', { ent: ['user:default/ada', 'group:default/payments'] });
    expect(await get('/me', token)).toEqual({
      status: 200,
      body: { userEntityRef: 'user:default/ada', ownershipEntityRefs: ['user:default/ada', 'group:default/payments'] },
    });
  });

  it('answers 503 for a user without an ent claim while the catalog cannot be reached', async () => {
    const token = await issuer.mint('user:default/bob');
    expect((await get('/me', token)).status).toBe(503);
  });
});
