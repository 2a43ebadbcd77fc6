import type { PermissionCriteria, PermissionRuleParams } from './types';

/** Keeps a type parameter out of inference. @public */
export type NoInfer<T> = T extends infer S ? S : never;

/**
 * A schema following the Standard Schema and Standard JSON Schema specifications (zod 4,
 * valibot, arktype ...): it validates a value and describes itself as JSON Schema.
 *
 * @public
 */
export interface PermissionParamsSchema<TOutput = unknown> {
  readonly '~standard': {
    readonly version: 1;
    readonly vendor: string;
    validate(
      value: unknown,
    ):
      | { value: TOutput; issues?: undefined }
      | { issues: ReadonlyArray<{ message: string; path?: ReadonlyArray<PropertyKey | { key: PropertyKey }> }> }
      | Promise<unknown>;
    readonly jsonSchema?: { input(options: { target: string }): Record<string, unknown> };
    readonly types?: { readonly input: unknown; readonly output: TOutput };
  };
}

/**
 * A rule that decides whether a resource meets a condition (`apply`) and turns the same condition
 * into a query filter of the owning plugin (`toQuery`), so lists can be filtered in the database.
 *
 * @public
 */
export type PermissionRule<
  TResource,
  TQuery,
  TResourceType extends string,
  TParams extends PermissionRuleParams = PermissionRuleParams,
> = {
  name: string;
  description: string;
  resourceType: TResourceType;
  paramsSchema?: PermissionParamsSchema<TParams>;
  apply(resource: TResource, params: NoInfer<TParams>): boolean;
  toQuery(params: NoInfer<TParams>): PermissionCriteria<TQuery>;
};

/** The rules of one resource type, by name. @public */
export type PermissionRuleset<TResource = unknown, TQuery = unknown, TResourceType extends string = string> = {
  /** The rule of that name; throws `InputError` when there is none. */
  getRuleByName(name: string): PermissionRule<TResource, TQuery, TResourceType>;
};

/**
 * Names a resource type and the plugin that owns it, and carries the types of its resources and
 * query filters, so rules and conditions for it are typed.
 *
 * @public
 */
export type PermissionResourceRef<
  TResource = unknown,
  TQuery = unknown,
  TResourceType extends string = string,
  TPluginId extends string = string,
> = {
  readonly $$type: '@backstage/PermissionResourceRef';
  readonly pluginId: TPluginId;
  readonly resourceType: TResourceType;
  readonly TQuery: TQuery;
  readonly TResource: TResource;
};

/**
 * Creates a resource ref: `createPermissionResourceRef<Todo, TodoFilter>().with({ pluginId, resourceType })`.
 *
 * @public
 */
export function createPermissionResourceRef<TResource, TQuery>(): {
  with<TPluginId extends string, TResourceType extends string>(options: {
    pluginId: TPluginId;
    resourceType: TResourceType;
  }): PermissionResourceRef<TResource, TQuery, TResourceType, TPluginId>;
} {
  return {
    with(options) {
      return {
        $$type: '@backstage/PermissionResourceRef',
        pluginId: options.pluginId,
        resourceType: options.resourceType,
        get TQuery(): never {
          throw new Error('PermissionResourceRef.TQuery is a type only; do not read it');
        },
        get TResource(): never {
          throw new Error('PermissionResourceRef.TResource is a type only; do not read it');
        },
      };
    },
  };
}
