import {
  coreServices,
  createBackendPlugin,
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  resolveConfigPath,
  resolvePackagePath,
} from '@trellis/backend-plugin-api';
import { ConflictError } from '@trellis/errors';
import {
  CatalogProcessor,
  catalogProcessingExtensionPoint,
  DeferredEntity,
  EntityProvider,
  EntityProviderMutation,
} from '@trellis/plugin-catalog-node';
import { CatalogStore } from './database/CatalogStore';
import { EntityQueries } from './database/EntityQueries';
import { EntityProcessor, isFailure, ProcessedEntity, ProcessingFailure } from './processing/EntityProcessor';
import { FileLocationProvider } from './providers/FileLocationProvider';
import { createRouter } from './service/router';

const duration = {
  oneOf: [
    { type: 'string', minLength: 1 },
    { type: 'object', minProperties: 1, additionalProperties: { type: 'number', minimum: 0 } },
  ],
};

/**
 * The software catalog: entities read from the YAML files of `catalog.locations` and from the
 * entity providers of modules, validated, processed (processors of modules included), related to
 * each other and served under `/api/catalog`. The files are read again on the schedule of
 * `catalog.refresh` by one instance at a time; an entity whose file is gone is removed.
 *
 * @public
 */
export const catalogPlugin = createBackendPlugin({
  pluginId: 'catalog',
  configSchema: {
    type: 'object',
    properties: {
      locations: {
        type: 'array',
        default: [],
        items: {
          type: 'object',
          required: ['type', 'target'],
          properties: {
            type: { enum: ['file'] },
            target: { type: 'string', minLength: 1 },
          },
          additionalProperties: false,
        },
      },
      refresh: {
        type: 'object',
        default: { frequency: { seconds: 60 }, timeout: { minutes: 5 } },
        required: ['frequency', 'timeout'],
        properties: {
          frequency: {
            oneOf: [
              ...duration.oneOf,
              { type: 'object', required: ['cron'], properties: { cron: { type: 'string' } } },
            ],
          },
          timeout: duration,
          initialDelay: duration,
        },
        additionalProperties: false,
      },
    },
    additionalProperties: false,
  },
  register(env) {
    const processors: CatalogProcessor[] = [];
    const providers: EntityProvider[] = [];
    env.registerExtensionPoint(catalogProcessingExtensionPoint, {
      addProcessor: (...added) => void processors.push(...added),
      addEntityProvider: (...added) => void providers.push(...added),
    });
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        database: coreServices.database,
        scheduler: coreServices.scheduler,
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
      },
      async init({ config, logger, database, scheduler, httpRouter, httpAuth }) {
        await database.migrate({ directory: resolvePackagePath('@trellis/plugin-catalog-backend', 'migrations') });
        const db = await database.getClient();
        const store = CatalogStore.create(db);
        const processor = new EntityProcessor(processors);
        const locations = (config.getOptionalConfigArray('catalog.locations') ?? []).map((location) => ({
          target: resolveConfigPath(location.getString('target')),
        }));
        const schedule = readSchedulerServiceTaskScheduleDefinitionFromConfig(config.getConfig('catalog.refresh'));
        const names = new Set<string>();
        const fileProvider = new FileLocationProvider({
          locations,
          logger,
          runner: scheduler.createScheduledTaskRunner(schedule),
        });
        for (const provider of [fileProvider, ...providers]) {
          const name = provider.getProviderName();
          if (names.has(name)) {
            throw new Error(`Two catalog entity providers are named '${name}'; provider names must be unique`);
          }
          names.add(name);
          await provider.connect({
            applyMutation: async (mutation) => {
              const { failures, ...summary } = await applyMutation(store, processor, name, mutation);
              logger.info(`Entity provider '${name}' applied a ${mutation.type} mutation`, {
                provider: name,
                ...summary,
              });
              for (const failure of failures) {
                logger.warn(
                  `Catalog entity rejected: ${failure.location.target}${failure.ref ? ` ${failure.ref}` : ''}: ${failure.message}`,
                  {
                    provider: name,
                  },
                );
              }
            },
          });
        }
        httpRouter.use(
          createRouter({
            store,
            queries: EntityQueries.create(db),
            httpAuth,
            validate: async (entity, location) => {
              const result = await processor.process({ entity: entity as DeferredEntity['entity'], location });
              return isFailure(result) ? [result.message] : [];
            },
            // Other providers have no way to be asked; they refresh on their own schedule.
            refresh: async (provider) => {
              if (provider === fileProvider.getProviderName()) {
                // A run already under way is not queued again; the next scheduled one follows.
                await scheduler.triggerTask(FileLocationProvider.TASK_ID).catch((error: unknown) => {
                  if (!(error instanceof ConflictError)) {
                    throw error;
                  }
                });
              }
            },
          }),
        );
      },
    });
  },
});

async function applyMutation(
  store: CatalogStore,
  processor: EntityProcessor,
  provider: string,
  mutation: EntityProviderMutation,
) {
  const deferred = mutation.type === 'full' ? mutation.entities : mutation.added;
  const entities: ProcessedEntity[] = [];
  const failures: ProcessingFailure[] = [];
  for (const item of deferred) {
    const result = await processor.process(item);
    if (isFailure(result)) {
      failures.push(result);
    } else {
      entities.push(result);
    }
  }
  const summary = await store.applyMutation({
    provider,
    mode: mutation.type,
    entities,
    failures,
    unreadable: mutation.type === 'full' ? mutation.unreadable : undefined,
    removeRefs: mutation.type === 'delta' ? mutation.removed.map((r) => r.entityRef) : undefined,
  });
  return { ...summary, failures };
}
