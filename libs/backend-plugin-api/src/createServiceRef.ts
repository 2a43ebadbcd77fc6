import { ServiceFactory } from './createServiceFactory';
import { ServiceRef, ServiceScope } from './types';

/** Options of {@link createServiceRef}. @public */
export interface CreateServiceRefOptions<TService, TScope extends ServiceScope> {
  /** Unique ID, `'<pluginId>.<name>'` by convention, such as `'core.logger'`. */
  id: string;
  /** `'plugin'` (default) or `'root'`. */
  scope?: TScope;
  /** A multiton ref collects every factory registered for it; dependants receive an array. */
  multiton?: boolean;
  /** The factory to use when the backend has none for this ref, loaded only when needed. */
  defaultFactory?: (ref: ServiceRef<TService, TScope>) => Promise<ServiceFactory<TService>>;
}

/** Backstage's name for {@link CreateServiceRefOptions}. @public */
export type ServiceRefOptions<TService, TScope extends ServiceScope> = CreateServiceRefOptions<TService, TScope>;

/** @internal The runtime shape behind a {@link ServiceRef}. */
export interface InternalServiceRef<T = unknown> extends ServiceRef<T> {
  readonly defaultFactory?: (ref: ServiceRef<T>) => Promise<ServiceFactory<T>>;
}

const ID_PATTERN = /^[a-z][a-zA-Z0-9]*(?:[.-][a-zA-Z0-9]+)*$/;

/**
 * Creates a reference to a service that features can depend on.
 *
 * @public
 */
export function createServiceRef<TService>(
  options: CreateServiceRefOptions<TService, 'plugin'> & { scope?: 'plugin'; multiton?: false },
): ServiceRef<TService, 'plugin', 'singleton'>;
export function createServiceRef<TService>(
  options: CreateServiceRefOptions<TService, 'root'> & { scope: 'root'; multiton?: false },
): ServiceRef<TService, 'root', 'singleton'>;
export function createServiceRef<TService>(
  options: CreateServiceRefOptions<TService, 'plugin'> & { scope?: 'plugin'; multiton: true },
): ServiceRef<TService, 'plugin', 'multiton'>;
export function createServiceRef<TService>(
  options: CreateServiceRefOptions<TService, 'root'> & { scope: 'root'; multiton: true },
): ServiceRef<TService, 'root', 'multiton'>;
export function createServiceRef<TService>(
  options: CreateServiceRefOptions<TService, any>,
): ServiceRef<TService, any, any> {
  if (!ID_PATTERN.test(options.id)) {
    throw new Error(
      `Invalid service ref ID '${options.id}': use dotted or kebab-case words such as 'core.logger' or 'catalog.client'`,
    );
  }
  return {
    id: options.id,
    scope: options.scope ?? 'plugin',
    multiton: Boolean(options.multiton),
    defaultFactory: options.defaultFactory,
    $$type: '@trellis/ServiceRef',
    get T(): TService {
      throw new Error(`ServiceRef.T is a type carrier of '${options.id}' and has no value`);
    },
    toString() {
      return `serviceRef{${options.id}}`;
    },
  } as InternalServiceRef<TService>;
}
