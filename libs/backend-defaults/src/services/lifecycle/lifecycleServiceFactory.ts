import { coreServices, createServiceFactory } from '@trellis/backend-plugin-api';

/**
 * Factory of the plugin lifecycle: hooks go to the root lifecycle, whatever implements it, through
 * its public interface, with the plugin's logger, so a failing or late hook is logged with the
 * plugin's ID.
 *
 * @public
 */
export const lifecycleServiceFactory = createServiceFactory({
  service: coreServices.lifecycle,
  deps: { rootLifecycle: coreServices.rootLifecycle, logger: coreServices.logger },
  factory: ({ rootLifecycle, logger }) => ({
    addStartupHook(hook, options) {
      rootLifecycle.addStartupHook(hook, { logger, ...options });
    },
    addShutdownHook(hook, options) {
      rootLifecycle.addShutdownHook(hook, { logger, ...options });
    },
  }),
});
