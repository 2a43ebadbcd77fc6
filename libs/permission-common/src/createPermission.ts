import type { BasicPermission, PermissionAttributes, ResourcePermission } from './types';

/**
 * Defines a permission: a resource permission when `resourceType` is given, else a basic one.
 *
 * @public
 */
export function createPermission<TResourceType extends string>(input: {
  name: string;
  attributes: PermissionAttributes;
  resourceType: TResourceType;
}): ResourcePermission<TResourceType>;
/** @public */
export function createPermission(input: { name: string; attributes: PermissionAttributes }): BasicPermission;
export function createPermission(input: {
  name: string;
  attributes: PermissionAttributes;
  resourceType?: string;
}): BasicPermission | ResourcePermission {
  const { name, attributes, resourceType } = input;
  if (resourceType !== undefined) {
    return { type: 'resource', name, attributes, resourceType };
  }
  return { type: 'basic', name, attributes };
}
