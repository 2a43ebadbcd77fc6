import {
  Entity,
  parseEntityRef,
  RELATION_API_CONSUMED_BY,
  RELATION_API_PROVIDED_BY,
  RELATION_CHILD_OF,
  RELATION_CONSUMES_API,
  RELATION_DEPENDENCY_OF,
  RELATION_DEPENDS_ON,
  RELATION_HAS_MEMBER,
  RELATION_HAS_PART,
  RELATION_MEMBER_OF,
  RELATION_OWNED_BY,
  RELATION_OWNER_OF,
  RELATION_PARENT_OF,
  RELATION_PART_OF,
  RELATION_PROVIDES_API,
  stringifyEntityRef,
} from '@trellis/plugin-catalog-node';

/** A relation between two entity refs. */
export interface Relation {
  source: string;
  type: string;
  target: string;
}

/** A spec field that names other entities: the kind its refs default to, and the relation pair. */
interface RefField {
  field: string;
  defaultKind?: string;
  forward: string;
  reverse: string;
}

const OWNER: RefField = {
  field: 'owner',
  defaultKind: 'Group',
  forward: RELATION_OWNED_BY,
  reverse: RELATION_OWNER_OF,
};
const SYSTEM: RefField = {
  field: 'system',
  defaultKind: 'System',
  forward: RELATION_PART_OF,
  reverse: RELATION_HAS_PART,
};
const DEPENDS_ON: RefField = { field: 'dependsOn', forward: RELATION_DEPENDS_ON, reverse: RELATION_DEPENDENCY_OF };
const DEPENDENCY_OF: RefField = {
  field: 'dependencyOf',
  forward: RELATION_DEPENDENCY_OF,
  reverse: RELATION_DEPENDS_ON,
};

const FIELDS_BY_KIND: Record<string, RefField[]> = {
  component: [
    OWNER,
    SYSTEM,
    { field: 'subcomponentOf', defaultKind: 'Component', forward: RELATION_PART_OF, reverse: RELATION_HAS_PART },
    { field: 'providesApis', defaultKind: 'API', forward: RELATION_PROVIDES_API, reverse: RELATION_API_PROVIDED_BY },
    { field: 'consumesApis', defaultKind: 'API', forward: RELATION_CONSUMES_API, reverse: RELATION_API_CONSUMED_BY },
    DEPENDS_ON,
    DEPENDENCY_OF,
  ],
  api: [OWNER, SYSTEM],
  resource: [OWNER, SYSTEM, DEPENDS_ON, DEPENDENCY_OF],
  system: [OWNER, { field: 'domain', defaultKind: 'Domain', forward: RELATION_PART_OF, reverse: RELATION_HAS_PART }],
  domain: [
    OWNER,
    { field: 'subdomainOf', defaultKind: 'Domain', forward: RELATION_PART_OF, reverse: RELATION_HAS_PART },
  ],
  group: [
    { field: 'parent', defaultKind: 'Group', forward: RELATION_CHILD_OF, reverse: RELATION_PARENT_OF },
    { field: 'children', defaultKind: 'Group', forward: RELATION_PARENT_OF, reverse: RELATION_CHILD_OF },
    { field: 'members', defaultKind: 'User', forward: RELATION_HAS_MEMBER, reverse: RELATION_MEMBER_OF },
  ],
  user: [{ field: 'memberOf', defaultKind: 'Group', forward: RELATION_MEMBER_OF, reverse: RELATION_HAS_MEMBER }],
};

/**
 * The relations a built-in kind's spec implies, both directions, such as a component's
 * `ownedBy group:default/team-a` and the group's `ownerOf component:default/x`. Refs default
 * their kind per field and their namespace to the entity's. Throws an Error naming a malformed ref.
 */
export function builtInRelations(entity: Entity): Relation[] {
  const fields = FIELDS_BY_KIND[entity.kind.toLowerCase()] ?? [];
  const self = stringifyEntityRef(entity);
  const relations: Relation[] = [];
  for (const { field, defaultKind, forward, reverse } of fields) {
    const value = entity.spec?.[field];
    const values = value === undefined ? [] : Array.isArray(value) ? value : [value];
    for (const item of values) {
      if (typeof item !== 'string') {
        continue;
      }
      let target: string;
      try {
        target = stringifyEntityRef(parseEntityRef(item, { defaultKind, defaultNamespace: entity.metadata.namespace }));
      } catch {
        throw new Error(
          `'spec.${field}' has a malformed entity ref '${item}'${defaultKind ? '' : ' (write kind:namespace/name)'}`,
        );
      }
      relations.push({ source: self, type: forward, target }, { source: target, type: reverse, target: self });
    }
  }
  return relations;
}
