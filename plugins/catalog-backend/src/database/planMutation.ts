import { parseEntityRef, stringifyEntityRef } from '@trellis/plugin-catalog-node';
import { ProcessedEntity, ProcessingFailure } from '../processing/EntityProcessor';

/** What the store holds of an entity, as far as a mutation needs it. */
export interface StoredEntityHead {
  entity_key: string;
  uid: string;
  provider: string;
  etag: string;
  location_key: string;
  origin_key: string | null;
}

/** A location whose entities stay as they are this time; with a message, it is also an error. */
export interface RetainedLocation {
  locationKey: string;
  message?: string;
}

/** A mutation as a provider applied it, processed. */
export interface PlannedMutationInput {
  provider: string;
  mode: 'full' | 'delta';
  /**
   * The location the entities were reached from (registered, configured, or the target of a
   * provider's `Location` entity); a full mutation replaces only its entities. Without a scope,
   * a full mutation replaces the entities the provider applied itself.
   */
  scope?: string;
  entities: ProcessedEntity[];
  failures: ProcessingFailure[];
  /** Full only: locations that could not be read, or did not change, whose entities are kept. */
  retain?: RetainedLocation[];
  /** Delta only: refs to remove. */
  removeRefs?: string[];
}

/** What the database holds that the plan depends on. */
export interface PlannedMutationState {
  /** The stored entities with the keys of the incoming ones, of any provider. */
  existing: ReadonlyMap<string, StoredEntityHead>;
  /** Full: every entity of the provider (in the scope); delta: those of `removeRefs` the provider holds. */
  owned: readonly Pick<StoredEntityHead, 'entity_key' | 'location_key'>[];
}

/** An error row to record. */
export interface PlannedError {
  location_key: string;
  entity_ref: string | null;
  message: string;
}

/** What a mutation changed, for logs and metrics. */
export interface MutationSummary {
  added: number;
  updated: number;
  removed: number;
  unchanged: number;
  failed: number;
}

/** The writes a mutation needs. */
export interface MutationPlan {
  /** Entities to write, new or changed, with what was stored before. */
  writes: { processed: ProcessedEntity; current?: StoredEntityHead }[];
  /** Keys of entities to remove. */
  removals: string[];
  errors: PlannedError[];
  summary: MutationSummary;
}

/** The stored etag of a processed entity. */
export function etagOf(processed: ProcessedEntity): string {
  return processed.hash.slice(0, 32);
}

/**
 * The diff between a processed mutation and what is stored, without touching the database.
 * `full`: every entity of the provider (in the scope) not among the incoming ones is removed,
 * except those at retained locations and those whose new version failed (a broken edit keeps
 * the last good entity). `delta`: only `removeRefs` the provider holds are removed. An entity
 * another provider (or another scope of the same provider) holds is refused, as is a second
 * entity with the same ref; an entity whose etag and location are unchanged is not written.
 */
export function planMutation(input: PlannedMutationInput, state: PlannedMutationState): MutationPlan {
  const summary: MutationSummary = { added: 0, updated: 0, removed: 0, unchanged: 0, failed: input.failures.length };
  const errors: PlannedError[] = [
    ...input.failures.map((f) => ({ location_key: f.locationKey, entity_ref: f.ref ?? null, message: f.message })),
    ...(input.retain ?? []).flatMap((r) =>
      r.message === undefined ? [] : [{ location_key: r.locationKey, entity_ref: null, message: r.message }],
    ),
  ];
  const refuse = (processed: ProcessedEntity, message: string) => {
    errors.push({ location_key: processed.locationKey, entity_ref: processed.ref, message });
    summary.failed++;
  };
  const incoming = new Map<string, ProcessedEntity>();
  for (const processed of input.entities) {
    const key = processed.ref.toLowerCase();
    const first = incoming.get(key);
    if (first) {
      refuse(processed, `${processed.ref} is already defined in ${first.locationKey}`);
      continue;
    }
    incoming.set(key, processed);
  }
  const writes: MutationPlan['writes'] = [];
  for (const [key, processed] of incoming) {
    const current = state.existing.get(key);
    if (current && current.provider !== input.provider) {
      refuse(processed, `${processed.ref} is already provided by '${current.provider}' from ${current.location_key}`);
      continue;
    }
    if (current && (current.origin_key ?? undefined) !== input.scope) {
      const holder = current.origin_key ? `the location ${current.origin_key}` : `'${current.provider}' itself`;
      refuse(processed, `${processed.ref} is already provided by ${holder}`);
      continue;
    }
    if (current && current.etag === etagOf(processed) && current.location_key === processed.locationKey) {
      summary.unchanged++;
      continue;
    }
    writes.push({ processed, current });
    summary[current ? 'updated' : 'added']++;
  }
  const removals = input.mode === 'full' ? fullRemovals(input, incoming, state) : deltaRemovals(input, state);
  summary.removed = removals.length;
  return { writes, removals, errors, summary };
}

function fullRemovals(
  input: PlannedMutationInput,
  incoming: ReadonlyMap<string, ProcessedEntity>,
  state: PlannedMutationState,
): string[] {
  const retained = new Set((input.retain ?? []).map((r) => r.locationKey));
  const failedRefs = new Set(input.failures.flatMap((f) => (f.ref ? [f.ref.toLowerCase()] : [])));
  return state.owned
    .filter(
      (row) => !incoming.has(row.entity_key) && !retained.has(row.location_key) && !failedRefs.has(row.entity_key),
    )
    .map((row) => row.entity_key);
}

function deltaRemovals(input: PlannedMutationInput, state: PlannedMutationState): string[] {
  const owned = new Set(state.owned.map((row) => row.entity_key));
  // A ref no entity can have (malformed, NUL) is not there to remove; one another provider holds
  // is not this provider's to remove.
  const keys = (input.removeRefs ?? [])
    .map((ref) => ref.toLowerCase())
    .filter((key) => isEntityKey(key) && owned.has(key));
  return [...new Set(keys)];
}

/** Whether `key` is an entity ref in its canonical, lower-case form. */
export function isEntityKey(key: string): boolean {
  try {
    return stringifyEntityRef(parseEntityRef(key)) === key;
  } catch {
    return false;
  }
}
