import { Credentials, PermissionsService } from '@trellis/backend-plugin-api';
import { NotAllowedError, NotFoundError } from '@trellis/errors';
import { ConditionTransformer } from '@trellis/plugin-permission-node';
import {
  TodoFilter,
  todoCreatePermission,
  todoDeletePermission,
  todoReadPermission,
  todoUpdatePermission,
} from './permissions';
import type { TodoFilterCriteria } from './applyTodoFilter';
import type { Todo } from './TodoStore';

/**
 * The todo routes' permission checks. Lists ask for a conditional decision and filter in the
 * database; single todos are decided by the permission plugin, which applies conditions through
 * this plugin's registry. A todo the caller may not read answers 404, as if it did not exist.
 */
export class TodoPermissionChecks {
  readonly #permissions: PermissionsService;
  readonly #toFilter: ConditionTransformer<TodoFilter>;

  private constructor(permissions: PermissionsService, toFilter: ConditionTransformer<TodoFilter>) {
    this.#permissions = permissions;
    this.#toFilter = toFilter;
  }

  static create(options: {
    permissions: PermissionsService;
    toFilter: ConditionTransformer<TodoFilter>;
  }): TodoPermissionChecks {
    return new TodoPermissionChecks(options.permissions, options.toFilter);
  }

  /** The filter for lists: undefined for all todos, `'none'` for none. */
  async readFilter(credentials: Credentials): Promise<TodoFilterCriteria | undefined | 'none'> {
    const [decision] = await this.#permissions.authorizeConditional([{ permission: todoReadPermission }], {
      credentials,
    });
    if (decision.result === 'CONDITIONAL') {
      return this.#toFilter(decision.conditions);
    }
    return decision.result === 'ALLOW' ? undefined : 'none';
  }

  async assertCreate(credentials: Credentials): Promise<void> {
    const [decision] = await this.#permissions.authorize([{ permission: todoCreatePermission }], { credentials });
    if (decision.result !== 'ALLOW') {
      throw new NotAllowedError('You may not create todos');
    }
  }

  async assertRead(id: string, credentials: Credentials): Promise<void> {
    if (!(await this.#allowed(todoReadPermission, id, credentials))) {
      throw new NotFoundError(`No todo with id '${id}'`);
    }
  }

  /** Throws 404 for a todo the caller may not read, 403 for one they may read but not change. */
  async assertChange(action: 'update' | 'delete', todo: Todo, credentials: Credentials): Promise<void> {
    const permission = action === 'update' ? todoUpdatePermission : todoDeletePermission;
    const [change, read] = await this.#permissions.authorize(
      [
        { permission, resourceRef: todo.id },
        { permission: todoReadPermission, resourceRef: todo.id },
      ],
      { credentials },
    );
    if (change.result === 'ALLOW') {
      return;
    }
    if (read.result !== 'ALLOW') {
      throw new NotFoundError(`No todo with id '${todo.id}'`);
    }
    throw new NotAllowedError(`You may not ${action} todo '${todo.id}'`);
  }

  async #allowed(permission: typeof todoReadPermission, id: string, credentials: Credentials): Promise<boolean> {
    const [decision] = await this.#permissions.authorize([{ permission, resourceRef: id }], { credentials });
    return decision.result === 'ALLOW';
  }
}
