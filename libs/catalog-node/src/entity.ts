import { InputError } from '@trellis/errors';

/** The namespace of an entity that names none. @public */
export const DEFAULT_NAMESPACE = 'default';

/** A JSON value as entities hold it. @public */
export type EntityValue = string | number | boolean | null | EntityValue[] | { [key: string]: EntityValue };

/** A relation from one entity to another, such as `ownedBy` `group:default/platform`. @public */
export interface EntityRelation {
  type: string;
  targetRef: string;
}

/** The metadata every entity has. @public */
export interface EntityMeta {
  name: string;
  namespace?: string;
  title?: string;
  description?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  tags?: string[];
  links?: { url: string; title?: string; icon?: string; type?: string }[];
  /** Set by the catalog: a stable ID of the entity. */
  uid?: string;
  /** Set by the catalog: changes whenever the stored entity changes. */
  etag?: string;
  [key: string]: EntityValue | undefined;
}

/**
 * A catalog entity: what it is (`kind`), who it is (`metadata.namespace` and `metadata.name`),
 * its kind-specific description (`spec`) and, as served, its relations to other entities.
 *
 * @public
 */
export interface Entity {
  apiVersion: string;
  kind: string;
  metadata: EntityMeta;
  spec?: { [key: string]: EntityValue };
  relations?: EntityRelation[];
}

/** The three parts that name an entity. @public */
export interface CompoundEntityRef {
  kind: string;
  namespace: string;
  name: string;
}

const KIND = /^[a-zA-Z][a-zA-Z0-9]*$/;
const NAMESPACE = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const NAME = /^[a-zA-Z0-9]+(?:[._-][a-zA-Z0-9]+)*$/;

/** Whether `value` is a valid entity kind (letters and digits, starting with a letter). @public */
export function isValidKind(value: unknown): value is string {
  return typeof value === 'string' && value.length <= 63 && KIND.test(value);
}

/** Whether `value` is a valid namespace (lower-case DNS label). @public */
export function isValidNamespace(value: unknown): value is string {
  return typeof value === 'string' && value.length <= 63 && NAMESPACE.test(value);
}

/** Whether `value` is a valid entity name (letters, digits and single `.`, `_` or `-` between them). @public */
export function isValidName(value: unknown): value is string {
  return typeof value === 'string' && value.length <= 63 && NAME.test(value);
}

/**
 * Parses an entity ref written `[kind:][namespace/]name`. A missing kind or namespace is taken
 * from `defaults`; the namespace defaults to `default`. Throws `InputError` naming the ref when it
 * is malformed or has no kind.
 *
 * @public
 */
export function parseEntityRef(
  ref: string,
  defaults: { defaultKind?: string; defaultNamespace?: string } = {},
): CompoundEntityRef {
  if (typeof ref !== 'string' || ref.length === 0 || ref.length > 255) {
    throw new InputError(`Invalid entity ref '${String(ref).slice(0, 300)}': expected [kind:][namespace/]name`);
  }
  const colon = ref.indexOf(':');
  const kind = colon === -1 ? defaults.defaultKind : ref.slice(0, colon);
  const rest = colon === -1 ? ref : ref.slice(colon + 1);
  const slash = rest.indexOf('/');
  const namespace = slash === -1 ? (defaults.defaultNamespace ?? DEFAULT_NAMESPACE) : rest.slice(0, slash);
  const name = slash === -1 ? rest : rest.slice(slash + 1);
  if (kind === undefined) {
    throw new InputError(`Invalid entity ref '${ref}': it names no kind, write kind:namespace/name`);
  }
  if (!isValidKind(kind) || !isValidNamespace(namespace.toLowerCase()) || !isValidName(name)) {
    throw new InputError(
      `Invalid entity ref '${ref}': expected [kind:][namespace/]name with a valid kind, namespace and name`,
    );
  }
  return { kind, namespace, name };
}

/**
 * The ref of an entity or compound ref: `kind:namespace/name`, kind and namespace in lower case
 * (as Backstage writes them). The catalog compares refs without regard to case.
 *
 * @public
 */
export function stringifyEntityRef(ref: Entity | CompoundEntityRef): string {
  const { kind, namespace, name } =
    'metadata' in ref
      ? { kind: ref.kind, namespace: ref.metadata.namespace ?? DEFAULT_NAMESPACE, name: ref.metadata.name }
      : ref;
  return `${kind.toLowerCase()}:${namespace.toLowerCase()}/${name}`;
}

/** The relation types the catalog derives from the built-in kinds, each beside its reverse. @public */
export const RELATION_OWNED_BY = 'ownedBy';
/** @public */
export const RELATION_OWNER_OF = 'ownerOf';
/** @public */
export const RELATION_PART_OF = 'partOf';
/** @public */
export const RELATION_HAS_PART = 'hasPart';
/** @public */
export const RELATION_PROVIDES_API = 'providesApi';
/** @public */
export const RELATION_API_PROVIDED_BY = 'apiProvidedBy';
/** @public */
export const RELATION_CONSUMES_API = 'consumesApi';
/** @public */
export const RELATION_API_CONSUMED_BY = 'apiConsumedBy';
/** @public */
export const RELATION_DEPENDS_ON = 'dependsOn';
/** @public */
export const RELATION_DEPENDENCY_OF = 'dependencyOf';
/** @public */
export const RELATION_MEMBER_OF = 'memberOf';
/** @public */
export const RELATION_HAS_MEMBER = 'hasMember';
/** @public */
export const RELATION_CHILD_OF = 'childOf';
/** @public */
export const RELATION_PARENT_OF = 'parentOf';
