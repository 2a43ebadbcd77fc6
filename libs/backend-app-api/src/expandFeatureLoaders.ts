import type { BackendFeature } from '@trellis/backend-plugin-api';
import type { InternalBackendFeatureLoader, InternalServiceFactory } from '@trellis/backend-plugin-api/internal';
import { TrellisError } from '@trellis/errors';
import { isServiceFactory } from './collectRegistrations';
import { FeatureGraph } from './FeatureGraph';
import { loadFeature } from './loadFeature';
import { ServiceRegistry } from './ServiceRegistry';
import type { BackendFeatureInput } from './types';

/** How deep loaders may yield loaders; deeper is a loader that yields itself. */
const MAX_LOADER_DEPTH = 10;

/** Whether a feature is a feature loader. */
export function isFeatureLoader(feature: BackendFeature): feature is InternalBackendFeatureLoader {
  return (feature as InternalBackendFeatureLoader).featureType === 'loader';
}

/** The features with every loader replaced by what it yields, and the registry that built the loaders' deps. */
export interface ExpandedFeatures {
  features: BackendFeature[];
  /** The registry that built the root services the loaders used; undefined when there was no loader. */
  registry?: ServiceRegistry;
}

/**
 * Runs the feature loaders among `features`, in order, each after its root deps are built from the
 * service factories known before any loader ran. What a loader yields takes its place (loaders
 * yielded by loaders run too). A loader that throws, yields something that is not a feature, or
 * yields a factory for a service already built for a loader adds a problem naming the loader.
 */
export async function expandFeatureLoaders(
  features: BackendFeature[],
  defaultFactories: InternalServiceFactory[],
  problems: TrellisError[],
): Promise<ExpandedFeatures> {
  if (!features.some(isFeatureLoader)) {
    return { features };
  }
  // Problems of these factories (duplicates) are reported by the full graph; here they only feed loaders.
  const known = await FeatureGraph.build({
    registrations: [],
    explicitFactories: features.filter(isServiceFactory),
    defaultFactories,
  });
  const registry = ServiceRegistry.create(known.factories);
  const expanded: BackendFeature[] = [];
  const yielded: { feature: BackendFeature; loader: InternalBackendFeatureLoader }[] = [];

  const visit = async (feature: BackendFeature, depth: number, parent?: InternalBackendFeatureLoader) => {
    if (!isFeatureLoader(feature)) {
      expanded.push(feature);
      if (parent) {
        yielded.push({ feature, loader: parent });
      }
      return;
    }
    if (depth >= MAX_LOADER_DEPTH) {
      problems.push(
        new TrellisError(
          'TRELLIS_ERR_FEATURE_LOADER_FAILED',
          `The ${feature.description} is nested more than ${MAX_LOADER_DEPTH} loaders deep; does a loader yield itself?`,
        ),
      );
      return;
    }
    try {
      const deps = Object.fromEntries(
        await Promise.all(
          Object.entries(feature.deps).map(async ([name, ref]) => [name, await registry.get(ref, 'root')] as const),
        ),
      );
      for await (const item of feature.loader(deps)) {
        await visit(await loadFeature(Promise.resolve(item) as BackendFeatureInput), depth + 1, feature);
      }
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      problems.push(
        new TrellisError('TRELLIS_ERR_FEATURE_LOADER_FAILED', `The ${feature.description} failed: ${message}`, error),
      );
    }
  };

  for (const feature of features) {
    await visit(feature, 0);
  }
  const built = registry.builtRootServiceIds();
  for (const { feature, loader } of yielded) {
    if (isServiceFactory(feature) && built.has(feature.service.id)) {
      problems.push(
        new TrellisError(
          'TRELLIS_ERR_FEATURE_LOADER_FAILED',
          `The ${loader.description} yielded a factory for service '${feature.service.id}', which was already built for a feature loader; pass that factory to backend.add() directly`,
        ),
      );
    }
  }
  return { features: expanded, registry };
}
