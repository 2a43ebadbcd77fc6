import { createBackendModule } from '@trellis/backend-plugin-api';
import { policyExtensionPoint } from '@trellis/plugin-permission-node';
import { ExamplePermissionPolicy } from './ExamplePermissionPolicy';

/**
 * A module of the permission plugin that sets {@link ExamplePermissionPolicy}. It decides only
 * while `permission.enabled` is true.
 *
 * @public
 */
export const permissionModuleExamplePolicy = createBackendModule({
  pluginId: 'permission',
  moduleId: 'example-policy',
  register(env) {
    env.registerInit({
      deps: { policy: policyExtensionPoint },
      async init({ policy }) {
        policy.setPolicy(new ExamplePermissionPolicy());
      },
    });
  },
});

export { permissionModuleExamplePolicy as default };
export { ExamplePermissionPolicy } from './ExamplePermissionPolicy';
