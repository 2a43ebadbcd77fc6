import { ServicePrincipal } from '@trellis/backend-plugin-api';
import { DefinitivePolicyDecision, Permission } from '@trellis/plugin-permission-common';

/**
 * The decision of the permission system for a service principal: allowed, unless its access restrictions name
 * permissions or actions and this permission is not among them.
 *
 * @public
 */
export function decideForService(principal: ServicePrincipal, permission: Permission): DefinitivePolicyDecision {
  const restrictions = principal.accessRestrictions;
  const names = restrictions?.permissionNames;
  if (names && !names.includes(permission.name)) {
    return { result: 'DENY' };
  }
  const actions = restrictions?.permissionAttributes?.action;
  if (actions && (permission.attributes.action === undefined || !actions.includes(permission.attributes.action))) {
    return { result: 'DENY' };
  }
  return { result: 'ALLOW' };
}
