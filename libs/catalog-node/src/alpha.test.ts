import { coreServices, createBackendModule, createBackendPlugin } from '@trellis/backend-plugin-api';
import { startTestBackend } from '@trellis/backend-test-utils';
import { CatalogScmEvent, CatalogScmEventsService, catalogScmEventsServiceRef } from './alpha';

describe('catalogScmEventsServiceRef', () => {
  it('has a default factory whose one in-memory service every plugin of a backend shares', async () => {
    const seen: { plugin: string; events: CatalogScmEvent[] }[] = [];
    const services: Record<string, CatalogScmEventsService> = {};
    const subscriber = (plugin: string) =>
      createBackendPlugin({
        pluginId: plugin,
        register(env) {
          env.registerInit({
            deps: { scm: catalogScmEventsServiceRef, lifecycle: coreServices.lifecycle },
            async init({ scm }) {
              services[plugin] = scm;
              scm.subscribe({
                onEvents: async (events) => {
                  if (plugin === 'failing') {
                    throw new Error('this subscriber fails');
                  }
                  seen.push({ plugin, events });
                },
              });
            },
          });
        },
      });
    const backend = await startTestBackend({
      features: [
        subscriber('catalog'),
        subscriber('failing'),
        createBackendModule({
          pluginId: 'catalog',
          moduleId: 'webhooks',
          register(env) {
            env.registerInit({
              deps: { scm: catalogScmEventsServiceRef },
              async init({ scm }) {
                services.webhooks = scm;
              },
            });
          },
        }),
      ],
    });
    try {
      expect(services.catalog).toBe(services.failing);
      const events: CatalogScmEvent[] = [{ type: 'location.updated', url: 'https://git.example/a/catalog-info.yaml' }];
      // A failing subscriber neither stops the others nor the publisher.
      await services.webhooks!.publish(events);
      expect(seen).toEqual([{ plugin: 'catalog', events }]);

      const extra = services.webhooks!.subscribe({
        onEvents: async (e) => void seen.push({ plugin: 'extra', events: e }),
      });
      extra.unsubscribe();
      await services.webhooks!.publish([]);
      await services.webhooks!.publish(events);
      expect(seen.map((s) => s.plugin)).toEqual(['catalog', 'catalog']);
      expect(() => services.catalog!.markEventActionTaken({ action: 'refresh', count: 2 })).not.toThrow();
    } finally {
      await backend.stop();
    }
  });
});
