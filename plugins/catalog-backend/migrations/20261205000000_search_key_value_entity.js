/**
 * Search rows by key and value, with the entity key in the index: every filter condition is
 * `entity_key IN (select entity_key from catalog_search where key = ? and value in (...))`, and
 * with the entity key in the index that subquery reads the index only. On SQLite, at 10,000
 * entities, `kind=component` (7000 matches) took 8.6 ms per page of 20, looking up each of the
 * 7000 rows in the table; 2.1 ms with this index. It replaces the index on (key, value), which it
 * starts with.
 */

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  await knex.schema.alterTable('catalog_search', (table) => {
    table.index(['key', 'value', 'entity_key'], 'catalog_search_key_value_entity_idx');
    table.dropIndex(['key', 'value'], 'catalog_search_key_value_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('catalog_search', (table) => {
    table.index(['key', 'value'], 'catalog_search_key_value_idx');
    table.dropIndex(['key', 'value', 'entity_key'], 'catalog_search_key_value_entity_idx');
  });
};
