import { coreServices, createServiceFactory } from '@trellis/backend-plugin-api';
import { DefaultHttpAuthService } from './DefaultHttpAuthService';

/** The default factory of `coreServices.httpAuth`, on top of the plugin's auth service. @public */
export const httpAuthServiceFactory = createServiceFactory({
  service: coreServices.httpAuth,
  deps: { auth: coreServices.auth },
  factory: ({ auth }) => DefaultHttpAuthService.create({ auth }),
});
