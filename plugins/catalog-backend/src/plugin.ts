import {
  coreServices,
  createBackendPlugin,
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  resolveConfigPath,
  resolvePackagePath,
} from '@trellis/backend-plugin-api';
import { ConflictError } from '@trellis/errors';
import {
  ANNOTATION_LOCATION,
  ANNOTATION_ORIGIN_LOCATION,
  catalogAnalysisExtensionPoint,
  catalogLocationsExtensionPoint,
  CatalogProcessor,
  catalogProcessingExtensionPoint,
  DeferredEntity,
  EntityProvider,
  PlaceholderResolver,
  ProcessingErrorEvent,
} from '@trellis/plugin-catalog-node';
import { CatalogStore } from './database/CatalogStore';
import { EntityQueries } from './database/EntityQueries';
import { LocationStore } from './database/LocationStore';
import { LocationReader } from './locations/LocationReader';
import { LocationsProvider, LOCATIONS_PROVIDER } from './locations/LocationsProvider';
import { ProviderLocations } from './locations/ProviderLocations';
import { readPlaceholderTarget } from './locations/readPlaceholderTarget';
import { readUrlWithUrlReader } from './locations/readUrlWithUrlReader';
import { catalogConfigSchema } from './catalogConfigSchema';
import { EntityProcessor, isFailure } from './processing/EntityProcessor';
import { MutationApplier } from './processing/MutationApplier';
import { builtInPlaceholderResolvers } from './processing/resolvePlaceholders';
import { createLocationsRouter } from './service/locationsRouter';
import { createRouter } from './service/router';

/** The scheduled task that reads every location again. */
export const LOCATIONS_REFRESH_TASK = 'catalog-locations-refresh';

/**
 * The software catalog: entities read from the locations of `catalog.locations` and those
 * registered through `POST /locations` (files and URLs), and from the entity providers of
 * modules, validated, processed (processors of modules included), related to each other and
 * served under `/api/catalog`. Locations are read again on the schedule of `catalog.refresh` by
 * one instance at a time.
 *
 * @public
 */
export const catalogPlugin = createBackendPlugin({
  pluginId: 'catalog',
  configSchema: catalogConfigSchema,
  register(env) {
    const processors: CatalogProcessor[] = [];
    const providers: EntityProvider[] = [];
    const resolvers = new Map<string, PlaceholderResolver>(builtInPlaceholderResolvers);
    let onError: ((event: ProcessingErrorEvent) => Promise<void> | void) | undefined;
    // Analyzers are kept only so that the modules adding them start: no route analyzes locations.
    const analyzers: unknown[] = [];
    env.registerExtensionPoint(catalogAnalysisExtensionPoint, {
      setLocationAnalyzer: (analyzer) => void analyzers.push(analyzer),
      addScmLocationAnalyzer: (analyzer) => void analyzers.push(analyzer),
    });
    let registrableTypes = ['url'];
    env.registerExtensionPoint(catalogLocationsExtensionPoint, {
      setAllowedLocationTypes: (types) => void (registrableTypes = [...types]),
    });
    env.registerExtensionPoint(catalogProcessingExtensionPoint, {
      addProcessor: (...added) => void processors.push(...added.flat()),
      addEntityProvider: (...added) => void providers.push(...added.flat()),
      addPlaceholderResolver: (key, resolver) => void resolvers.set(key, resolver),
      setOnProcessingErrorHandler: (handler) => void (onError = handler),
    });
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        database: coreServices.database,
        scheduler: coreServices.scheduler,
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        cache: coreServices.cache,
        urlReader: coreServices.urlReader,
        auditor: coreServices.auditor,
      },
      async init({ config, logger, database, scheduler, httpRouter, httpAuth, cache, urlReader, auditor }) {
        await database.migrate({ directory: resolvePackagePath('@trellis/plugin-catalog-backend', 'migrations') });
        const db = await database.getClient();
        const store = CatalogStore.create(db);
        const locations = LocationStore.create(db);
        const readUrl = readUrlWithUrlReader(urlReader);
        const processor = new EntityProcessor({
          processors,
          cache,
          onError,
          placeholders: { resolvers, read: (target, at) => readPlaceholderTarget(target, at, readUrl) },
        });
        const applier = new MutationApplier({ store, processor, logger });
        const reader = new LocationReader({ logger, readUrl, processors });
        const provider = new LocationsProvider({ locations, store, reader, applier, logger });
        const followed = new ProviderLocations({ store, locations, reader, applier, logger });
        await locations.syncConfigured(
          (config.getOptionalConfigArray('catalog.locations') ?? []).map((location) => {
            const type = location.getString('type');
            const target = location.getString('target');
            return { type, target: type === 'file' ? resolveConfigPath(target) : target };
          }),
        );
        await connectProviders(providers, applier, provider, followed);
        const schedule = readSchedulerServiceTaskScheduleDefinitionFromConfig(config.getConfig('catalog.refresh'));
        await scheduler
          .createScheduledTaskRunner(schedule)
          .run({ id: LOCATIONS_REFRESH_TASK, fn: (signal) => provider.refreshAll(signal) });
        httpRouter.use(
          createRouter({
            store,
            queries: EntityQueries.create(db),
            httpAuth,
            auditor,
            validate: async (entity, location) => {
              const result = await processor.process({
                entity: locatedAt(entity, `${location.type}:${location.target}`),
                provider: 'validate-entity',
              });
              return isFailure(result) ? [result.message] : [];
            },
            // Other providers have no way to be asked; they refresh on their own schedule.
            refresh: async (name) => {
              if (name === LOCATIONS_PROVIDER) {
                // A run already under way is not queued again; the next scheduled one follows.
                await scheduler.triggerTask(LOCATIONS_REFRESH_TASK).catch((error: unknown) => {
                  if (!(error instanceof ConflictError)) {
                    throw error;
                  }
                });
              }
            },
          }),
        );
        if (registrableTypes.includes('file')) {
          logger.warn(
            "A module allowed 'file' locations to be registered; Trellis never allows it (any caller could read the backend's disk)",
          );
        }
        httpRouter.use(
          createLocationsRouter({
            locations,
            store,
            provider,
            httpAuth,
            auditor,
            registrableTypes: registrableTypes.filter((type) => type !== 'file'),
          }),
        );
      },
    });
  },
});

/**
 * Connects every module's provider; two with one name, or one named like the catalog's own, stop
 * the start. A mutation resolves once the provider's entities are stored and the targets of its
 * `Location` entities read and stored too.
 */
async function connectProviders(
  providers: EntityProvider[],
  applier: MutationApplier,
  locations: LocationsProvider,
  followed: ProviderLocations,
): Promise<void> {
  const names = new Set<string>([LOCATIONS_PROVIDER]);
  for (const provider of providers) {
    const name = provider.getProviderName();
    if (names.has(name)) {
      throw new Error(`Two catalog entity providers are named '${name}'; provider names must be unique`);
    }
    names.add(name);
  }
  for (const provider of providers) {
    const name = provider.getProviderName();
    await provider.connect({
      applyMutation: async (mutation) => {
        await applier.apply(name, mutation);
        await followed.follow(name);
      },
      refresh: async ({ keys }) => {
        await locations.refreshKeys(keys);
        await followed.refreshKeys(
          [...names].filter((n) => n !== LOCATIONS_PROVIDER),
          keys,
        );
      },
    });
  }
}

/**
 * The entity as if read from `locationRef`, as Backstage validates it: the location and origin
 * annotations default to that ref, and the entity's own annotations win. Anything that is not an
 * object with metadata is handed over as it is, for the processor to refuse.
 */
function locatedAt(entity: unknown, locationRef: string): DeferredEntity['entity'] {
  const candidate = entity as DeferredEntity['entity'];
  const metadata = candidate?.metadata as unknown;
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) {
    return candidate;
  }
  const annotations = candidate.metadata.annotations;
  return {
    ...candidate,
    metadata: {
      ...candidate.metadata,
      annotations: {
        [ANNOTATION_LOCATION]: locationRef,
        [ANNOTATION_ORIGIN_LOCATION]: locationRef,
        ...(typeof annotations === 'object' && annotations !== null ? annotations : {}),
      },
    },
  };
}
