import { coreServices, createServiceFactory } from '@trellis/backend-plugin-api';
import { DefaultUserInfoService } from './DefaultUserInfoService';

/** The default factory of `coreServices.userInfo`. @public */
export const userInfoServiceFactory = createServiceFactory({
  service: coreServices.userInfo,
  deps: { auth: coreServices.auth, discovery: coreServices.discovery, cache: coreServices.cache },
  factory: ({ auth, discovery, cache }) => DefaultUserInfoService.create({ auth, discovery, cache }),
});
