import type {
  AuthorizePermissionRequest,
  AuthorizePermissionResponse,
  EvaluatorRequestOptions,
  PermissionEvaluator,
  QueryPermissionRequest,
  QueryPermissionResponse,
} from '@trellis/plugin-permission-common';
import type { Credentials } from './AuthService';

/** Options of a {@link PermissionsService} call: whom the decision is for. @public */
export interface PermissionsServiceRequestOptions extends EvaluatorRequestOptions {
  credentials: Credentials;
}

/**
 * Asks the permission policy what a caller may do. While `permission.enabled` is not true every
 * request is allowed. Otherwise users (and callers without credentials) are decided by the
 * policy of the `permission` plugin; service principals are allowed within their access
 * restrictions (`permissionNames`, `permissionAttributes`).
 *
 * @public
 */
export interface PermissionsService extends PermissionEvaluator {
  /**
   * Definitive decisions, one per request in the same order. A resource permission with a
   * `resourceRef` that the policy grants under conditions is decided by the owning plugin.
   */
  authorize(
    requests: AuthorizePermissionRequest[],
    options: PermissionsServiceRequestOptions,
  ): Promise<AuthorizePermissionResponse[]>;
  /**
   * Decisions about resource permissions in general, one per request in the same order; a
   * `CONDITIONAL` one carries conditions for the owning plugin to apply, such as a query filter.
   */
  authorizeConditional(
    requests: QueryPermissionRequest[],
    options: PermissionsServiceRequestOptions,
  ): Promise<QueryPermissionResponse[]>;
}
