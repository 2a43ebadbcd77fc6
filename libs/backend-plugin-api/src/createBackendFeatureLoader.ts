import { BackendFeature, ServiceRef } from './types';

/** What a loader may give: features, or modules whose default export is one (as `import()` resolves). @public */
export type BackendFeatureLoaderResult = BackendFeature | { default: BackendFeature };

/**
 * Options of {@link createBackendFeatureLoader}. `deps` may name root services only: a loader runs
 * before any plugin, while the backend is still deciding what it is made of.
 *
 * @public
 */
export interface CreateBackendFeatureLoaderOptions<TDeps extends { [name in string]: unknown }> {
  deps?: { [name in keyof TDeps]: ServiceRef<TDeps[name], 'root'> };
  loader(
    deps: TDeps,
  ):
    | Iterable<BackendFeatureLoaderResult | Promise<BackendFeatureLoaderResult>>
    | Promise<Iterable<BackendFeatureLoaderResult | Promise<BackendFeatureLoaderResult>>>
    | AsyncIterable<BackendFeatureLoaderResult>;
}

/** @internal The runtime shape of a feature loader. */
export interface InternalBackendFeatureLoader extends BackendFeature {
  readonly featureType: 'loader';
  readonly description: string;
  readonly deps: { [name in string]: ServiceRef<unknown, 'root'> };
  loader(deps: Record<string, unknown>): AsyncIterable<BackendFeatureLoaderResult>;
}

/**
 * A feature that decides at start-up which other features the backend gets, from root services
 * such as the config: `backend.add(createBackendFeatureLoader({ deps: { config:
 * coreServices.rootConfig }, *loader({ config }) { if (config.getOptionalBoolean('x')) yield
 * import('...') } }))`. What it yields is added as if passed to `backend.add()`, loaders included.
 * A loader may not provide a factory for a service that a loader depends on.
 *
 * @public
 */
export function createBackendFeatureLoader<TDeps extends { [name in string]: unknown }>(
  options: CreateBackendFeatureLoaderOptions<TDeps>,
): BackendFeature {
  const deps = (options.deps ?? {}) as { [name in string]: ServiceRef<unknown> };
  for (const [name, ref] of Object.entries(deps)) {
    if (ref?.scope !== 'root') {
      throw new TypeError(
        `createBackendFeatureLoader: dependency '${name}' (${ref?.id ?? String(ref)}) is not a root service; loaders run before plugins exist, so they may only use root services`,
      );
    }
  }
  const description = `feature loader created at ${callerLocation()}`;
  const loader: InternalBackendFeatureLoader = {
    $$type: '@trellis/BackendFeature',
    featureType: 'loader',
    description,
    deps: deps as InternalBackendFeatureLoader['deps'],
    async *loader(resolved) {
      const result = await options.loader(resolved as TDeps);
      for await (const item of result as AsyncIterable<BackendFeatureLoaderResult>) {
        yield item;
      }
    },
  };
  return loader;
}

/** Where the loader was created (file and line), so errors can name it. */
function callerLocation(): string {
  const frame = new Error().stack?.split('\n')[3]?.trim() ?? '';
  const location = /\((.+)\)$/.exec(frame)?.[1] ?? frame.replace(/^at\s+/, '');
  return location || 'an unknown place';
}
