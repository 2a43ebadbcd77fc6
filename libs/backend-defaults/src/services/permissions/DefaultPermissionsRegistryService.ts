import {
  PermissionsRegistryService,
  PermissionsRegistryServiceAddResourceTypeOptions,
} from '@trellis/backend-plugin-api';
import { InputError } from '@trellis/errors';
import {
  ApplyConditionsRequestEntry,
  MetadataResponse,
  parsePermission,
  Permission,
  PermissionResourceRef,
  PermissionRule,
  PermissionRuleset,
} from '@trellis/plugin-permission-common';
import {
  applyConditions,
  ApplyConditionsResponseEntry,
  assertValidConditions,
  createPermissionRuleset,
  serializePermissionRule,
} from '@trellis/plugin-permission-node';

type AnyRule = PermissionRule<unknown, unknown, string, any>;

interface ResourceTypeEntry {
  getResources?: (refs: string[]) => Promise<Array<unknown | undefined>>;
}

/**
 * A plugin's permissions, resource types and rules, served to the permission plugin by the
 * routes of `createPermissionsRegistryRouter`. Registration happens during init; the routes read
 * the current state on each request.
 */
export class DefaultPermissionsRegistryService implements PermissionsRegistryService {
  readonly #pluginId: string;
  readonly #permissions = new Map<string, Permission>();
  readonly #resourceTypes = new Map<string, ResourceTypeEntry>();
  readonly #rules = new Map<string, Map<string, AnyRule>>();

  private constructor(pluginId: string) {
    this.#pluginId = pluginId;
  }

  static create(options: { pluginId: string }): DefaultPermissionsRegistryService {
    return new DefaultPermissionsRegistryService(options.pluginId);
  }

  addPermissions(permissions: Permission[]): void {
    for (const permission of permissions) {
      const checked = parsePermission(permission, `permission '${String(permission?.name)}'`);
      const existing = this.#permissions.get(checked.name);
      if (existing && JSON.stringify(existing) !== JSON.stringify(checked)) {
        throw new Error(`Plugin '${this.#pluginId}' registers permission '${checked.name}' twice, differently`);
      }
      this.#permissions.set(checked.name, checked);
    }
  }

  addPermissionRules(rules: PermissionRule<any, any, string>[]): void {
    for (const rule of rules) {
      let byName = this.#rules.get(rule.resourceType);
      if (!byName) {
        byName = new Map();
        this.#rules.set(rule.resourceType, byName);
      }
      if (byName.has(rule.name)) {
        throw new Error(
          `Plugin '${this.#pluginId}' registers permission rule '${rule.name}' for resource type '${rule.resourceType}' twice`,
        );
      }
      byName.set(rule.name, rule as AnyRule);
    }
  }

  addResourceType<const TResourceType extends string, TResource, TQuery>(
    options: PermissionsRegistryServiceAddResourceTypeOptions<TResourceType, TResource, TQuery>,
  ): void {
    const { resourceRef, permissions = [], rules, getResources } = options;
    if (resourceRef.pluginId !== this.#pluginId) {
      throw new Error(
        `Plugin '${this.#pluginId}' cannot add resource type '${resourceRef.resourceType}' of plugin '${resourceRef.pluginId}'`,
      );
    }
    if (this.#resourceTypes.has(resourceRef.resourceType)) {
      throw new Error(`Plugin '${this.#pluginId}' adds resource type '${resourceRef.resourceType}' twice`);
    }
    const mismatched = permissions.find((p) => p.type !== 'resource' || p.resourceType !== resourceRef.resourceType);
    if (mismatched) {
      throw new Error(
        `Permission '${mismatched.name}' is not a resource permission of type '${resourceRef.resourceType}'; add it with addPermissions`,
      );
    }
    this.#resourceTypes.set(resourceRef.resourceType, {
      getResources: getResources as ResourceTypeEntry['getResources'],
    });
    this.addPermissions(permissions);
    this.addPermissionRules(rules as PermissionRule<any, any, string>[]);
  }

  getPermissionRuleset<TResourceType extends string, TResource, TQuery>(
    resourceRef: PermissionResourceRef<TResource, TQuery, TResourceType>,
  ): PermissionRuleset<TResource, TQuery, TResourceType> {
    return {
      getRuleByName: (name) =>
        this.#ruleset(resourceRef.resourceType).getRuleByName(name) as PermissionRule<TResource, TQuery, TResourceType>,
    };
  }

  /** The body of the metadata endpoint. */
  metadata(): MetadataResponse {
    return {
      permissions: [...this.#permissions.values()],
      rules: [...this.#rules.values()].flatMap((byName) => [...byName.values()].map(serializePermissionRule)),
    };
  }

  /** Applies conditions to the resources they name, loading each resource type's resources once. */
  async applyConditions(entries: ApplyConditionsRequestEntry[]): Promise<ApplyConditionsResponseEntry[]> {
    entries.forEach((entry) => assertValidConditions(entry.conditions, this.#ruleset(entry.resourceType)));
    const resources = await this.#loadResources(entries);
    return entries.map((entry) => {
      const ruleset = this.#ruleset(entry.resourceType);
      const decide = (ref: string): 'ALLOW' | 'DENY' => {
        const resource = resources.get(entry.resourceType)!.get(ref);
        return resource !== undefined && applyConditions(entry.conditions, resource, ruleset) ? 'ALLOW' : 'DENY';
      };
      return Array.isArray(entry.resourceRef)
        ? { id: entry.id, result: entry.resourceRef.map(decide) }
        : { id: entry.id, result: decide(entry.resourceRef) };
    });
  }

  #ruleset(resourceType: string): PermissionRuleset<unknown, unknown> {
    return createPermissionRuleset(this.#rules.get(resourceType)?.values() ?? []);
  }

  async #loadResources(entries: ApplyConditionsRequestEntry[]): Promise<Map<string, Map<string, unknown>>> {
    const refsByType = new Map<string, Set<string>>();
    for (const entry of entries) {
      const type = this.#resourceTypes.get(entry.resourceType);
      if (!type) {
        throw new InputError(`Plugin '${this.#pluginId}' has no resource type '${entry.resourceType}'`);
      }
      if (!type.getResources) {
        throw new InputError(
          `Resource type '${entry.resourceType}' of plugin '${this.#pluginId}' cannot load resources, so it cannot decide conditions about one resource`,
        );
      }
      const refs = refsByType.get(entry.resourceType) ?? new Set();
      [entry.resourceRef].flat().forEach((ref) => refs.add(ref));
      refsByType.set(entry.resourceType, refs);
    }
    const loaded = new Map<string, Map<string, unknown>>();
    for (const [resourceType, refSet] of refsByType) {
      const refs = [...refSet];
      const found = await this.#resourceTypes.get(resourceType)!.getResources!(refs);
      loaded.set(resourceType, new Map(refs.map((ref, i) => [ref, found[i] ?? undefined])));
    }
    return loaded;
  }
}
