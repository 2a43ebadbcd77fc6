import { coreServices, createBackendPlugin } from '@trellis/backend-plugin-api';
import { PermissionPolicy, policyExtensionPoint } from '@trellis/plugin-permission-node';
import { ConditionApplier } from './ConditionApplier';
import { createRouter } from './createRouter';
import { PermissionIndex } from './PermissionIndex';
import { PolicyEvaluator } from './PolicyEvaluator';

/**
 * The permission plugin: evaluates permission requests at `/api/permission/authorize` with the
 * policy that a module sets through `policyExtensionPoint`. Plugins reach it through
 * `coreServices.permissions`. With `permission.enabled: true` a policy module is required.
 *
 * @public
 */
export const permissionPlugin = createBackendPlugin({
  pluginId: 'permission',
  configSchema: {
    type: 'object',
    properties: {
      enabled: { type: 'boolean', default: false },
    },
    additionalProperties: false,
  },
  register(env) {
    let policy: PermissionPolicy | undefined;
    env.registerExtensionPoint(policyExtensionPoint, {
      setPolicy(newPolicy) {
        if (policy) {
          throw new Error(
            'A permission policy is already set; install only one policy module of the permission plugin',
          );
        }
        if (typeof newPolicy?.handle !== 'function') {
          throw new Error('setPolicy needs a policy with a handle(request, user) method');
        }
        policy = newPolicy;
      },
    });
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        auth: coreServices.auth,
        discovery: coreServices.discovery,
        userInfo: coreServices.userInfo,
        instanceMetadata: coreServices.rootInstanceMetadata,
      },
      async init({ config, logger, httpRouter, httpAuth, auth, discovery, userInfo, instanceMetadata }) {
        const enabled = config.getBoolean('permission.enabled');
        if (enabled && !policy) {
          throw new Error(
            'permission.enabled is true but no module set a permission policy; add a policy module of the permission plugin (see docs/security.md)',
          );
        }
        logger.info(
          enabled
            ? 'Permissions are enforced by the installed policy'
            : 'Permissions are disabled: every request is allowed',
        );
        const evaluator = PolicyEvaluator.create({
          enabled,
          policy,
          auth,
          userInfo,
          conditions: ConditionApplier.create({ discovery, auth }),
        });
        const index = PermissionIndex.create({ config, discovery, auth, logger, instanceMetadata });
        httpRouter.addAuthPolicy({ path: '/authorize', allow: 'unauthenticated' });
        httpRouter.use(createRouter({ httpAuth, evaluator, index }));
      },
    });
  },
});
