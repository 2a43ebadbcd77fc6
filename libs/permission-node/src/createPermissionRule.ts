import type {
  NoInfer,
  PermissionCriteria,
  PermissionParamsSchema,
  PermissionResourceRef,
  PermissionRule,
  PermissionRuleParams,
} from '@trellis/plugin-permission-common';

/** The options of a rule for a resource ref. @public */
export type CreatePermissionRuleOptions<TRef extends PermissionResourceRef, TParams extends PermissionRuleParams> =
  TRef extends PermissionResourceRef<infer IResource, infer IQuery, any>
    ? {
        name: string;
        description: string;
        resourceRef: TRef;
        paramsSchema?: PermissionParamsSchema<TParams>;
        apply(resource: IResource, params: NoInfer<TParams>): boolean;
        toQuery(params: NoInfer<TParams>): PermissionCriteria<IQuery>;
      }
    : never;

/**
 * Defines a permission rule, for a resource ref (`resourceRef`) or a resource type
 * (`resourceType`). The params schema (zod 4 or any Standard Schema with JSON Schema) checks the
 * parameters of conditions before the rule sees them, and is published in the plugin's metadata.
 *
 * @public
 */
export function createPermissionRule<
  TRef extends PermissionResourceRef,
  TParams extends PermissionRuleParams = undefined,
>(
  rule: CreatePermissionRuleOptions<TRef, TParams>,
): PermissionRule<TRef['TResource'], TRef['TQuery'], TRef['resourceType'], TParams>;
/** @public */
export function createPermissionRule<
  TResource,
  TQuery,
  TResourceType extends string,
  TParams extends PermissionRuleParams = undefined,
>(
  rule: PermissionRule<TResource, TQuery, TResourceType, TParams>,
): PermissionRule<TResource, TQuery, TResourceType, TParams>;
export function createPermissionRule(rule: any): PermissionRule<unknown, unknown, string, any> {
  if (rule.resourceRef !== undefined) {
    const { resourceRef, ...rest } = rule;
    return { ...rest, resourceType: resourceRef.resourceType };
  }
  return rule;
}

/**
 * A `createPermissionRule` bound to one resource and query type, for a plugin to export so
 * modules can add rules: `export const createTodoPermissionRule = makeCreatePermissionRule<Todo, TodoFilter, 'todo-item'>()`.
 *
 * @public
 */
export const makeCreatePermissionRule =
  <TResource, TQuery, TResourceType extends string>() =>
  <TParams extends PermissionRuleParams = undefined>(
    rule: PermissionRule<TResource, TQuery, TResourceType, TParams>,
  ): PermissionRule<TResource, TQuery, TResourceType, TParams> =>
    createPermissionRule(rule);
