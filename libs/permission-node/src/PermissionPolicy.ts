import type { Credentials, UserInfo } from '@trellis/backend-plugin-api';
import type { Permission, PolicyDecision } from '@trellis/plugin-permission-common';

/** What a policy is asked about. @public */
export type PolicyQuery = {
  permission: Permission;
};

/** The user a policy decides for. @public */
export type PolicyQueryUser = {
  credentials: Credentials;
  info: UserInfo;
};

/**
 * Decides permissions for users (and, with `user` undefined, for callers without credentials).
 * A backend has one, set by a module of the `permission` plugin through `policyExtensionPoint`.
 *
 * @public
 */
export interface PermissionPolicy {
  handle(request: PolicyQuery, user?: PolicyQueryUser): Promise<PolicyDecision>;
}
