import { PolicyDecision } from '@trellis/plugin-permission-common';
import { PermissionPolicy, PolicyQuery, PolicyQueryUser } from '@trellis/plugin-permission-node';

/**
 * The example policy: callers without credentials get nothing; signed-in users may create and
 * read todos, and update or delete a todo only when they wrote it (`IS_AUTHOR`) or it is about
 * an entity they own through their ownership refs, such as their group (`HAS_ENTITY_REF`).
 * Permissions of other plugins are allowed for users.
 *
 * The conditions are written out here because a module may not import the todo plugin; a
 * plugin that publishes a node-library would export condition builders for this
 * (`createConditionExports`).
 */
export class ExamplePermissionPolicy implements PermissionPolicy {
  async handle(request: PolicyQuery, user?: PolicyQueryUser): Promise<PolicyDecision> {
    if (!user) {
      return { result: 'DENY' };
    }
    const { name } = request.permission;
    if (name === 'todo.update' || name === 'todo.delete') {
      return {
        result: 'CONDITIONAL',
        pluginId: 'todo',
        resourceType: 'todo-item',
        conditions: {
          anyOf: [
            { resourceType: 'todo-item', rule: 'IS_AUTHOR', params: { userEntityRef: user.info.userEntityRef } },
            {
              resourceType: 'todo-item',
              rule: 'HAS_ENTITY_REF',
              params: { entityRefs: user.info.ownershipEntityRefs },
            },
          ],
        },
      };
    }
    return { result: 'ALLOW' };
  }
}
