import { coreServices, createServiceFactory, createServiceRef } from '@trellis/backend-plugin-api';
import { CatalogClient } from './CatalogClient';

/**
 * The catalog client as a service: `deps: { catalog: catalogServiceRef }`. Its default factory
 * builds the client from the plugin's discovery and auth; a backend may replace it.
 *
 * @public
 */
export const catalogServiceRef = createServiceRef<CatalogClient>({
  id: 'catalog.client',
  defaultFactory: async (ref) =>
    createServiceFactory({
      service: ref,
      deps: { discovery: coreServices.discovery, auth: coreServices.auth },
      factory: ({ discovery, auth }) => CatalogClient.create({ discovery, auth }),
    }),
});
