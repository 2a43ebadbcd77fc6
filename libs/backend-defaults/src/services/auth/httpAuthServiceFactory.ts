import { coreServices, createServiceFactory } from '@trellis/backend-plugin-api';
import { DefaultHttpAuthService } from './DefaultHttpAuthService';

/**
 * The default factory of `coreServices.httpAuth`, on top of the plugin's auth service; discovery
 * gives the plugin's external URL, which scopes the user cookie.
 *
 * @public
 */
export const httpAuthServiceFactory = createServiceFactory({
  service: coreServices.httpAuth,
  deps: { auth: coreServices.auth, discovery: coreServices.discovery, pluginMetadata: coreServices.pluginMetadata },
  factory: ({ auth, discovery, pluginMetadata }) =>
    DefaultHttpAuthService.create({ auth, discovery, pluginId: pluginMetadata.getId() }),
});
