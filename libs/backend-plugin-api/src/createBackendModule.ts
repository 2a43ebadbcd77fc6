import {
  ExtensionPointFactoryOptions,
  InternalExtensionPointRegistration,
  toExtensionPointRegistration,
} from './createExtensionPoint';
import { InternalBackendRegistrationFeature, InternalInitRegistration } from './createBackendPlugin';
import { assertValidId } from './ids';
import { BackendFeature, ConfigSchema, ExtensionPoint, ResolvedDeps } from './types';
import { ServiceRef } from './types';

/** Dependencies of a module: services and extension points of the plugin it extends. @public */
export type ModuleDeps = { [name in string]: ServiceRef<unknown> | ExtensionPoint<unknown> };

/** The resolved values of {@link ModuleDeps}. @public */
export type ResolvedModuleDeps<TDeps extends ModuleDeps> = {
  [name in keyof TDeps]: TDeps[name] extends ExtensionPoint<infer T>
    ? T
    : TDeps[name] extends ServiceRef<any, any, any>
      ? ResolvedDeps<{ x: TDeps[name] }>['x']
      : never;
};

/** What a module's `register` receives. @public */
export interface BackendModuleRegistrationPoints {
  /** Modules may provide extension points too, for other modules of the same plugin. */
  registerExtensionPoint<TExtensionPoint>(ref: ExtensionPoint<TExtensionPoint>, impl: TExtensionPoint): void;
  /** Provides a separate implementation for each module that uses the extension point. */
  registerExtensionPoint<TExtensionPoint>(options: ExtensionPointFactoryOptions<TExtensionPoint>): void;
  registerInit<TDeps extends ModuleDeps>(options: {
    deps: TDeps;
    init(deps: ResolvedModuleDeps<TDeps>): Promise<void>;
  }): void;
}

/** Options of {@link createBackendModule}. @public */
export interface CreateBackendModuleOptions {
  /** The plugin this module extends. */
  pluginId: string;
  /** Kebab-case ID, unique among the modules of the plugin. */
  moduleId: string;
  /**
   * JSON Schema of the module's own settings, written for the plugin's config key (as the
   * plugin's schema is): a provider module of the catalog describes `catalog.providers.<name>`
   * with `{ type: 'object', properties: { providers: { type: 'object', properties: { <name>: ... } } } }`.
   * It is validated at start beside the plugin's schema, with its defaults applied; leave
   * `additionalProperties` open at the levels the plugin and other modules share.
   */
  configSchema?: ConfigSchema;
  register(reg: BackendModuleRegistrationPoints): void;
}

/**
 * Creates a module that extends a plugin through its extension points. A module initialises
 * before its plugin, so what it adds is in place when the plugin reads it.
 *
 * @public
 */
export function createBackendModule(options: CreateBackendModuleOptions): BackendFeature {
  assertValidId('plugin', options.pluginId);
  assertValidId('module', options.moduleId);
  const name = `Module '${options.moduleId}' for plugin '${options.pluginId}'`;
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
            throw new Error(`${name} called registerInit more than once`);
          }
          init = {
            deps: initOptions.deps as InternalInitRegistration['deps'],
            func: initOptions.init as InternalInitRegistration['func'],
          };
        },
      });
      if (!init) {
        throw new Error(`${name} did not call registerInit in its register function`);
      }
      return [
        {
          type: 'module',
          pluginId: options.pluginId,
          moduleId: options.moduleId,
          configSchema: options.configSchema,
          extensionPoints,
          init,
        },
      ];
    },
  };
  return feature;
}
