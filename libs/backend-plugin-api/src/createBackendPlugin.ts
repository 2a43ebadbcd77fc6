import {
  ExtensionPointFactoryOptions,
  InternalExtensionPointRegistration,
  toExtensionPointRegistration,
} from './createExtensionPoint';
import { assertValidId } from './ids';
import { BackendFeature, ConfigSchema, ExtensionPoint, ResolvedDeps, ServiceDeps, ServiceRef } from './types';

/** What a plugin's `register` receives. @public */
export interface BackendPluginRegistrationPoints {
  /** Provides an implementation of an extension point for this plugin's modules. */
  registerExtensionPoint<TExtensionPoint>(ref: ExtensionPoint<TExtensionPoint>, impl: TExtensionPoint): void;
  /** Provides a separate implementation for each module that uses the extension point. */
  registerExtensionPoint<TExtensionPoint>(options: ExtensionPointFactoryOptions<TExtensionPoint>): void;
  /** Declares the plugin's dependencies and its init function. Call exactly once. */
  registerInit<TDeps extends ServiceDeps>(options: {
    deps: TDeps;
    init(deps: ResolvedDeps<TDeps>): Promise<void>;
  }): void;
}

/** Options of {@link createBackendPlugin}. @public */
export interface CreateBackendPluginOptions {
  /** Kebab-case ID; the plugin's routes live under `/api/<pluginId>` and its config under `<pluginId>`. */
  pluginId: string;
  /** JSON Schema of the plugin's config key, with defaults; validated at start. */
  configSchema?: ConfigSchema;
  register(reg: BackendPluginRegistrationPoints): void;
}

/** @internal One init registration of a plugin or module. */
export interface InternalInitRegistration {
  deps: { [name: string]: ServiceRef<unknown> | ExtensionPoint<unknown> };
  func(deps: Record<string, unknown>): Promise<void>;
}

/** @internal What a plugin or module registered, read by the backend wiring. */
export interface InternalFeatureRegistration {
  type: 'plugin' | 'module';
  pluginId: string;
  moduleId?: string;
  configSchema?: ConfigSchema;
  extensionPoints: InternalExtensionPointRegistration[];
  /** Extension points a module declared in its init deps. */
  init: InternalInitRegistration;
}

/** @internal The runtime shape of a plugin or module feature. */
export interface InternalBackendRegistrationFeature extends BackendFeature {
  readonly featureType: 'registrations';
  getRegistrations(): InternalFeatureRegistration[];
}

/**
 * Creates a backend plugin. Make it the default export of the plugin package.
 *
 * @public
 */
export function createBackendPlugin(options: CreateBackendPluginOptions): BackendFeature {
  assertValidId('plugin', options.pluginId);
  const feature: InternalBackendRegistrationFeature = {
    $$type: '@trellis/BackendFeature',
    featureType: 'registrations',
    getRegistrations() {
      const extensionPoints: InternalExtensionPointRegistration[] = [];
      let init: InternalInitRegistration | undefined;
      options.register({
        registerExtensionPoint(
          refOrOptions: ExtensionPoint<unknown> | ExtensionPointFactoryOptions<unknown>,
          impl?: unknown,
        ) {
          extensionPoints.push(toExtensionPointRegistration(refOrOptions, impl));
        },
        registerInit(initOptions) {
          if (init) {
            throw new Error(`Plugin '${options.pluginId}' called registerInit more than once`);
          }
          init = { deps: initOptions.deps, func: initOptions.init as InternalInitRegistration['func'] };
        },
      });
      if (!init) {
        throw new Error(`Plugin '${options.pluginId}' did not call registerInit in its register function`);
      }
      return [
        { type: 'plugin', pluginId: options.pluginId, configSchema: options.configSchema, extensionPoints, init },
      ];
    },
  };
  return feature;
}
