import { createPermission, createPermissionResourceRef, PermissionCriteria } from '@trellis/plugin-permission-common';
import { createPermissionRule } from '@trellis/plugin-permission-node';
import { z } from 'zod';
import type { Todo } from './TodoStore';

/** A query filter that permission conditions on todos become: the column is one of the values. */
export interface TodoFilter {
  property: 'created_by' | 'entity_ref';
  values: string[];
}

/** The todo resource type, owned by this plugin. */
export const todoResourceRef = createPermissionResourceRef<Todo, TodoFilter>().with({
  pluginId: 'todo',
  resourceType: 'todo-item',
});

/** Create a todo. */
export const todoCreatePermission = createPermission({ name: 'todo.create', attributes: { action: 'create' } });

/** Read a todo (and see it in lists). */
export const todoReadPermission = createPermission({
  name: 'todo.read',
  attributes: { action: 'read' },
  resourceType: 'todo-item',
});

/** Change a todo. */
export const todoUpdatePermission = createPermission({
  name: 'todo.update',
  attributes: { action: 'update' },
  resourceType: 'todo-item',
});

/** Delete a todo. */
export const todoDeletePermission = createPermission({
  name: 'todo.delete',
  attributes: { action: 'delete' },
  resourceType: 'todo-item',
});

const sameRef = (a: string | null, b: string) => a !== null && a.toLowerCase() === b.toLowerCase();

/** The todo was created by this user (`createdBy`). */
export const isAuthorRule = createPermissionRule({
  name: 'IS_AUTHOR',
  description: 'Allows todos created by the given user',
  resourceRef: todoResourceRef,
  paramsSchema: z.object({ userEntityRef: z.string().min(1).max(255).describe('The user entity ref of the author') }),
  apply: (todo, { userEntityRef }) => sameRef(todo.createdBy, userEntityRef),
  toQuery: ({ userEntityRef }): PermissionCriteria<TodoFilter> => ({ property: 'created_by', values: [userEntityRef] }),
});

/** The todo is about one of the given entities (`entityRef`), such as the groups a user belongs to. */
export const hasEntityRefRule = createPermissionRule({
  name: 'HAS_ENTITY_REF',
  description: 'Allows todos about one of the given entities',
  resourceRef: todoResourceRef,
  paramsSchema: z.object({ entityRefs: z.array(z.string().min(1).max(255)).max(1000).describe('Entity refs') }),
  apply: (todo, { entityRefs }) => entityRefs.some((ref) => sameRef(todo.entityRef, ref)),
  toQuery: ({ entityRefs }): PermissionCriteria<TodoFilter> => ({ property: 'entity_ref', values: entityRefs }),
});

/** The rules of the todo resource type. */
export const todoPermissionRules = [isAuthorRule, hasEntityRefRule];
