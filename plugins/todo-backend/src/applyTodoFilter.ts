import { PermissionCriteria } from '@trellis/plugin-permission-common';
import { isAndCriteria, isNotCriteria, isOrCriteria } from '@trellis/plugin-permission-node';
import { Knex } from 'knex';
import type { TodoFilter } from './permissions';

/** Permission conditions on todos, transformed into filters. */
export type TodoFilterCriteria = PermissionCriteria<TodoFilter>;

const FILTER_COLUMNS: ReadonlySet<string> = new Set(['created_by', 'entity_ref']);

/**
 * Adds permission filters to a todo query: `allOf` as AND, `anyOf` as OR, `not` as NOT, each
 * filter as a case-insensitive `IN` on its column (an empty list matches nothing).
 */
export function applyTodoFilter(query: Knex.QueryBuilder, criteria: TodoFilterCriteria): Knex.QueryBuilder {
  if (isAndCriteria(criteria)) {
    for (const c of criteria.allOf) {
      query.andWhere((q) => {
        applyTodoFilter(q, c);
      });
    }
    return query;
  }
  if (isOrCriteria(criteria)) {
    for (const c of criteria.anyOf) {
      query.orWhere((q) => {
        applyTodoFilter(q, c);
      });
    }
    return query;
  }
  if (isNotCriteria(criteria)) {
    return query.whereNot((q) => {
      applyTodoFilter(q, criteria.not);
    });
  }
  const { property, values } = criteria;
  if (!FILTER_COLUMNS.has(property)) {
    throw new Error(`A todo permission rule gave a filter on '${String(property)}', which is not a filterable column`);
  }
  if (values.length === 0) {
    return query.whereRaw('1 = 0');
  }
  return query.whereIn(
    query.client.raw('lower(??)', [property]),
    values.map((v) => v.toLowerCase()),
  );
}
