import type {
  NoInfer,
  Permission,
  PermissionResourceRef,
  PermissionRule,
  PermissionRuleset,
} from '@trellis/plugin-permission-common';

/** A resource type a plugin owns, with its permissions, rules and loader. @public */
export type PermissionsRegistryServiceAddResourceTypeOptions<TResourceType extends string, TResource, TQuery> = {
  resourceRef: PermissionResourceRef<TResource, TQuery, TResourceType>;
  permissions?: Array<Permission>;
  rules: PermissionRule<NoInfer<TResource>, NoInfer<TQuery>, NoInfer<TResourceType>>[];
  /**
   * Loads resources by ref, `undefined` for refs that name none, in the order asked. Without it
   * the permission plugin cannot decide a conditional decision about a single resource.
   */
  getResources?(resourceRefs: string[]): Promise<Array<NoInfer<TResource> | undefined>>;
};

/**
 * The plugin's entries in the permission system: its permissions, its resource types and the
 * rules that conditions on them use. They are served to the permission plugin at
 * `/.well-known/backstage/permissions/metadata` and applied at `.../apply-conditions`. Call it
 * during init (the plugin's or its modules').
 *
 * @public
 */
export interface PermissionsRegistryService {
  addPermissions(permissions: Permission[]): void;
  /** Adds rules to resource types of this plugin (for instance from a module). */
  addPermissionRules(rules: PermissionRule<any, any, string>[]): void;
  addResourceType<const TResourceType extends string, TResource, TQuery>(
    options: PermissionsRegistryServiceAddResourceTypeOptions<TResourceType, TResource, TQuery>,
  ): void;
  /** The rules registered so far for a resource type of this plugin. */
  getPermissionRuleset<TResourceType extends string, TResource, TQuery>(
    resourceRef: PermissionResourceRef<TResource, TQuery, TResourceType>,
  ): PermissionRuleset<TResource, TQuery, TResourceType>;
}
