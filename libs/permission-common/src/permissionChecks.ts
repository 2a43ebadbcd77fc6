import type { Permission, ResourcePermission } from './types';

/** Whether two permissions are the same permission (compared by name). @public */
export function isPermission<T extends Permission>(permission: Permission, comparedPermission: T): permission is T {
  return permission.name === comparedPermission.name;
}

/** Whether a permission is a resource permission, of `resourceType` when given. @public */
export function isResourcePermission<T extends string = string>(
  permission: Permission,
  resourceType?: T,
): permission is ResourcePermission<T> {
  if (permission.type !== 'resource') {
    return false;
  }
  return resourceType === undefined || permission.resourceType === resourceType;
}

/** Whether a permission's action is `create`. @public */
export function isCreatePermission(permission: Permission): boolean {
  return permission.attributes.action === 'create';
}

/** Whether a permission's action is `read`. @public */
export function isReadPermission(permission: Permission): boolean {
  return permission.attributes.action === 'read';
}

/** Whether a permission's action is `update`. @public */
export function isUpdatePermission(permission: Permission): boolean {
  return permission.attributes.action === 'update';
}

/** Whether a permission's action is `delete`. @public */
export function isDeletePermission(permission: Permission): boolean {
  return permission.attributes.action === 'delete';
}
