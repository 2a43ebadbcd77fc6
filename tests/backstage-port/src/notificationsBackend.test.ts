import { coreServices, createBackendPlugin } from '@trellis/backend-plugin-api';
import { mockCredentials, startTestBackend, TestDatabaseId, TestDatabases, waitFor } from '@trellis/backend-test-utils';
import express from 'express';
import WebSocket from 'ws';

// Published packages, unchanged: their imports of @backstage/backend-plugin-api (and /alpha) and
// @backstage/plugin-events-node resolve to ours through the moduleNameMapper of package.json.
import notificationsPlugin from '@backstage/plugin-notifications-backend';
import signalsPlugin from '@backstage/plugin-signals-backend';
import { notificationService } from '@backstage/plugin-notifications-node';

const ADA = 'user:default/ada';
const GRACE = 'user:default/grace';
const json = (response: Response): Promise<any> => response.json();
const asUser = (ref: string) => ({
  authorization: mockCredentials.user.header(ref),
  'content-type': 'application/json',
});

// Another plugin that notifies users through the published notifications client library, as a CI
// plugin would: it finds the notifications plugin by discovery and calls it with its own token.
const senderPlugin = createBackendPlugin({
  pluginId: 'sender',
  register(env) {
    env.registerInit({
      deps: { httpRouter: coreServices.httpRouter, notifications: notificationService },
      async init({ httpRouter, notifications }) {
        const router = express.Router();
        router.use(express.json());
        router.post('/send', async (req, res) => {
          await notifications.send(req.body);
          res.status(204).end();
        });
        httpRouter.use(router);
      },
    });
  },
});

const databases = TestDatabases.create();

describe('@backstage/plugin-notifications-backend and @backstage/plugin-signals-backend on Trellis', () => {
  it.each(databases.eachSupportedId())(
    'stores notifications per user, pushes them as signals and answers its routes on %s',
    async (id) => {
      const backend = await startTestBackend({
        features: [notificationsPlugin, signalsPlugin, senderPlugin],
        config: {
          app: { baseUrl: 'http://localhost:3000' },
          backend: { database: await databases.backendConfig(id as TestDatabaseId) },
        },
      });
      const base = `${backend.baseUrl}/api/notifications`;
      const send = (body: unknown) =>
        fetch(`${backend.baseUrl}/api/sender/send`, {
          method: 'POST',
          headers: asUser(ADA),
          body: JSON.stringify(body),
        });

      expect((await fetch(`${base}/notifications`)).status).toBe(401);
      // Creating notifications is for services only.
      const byUser = await fetch(base, {
        method: 'POST',
        headers: asUser(ADA),
        body: JSON.stringify({ recipients: { type: 'broadcast' }, payload: { title: 'x' } }),
      });
      expect(byUser.status).toBe(403);

      // Ada listens for signals over the WebSocket of the signals plugin, with her token.
      const socket = new WebSocket(`${backend.baseUrl.replace('http', 'ws')}/api/signals`, {
        headers: { authorization: mockCredentials.user.header(ADA) },
      });
      const signals: { channel: string; message: { action: string; notification_id?: string } }[] = [];
      socket.on('message', (data) => signals.push(JSON.parse(String(data))));
      await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
      socket.send(JSON.stringify({ action: 'subscribe', channel: 'notifications' }));

      // The subscription has no acknowledgement: notify until a signal for it arrives.
      const signal = await waitFor(
        async () => {
          expect(
            (await send({ recipients: { type: 'entity', entityRef: ADA }, payload: { title: 'Build failed' } })).status,
          ).toBe(204);
          return signals.find((s) => s.channel === 'notifications' && s.message.action === 'new_notification');
        },
        { what: 'a new_notification signal on the notifications channel', timeoutMs: 30_000, intervalMs: 200 },
      );
      socket.close();

      const list = await json(await fetch(`${base}/notifications`, { headers: asUser(ADA) }));
      expect(list.totalCount).toBeGreaterThanOrEqual(1);
      expect(list.notifications[0]).toMatchObject({
        user: ADA,
        origin: 'plugin:sender',
        payload: { title: 'Build failed', severity: 'normal' },
      });
      expect(list.notifications.map((n: { id: string }) => n.id)).toContain(signal.message.notification_id);

      // Grace was not a recipient.
      const graces = await json(await fetch(`${base}/notifications`, { headers: asUser(GRACE) }));
      expect(graces).toEqual({ totalCount: 0, notifications: [] });

      // Marking them read changes Ada's unread count.
      const ids = list.notifications.map((n: { id: string }) => n.id);
      expect((await json(await fetch(`${base}/status`, { headers: asUser(ADA) }))).unread).toBe(ids.length);
      const updated = await fetch(`${base}/notifications/update`, {
        method: 'POST',
        headers: asUser(ADA),
        body: JSON.stringify({ ids, read: true }),
      });
      expect(updated.status).toBe(200);
      // `read` is when: a timestamp (a string on PostgreSQL, milliseconds on SQLite).
      expect((await json(updated)).every((n: { read?: unknown }) => Boolean(n.read))).toBe(true);
      expect(await json(await fetch(`${base}/status`, { headers: asUser(ADA) }))).toEqual({
        unread: 0,
        read: ids.length,
      });

      // A broadcast reaches every user.
      expect(
        (await send({ recipients: { type: 'broadcast' }, payload: { title: 'Maintenance', severity: 'high' } })).status,
      ).toBe(204);
      const forGrace = await json(
        await fetch(`${base}/notifications?minimumSeverity=high`, { headers: asUser(GRACE) }),
      );
      expect(forGrace.notifications).toEqual([
        expect.objectContaining({ user: null, payload: expect.objectContaining({ title: 'Maintenance' }) }),
      ]);

      // The plugin's action, through the actions registry of @trellis/backend-plugin-api/alpha.
      const invoked = await fetch(`${base}/.backstage/actions/v1/actions/notifications:get-notifications/invoke`, {
        method: 'POST',
        headers: asUser(GRACE),
        body: JSON.stringify({ view: 'all' }),
      });
      expect(invoked.status).toBe(200);
      expect((await json(invoked)).output).toMatchObject({ totalCount: 1 });
      await backend.stop();
    },
  );
});
