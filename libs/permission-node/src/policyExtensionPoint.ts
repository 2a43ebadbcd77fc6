import { createExtensionPoint } from '@trellis/backend-plugin-api';
import type { PermissionPolicy } from './PermissionPolicy';

/** How a module gives the `permission` plugin its policy. @public */
export type PolicyExtensionPoint = {
  setPolicy(policy: PermissionPolicy): void;
};

/**
 * The `permission` plugin's extension point for its policy; one module may set it.
 *
 * @public
 */
export const policyExtensionPoint = createExtensionPoint<PolicyExtensionPoint>({
  id: 'permission.policy',
});
