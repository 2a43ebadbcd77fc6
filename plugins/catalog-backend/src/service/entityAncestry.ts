import { Entity, LocationSpec, parseLocationRef, stringifyEntityRef } from '@trellis/plugin-catalog-node';
import { isDynamicPattern } from 'tinyglobby';
import { EntityQueries } from '../database/EntityQueries';
import { locationTargets } from '../locations/LocationReader';

/** The answer of `GET /entities/by-name/:kind/:namespace/:name/ancestry`, shaped as Backstage's. */
export interface EntityAncestry {
  rootEntityRef: string;
  items: { entity: Entity; parentEntityRefs: string[] }[];
}

const MAX_DEPTH = 10;

/**
 * The entity and the chain of `Location` entities that led the catalog to its file: an entity's
 * parents are the `Location` entities whose `spec.target` or `spec.targets` name that file or URL
 * (a glob target is not matched back to the files it found). The root comes first, then each
 * generation of parents, up to ten levels, each entity once.
 */
export async function entityAncestry(queries: EntityQueries, root: Entity): Promise<EntityAncestry> {
  const byLocation = await locationsByTarget(queries);
  const items: EntityAncestry['items'] = [];
  const seen = new Set<string>();
  let generation: Entity[] = [root];
  for (let depth = 0; depth <= MAX_DEPTH && generation.length > 0; depth++) {
    const keys = generation.map((entity) => stringifyEntityRef(entity).toLowerCase());
    keys.forEach((key) => seen.add(key));
    const files = await queries.locationsOf(keys);
    const next = new Set<string>();
    generation.forEach((entity, index) => {
      const parents = (byLocation.get(files.get(keys[index]!) ?? '') ?? []).filter((p) => p.key !== keys[index]);
      parents.filter((p) => !seen.has(p.key)).forEach((p) => next.add(p.key));
      items.push({ entity, parentEntityRefs: parents.map((p) => p.ref) });
    });
    const found = await queries.getByKeys([...next]);
    generation = found.filter((entity): entity is Entity => entity !== undefined);
  }
  return { rootEntityRef: stringifyEntityRef(root), items };
}

/**
 * The `Location` entities by each location they name (`file:/abs/path` or `url:https://...`, as
 * entities store it), their targets resolved against their own location as the reader does.
 */
async function locationsByTarget(queries: EntityQueries): Promise<Map<string, { key: string; ref: string }[]>> {
  const byTarget = new Map<string, { key: string; ref: string }[]>();
  for (const row of await queries.locationEntities()) {
    const entity = JSON.parse(row.entity) as Entity;
    let base: LocationSpec;
    try {
      base = parseLocationRef(row.location_key);
    } catch {
      continue;
    }
    for (const target of locationTargets(entity, base)) {
      if (!('type' in target) || (target.type === 'file' && isDynamicPattern(target.target))) {
        continue;
      }
      const key = `${target.type}:${target.target}`;
      byTarget.set(key, [...(byTarget.get(key) ?? []), { key: row.entity_key, ref: stringifyEntityRef(entity) }]);
    }
  }
  return byTarget;
}
