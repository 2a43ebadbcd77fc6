import { Entity, EntityRelation } from '@trellis/plugin-catalog-node';
import { Knex } from 'knex';

/**
 * One condition of a filter: `key` has one of `values`, or, without values, only that `key`
 * exists. Repeated keys of one filter parameter are merged into one condition (Backstage ORs the
 * values of a repeated key).
 */
export interface FilterCondition {
  key: string;
  values?: string[];
}

/** Conditions that must all hold; a query's filter is a list of these of which any may hold. */
export type FilterSet = FilterCondition[];

/** Sorting by one field in dot notation; entities without the field come last in both directions. */
export interface OrderField {
  field: string;
  order: 'asc' | 'desc';
}

/** A case-insensitive substring search over the values of some fields (all fields when none). */
export interface FullTextFilter {
  term: string;
  fields?: string[];
}

/** What selects and orders entities for a list. */
export interface EntityQuery {
  filter: FilterSet[];
  order?: OrderField[];
  fullText?: FullTextFilter;
}

/** The values of one facet with the number of entities that have each. */
export type FacetCounts = { value: string; count: number }[];

const CHUNK = 200;

/**
 * The read side of the catalog: filters, ordering, pages, facets and batches by ref, all on the
 * `catalog_search` rows (key, lower-case value; indexed on both) and `catalog_relations`. Every
 * filter becomes `entity_key IN (subquery)` on those indexes, so a list never scans entity bodies.
 */
export class EntityQueries {
  readonly #db: Knex;

  private constructor(db: Knex) {
    this.#db = db;
  }

  static create(db: Knex): EntityQueries {
    return new EntityQueries(db);
  }

  /** How many entities match. */
  async count(query: EntityQuery): Promise<number> {
    const [row] = await this.#matching(query).count<{ count: number | string }[]>({ count: '*' });
    return Number(row?.count ?? 0);
  }

  /**
   * The keys of the matching entities in order (the order fields, then the key), from `offset`,
   * at most `limit` of them (all when no limit).
   */
  async listKeys(query: EntityQuery & { offset?: number; limit?: number }): Promise<string[]> {
    const builder = this.#ordered(query);
    if (query.offset) {
      builder.offset(query.offset);
    }
    if (query.limit !== undefined) {
      builder.limit(query.limit);
    } else if (query.offset) {
      // SQLite needs a LIMIT before an OFFSET.
      builder.limit(Number.MAX_SAFE_INTEGER);
    }
    const rows: { entity_key: string }[] = await builder;
    return rows.map((row) => row.entity_key);
  }

  /**
   * The matching keys, sorted. Each order field's value is a subquery per entity on the
   * `catalog_search` index on (entity_key, key) rather than a join with a grouped table: with the
   * statistics of a freshly filled table, PostgreSQL planned that join as a nested loop, 15 s for
   * a page over 5000 entities.
   */
  #ordered(query: EntityQuery): Knex.QueryBuilder {
    const order = query.order ?? [];
    const inner = this.#matching(query).select('e.entity_key');
    if (order.length === 0) {
      return inner.orderBy('e.entity_key', 'asc');
    }
    order.forEach(({ field, order: direction }, index) => {
      const aggregate = direction === 'asc' ? 'min' : 'max';
      inner.select(
        this.#db.raw(
          `(select ${aggregate}(s.value) from catalog_search as s where s.entity_key = e.entity_key and s.key = ?) as ??`,
          [field.toLowerCase(), `o${index}`],
        ),
      );
    });
    const outer = this.#db.from(inner.as('t')).select('t.entity_key');
    order.forEach(({ order: direction }, index) => {
      // Entities without the field last in both directions.
      outer.orderByRaw('?? is null', [`t.o${index}`]).orderBy(`t.o${index}`, direction);
    });
    return outer.orderBy('t.entity_key', 'asc');
  }

  /**
   * The entities of the given keys (lower-case refs), in that order, undefined where there is
   * none or where it does not match `filter`.
   */
  async getByKeys(keys: string[], filter: FilterSet[] = []): Promise<(Entity | undefined)[]> {
    const found = new Map<string, Entity>();
    for (let i = 0; i < keys.length; i += CHUNK) {
      const rows = await this.#matching({ filter })
        .select('e.entity_key', 'e.entity')
        .whereIn('e.entity_key', keys.slice(i, i + CHUNK));
      const entities = await withRelations(this.#db, rows);
      rows.forEach((row: { entity_key: string }, index: number) => found.set(row.entity_key, entities[index]!));
    }
    return keys.map((key) => found.get(key));
  }

  /** The provider that holds the entity of this key, if there is one. */
  async providerOf(key: string): Promise<string | undefined> {
    const row = await this.#db('catalog_entities').select('provider').where({ entity_key: key }).first();
    return row?.provider;
  }

  /** The `Location` entities as stored, with their file (`location_key`). */
  async locationEntities(): Promise<{ entity_key: string; location_key: string; entity: string }[]> {
    return this.#db({ e: 'catalog_entities' })
      .select('e.entity_key', 'e.location_key', 'e.entity')
      .whereIn('e.entity_key', this.#conditionKeys({ key: 'kind', values: ['location'] }));
  }

  /** The stored file of each of these entities (`file:/abs/path`), by key. */
  async locationsOf(keys: string[]): Promise<Map<string, string>> {
    const rows = await this.#db('catalog_entities').select('entity_key', 'location_key').whereIn('entity_key', keys);
    return new Map(rows.map((row) => [row.entity_key as string, row.location_key as string]));
  }

  /**
   * For each facet (a field in dot notation, or `relations.<type>`), the distinct values among the
   * matching entities, as written in the entities, with how many entities have each. Values are
   * read from the stored entities in batches, so memory stays bounded by the number of values.
   */
  async facets(filter: FilterSet[], facets: string[]): Promise<Record<string, FacetCounts>> {
    const counts = new Map(facets.map((facet) => [facet, new Map<string, number>()]));
    let after = '';
    for (;;) {
      const rows = await this.#matching({ filter })
        .select('e.entity_key', 'e.entity')
        .where('e.entity_key', '>', after)
        .orderBy('e.entity_key')
        .limit(CHUNK);
      if (rows.length === 0) {
        break;
      }
      after = rows[rows.length - 1].entity_key;
      const entities = await withRelations(this.#db, rows);
      for (const entity of entities) {
        for (const facet of facets) {
          const perValue = counts.get(facet)!;
          for (const value of facetValues(entity, facet)) {
            perValue.set(value, (perValue.get(value) ?? 0) + 1);
          }
        }
      }
    }
    const result: Record<string, FacetCounts> = Object.create(null);
    for (const [facet, perValue] of counts) {
      result[facet] = [...perValue].map(([value, count]) => ({ value, count }));
    }
    return result;
  }

  /** `catalog_entities as e`, narrowed to the entities matching the query's filter and full-text term. */
  #matching(query: EntityQuery): Knex.QueryBuilder {
    const builder = this.#db({ e: 'catalog_entities' });
    if (query.filter.length > 0) {
      builder.where((outer) => {
        for (const set of query.filter) {
          outer.orWhere((inner) => {
            for (const condition of set) {
              inner.whereIn('e.entity_key', this.#conditionKeys(condition));
            }
          });
        }
      });
    }
    if (query.fullText) {
      const { term, fields } = query.fullText;
      const search = this.#db('catalog_search')
        .select('entity_key')
        .whereRaw("value like ? escape '\\'", [`%${escapeLike(term.toLowerCase())}%`]);
      if (fields?.length) {
        search.whereIn(
          'key',
          fields.map((field) => field.toLowerCase()),
        );
      }
      builder.whereIn('e.entity_key', search);
    }
    return builder;
  }

  /**
   * The keys of the entities meeting one condition. A list of plain values is also matched the way
   * Backstage matches it: `metadata.tags.java` (exists, or `=true`) holds for an entity tagged
   * `java`, as well as `metadata.tags=java`.
   */
  #conditionKeys(condition: FilterCondition): Knex.QueryBuilder {
    const key = condition.key.toLowerCase();
    const values = condition.values?.map((value) => value.toLowerCase());
    if (key.startsWith('relations.')) {
      const query = this.#db('catalog_relations')
        .select('source_key')
        .where('type_key', key.slice('relations.'.length));
      return values === undefined ? query : query.whereIn('target_key', values);
    }
    const query = this.#db('catalog_search').select('entity_key');
    const dot = key.lastIndexOf('.');
    const asListItem = dot > 0 && (values === undefined || values.includes('true'));
    return query.where((where) => {
      where.where((exact) => {
        exact.where('key', key);
        if (values !== undefined) {
          exact.whereIn('value', values);
        }
      });
      if (asListItem) {
        where.orWhere((item) => {
          item.where('key', key.slice(0, dot)).where('value', key.slice(dot + 1));
        });
      }
    });
  }
}

/**
 * The entities of these stored rows with their relations (deduplicated, ordered by type and
 * target), as the API serves them.
 */
export async function withRelations(db: Knex, rows: { entity_key: string; entity: string }[]): Promise<Entity[]> {
  if (rows.length === 0) {
    return [];
  }
  const relations = await db('catalog_relations')
    .select('source_key', 'type', 'target_ref')
    .whereIn(
      'source_key',
      rows.map((r) => r.entity_key),
    )
    .orderBy([{ column: 'type' }, { column: 'target_key' }]);
  const bySource = new Map<string, EntityRelation[]>();
  const seen = new Set<string>();
  for (const relation of relations) {
    const id = `${relation.source_key} ${relation.type} ${relation.target_ref.toLowerCase()}`;
    if (seen.has(id)) {
      continue;
    }
    seen.add(id);
    const list = bySource.get(relation.source_key) ?? [];
    list.push({ type: relation.type, targetRef: relation.target_ref });
    bySource.set(relation.source_key, list);
  }
  return rows.map((row) => ({
    ...(JSON.parse(row.entity) as Entity),
    relations: bySource.get(row.entity_key) ?? [],
  }));
}

/** `%`, `_` and the escape character itself match literally in a LIKE pattern escaped with `\`. */
function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * The distinct scalar values of an entity at a facet path, keys compared without regard to case
 * and lists descended, as the search rows are built; `relations.<type>` gives the target refs.
 */
export function facetValues(entity: Entity, facet: string): string[] {
  const parts = facet.toLowerCase().split('.');
  if (parts[0] === 'relations' && parts.length === 2) {
    return [
      ...new Set((entity.relations ?? []).filter((r) => r.type.toLowerCase() === parts[1]).map((r) => r.targetRef)),
    ];
  }
  const values = new Set<string>();
  const visit = (value: unknown, depth: number) => {
    if (Array.isArray(value)) {
      value.forEach((item) => visit(item, depth));
      return;
    }
    if (depth === parts.length) {
      if (value !== null && value !== undefined && typeof value !== 'object') {
        values.add(String(value));
      }
      return;
    }
    if (value === null || typeof value !== 'object') {
      return;
    }
    for (const [key, child] of Object.entries(value)) {
      if (key.toLowerCase() === parts[depth]) {
        visit(child, depth + 1);
      }
    }
  };
  const { relations: _relations, ...rest } = entity;
  visit(rest, 0);
  return [...values];
}
