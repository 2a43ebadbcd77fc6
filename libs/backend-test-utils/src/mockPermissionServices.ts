import { DefaultPermissionsRegistryService, permissionsRegistryServiceFactory } from '@trellis/backend-defaults';
import {
  coreServices,
  createServiceFactory,
  Credentials,
  PermissionsService,
  UserInfoService,
} from '@trellis/backend-plugin-api';
import { InputError } from '@trellis/errors';

/** Options of the mock permissions service. @public */
export interface MockPermissionsOptions {
  /** The decision for every request; `ALLOW` by default. */
  result?: 'ALLOW' | 'DENY';
}

function createMockPermissions(options: MockPermissionsOptions = {}): PermissionsService {
  const result = options.result ?? 'ALLOW';
  return {
    authorize: async (requests) => requests.map(() => ({ result })),
    authorizeConditional: async (requests) => requests.map(() => ({ result })),
  };
}

/** Options of the mock user info service. @public */
export interface MockUserInfoOptions {
  /** Ownership refs by user entity ref; a user not listed owns through their own ref only. */
  ownershipEntityRefs?: Record<string, string[]>;
}

function createMockUserInfo(options: MockUserInfoOptions = {}): UserInfoService {
  return {
    async getUserInfo(credentials: Credentials) {
      const principal = credentials.principal as { type: string; userEntityRef?: string };
      if (principal.type !== 'user' || !principal.userEntityRef) {
        throw new InputError('User info is only available for user credentials');
      }
      const ref = principal.userEntityRef;
      return { userEntityRef: ref, ownershipEntityRefs: options.ownershipEntityRefs?.[ref] ?? [ref] };
    },
  };
}

/** The mock entries of the permission services, spread into `mockServices`. */
export const mockPermissionServices = {
  /**
   * A permissions service that gives one fixed decision, for testing a plugin's reaction to
   * allow and deny without a policy. To test conditions, run the permission plugin with a policy.
   */
  permissions: Object.assign((options?: MockPermissionsOptions) => createMockPermissions(options), {
    factory: (options?: MockPermissionsOptions) =>
      createServiceFactory({
        service: coreServices.permissions,
        deps: {},
        factory: () => createMockPermissions(options),
      }),
  }),
  /** The real registry (its routes are mounted by the factory). */
  permissionsRegistry: Object.assign(
    (options?: { pluginId?: string }) =>
      DefaultPermissionsRegistryService.create({ pluginId: options?.pluginId ?? 'test' }),
    { factory: () => permissionsRegistryServiceFactory },
  ),
  /** User info from a table instead of tokens and the catalog. */
  userInfo: Object.assign((options?: MockUserInfoOptions) => createMockUserInfo(options), {
    factory: (options?: MockUserInfoOptions) =>
      createServiceFactory({
        service: coreServices.userInfo,
        deps: {},
        factory: () => createMockUserInfo(options),
      }),
  }),
};
