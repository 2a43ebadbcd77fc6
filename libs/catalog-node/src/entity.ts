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

/** The defaults {@link parseEntityRef} fills a ref's missing parts from. @public */
export interface ParseEntityRefContext {
  /** The kind of a ref that names none. Without it, such a ref is refused. */
  defaultKind?: string;
  /** The namespace of a ref that names none; `default` if not given. */
  defaultNamespace?: string;
}

/**
 * Parses an entity ref, written `[kind:][namespace/]name` or given as `{ kind?, namespace?, name }`.
 * As in Backstage, a `/` before the first `:` means the ref has no kind (`ns/a:b` is the name `a:b`
 * in `ns`), and a missing kind or namespace is taken from `context`. Unlike Backstage, each part
 * must also be valid (kind letters and digits, namespace a DNS label, name up to 63 characters):
 * anything else throws `InputError` naming the ref, so a malformed ref is a 400, never a 500.
 *
 * @public
 */
export function parseEntityRef(
  ref: string | { kind?: string; namespace?: string; name: string },
  context: ParseEntityRefContext = {},
): CompoundEntityRef {
  const parts = typeof ref === 'string' ? splitRef(ref) : ref;
  const shown = typeof ref === 'string' ? ref : JSON.stringify(ref);
  const kind = parts?.kind ?? context.defaultKind;
  const namespace = parts?.namespace ?? (context.defaultNamespace || DEFAULT_NAMESPACE);
  const name = parts?.name;
  if (parts === undefined || typeof name !== 'string') {
    throw new InputError(`Invalid entity ref '${String(shown).slice(0, 300)}': expected [kind:][namespace/]name`);
  }
  if (kind === undefined) {
    throw new InputError(`Invalid entity ref '${shown}': it names no kind, write kind:namespace/name`);
  }
  if (!isValidKind(kind) || !isValidNamespace(String(namespace).toLowerCase()) || !isValidName(name)) {
    throw new InputError(
      `Invalid entity ref '${shown}': expected [kind:][namespace/]name with a valid kind, namespace and name`,
    );
  }
  return { kind, namespace, name };
}

function splitRef(ref: string): { kind?: string; namespace?: string; name: string } | undefined {
  if (typeof ref !== 'string' || ref.length === 0 || ref.length > 255) {
    return undefined;
  }
  const slash = ref.indexOf('/');
  let colon = ref.indexOf(':');
  if (slash !== -1 && slash < colon) {
    colon = -1;
  }
  const kind = colon === -1 ? undefined : ref.slice(0, colon);
  const namespace = slash === -1 ? undefined : ref.slice(colon + 1, slash);
  const name = ref.slice(Math.max(colon + 1, slash + 1));
  if (kind === '' || namespace === '' || name === '') {
    return undefined;
  }
  return { kind, namespace, name };
}

/** The kind, namespace and name of an entity, the namespace defaulting to `default`. @public */
export function getCompoundEntityRef(entity: Entity): CompoundEntityRef {
  return {
    kind: entity.kind,
    namespace: entity.metadata.namespace || DEFAULT_NAMESPACE,
    name: entity.metadata.name,
  };
}

/**
 * The ref of an entity or compound ref: `kind:namespace/name`, every part in lower case, the
 * namespace defaulting to `default` (Backstage's canonical form). The catalog compares refs
 * without regard to case.
 *
 * @public
 */
export function stringifyEntityRef(ref: Entity | { kind: string; namespace?: string; name: string }): string {
  const { kind, namespace, name } =
    'metadata' in ref ? getCompoundEntityRef(ref) : { ...ref, namespace: ref.namespace || DEFAULT_NAMESPACE };
  return `${kind.toLowerCase()}:${namespace.toLowerCase()}/${name.toLowerCase()}`;
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
