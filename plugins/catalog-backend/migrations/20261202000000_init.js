// @ts-check
/**
 * The catalog's tables. Refs are stored twice where they are searched: as written, and as a
 * lower-case key, since the catalog compares refs without regard to case on every database.
 */

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  await knex.schema.createTable('catalog_entities', (table) => {
    table.string('entity_key', 255).primary().comment('kind:namespace/name in lower case');
    table.string('entity_ref', 255).notNullable();
    table.string('uid', 36).notNullable().unique();
    table.string('provider', 255).notNullable();
    table.text('location_key').notNullable();
    table.string('etag', 64).notNullable();
    table.text('entity').notNullable().comment('the processed entity as JSON, without relations');
    table.string('updated_at', 30).notNullable();
    table.index(['provider'], 'catalog_entities_provider_idx');
  });
  await knex.schema.createTable('catalog_relations', (table) => {
    table.string('originating_key', 255).notNullable().comment('the entity whose processing produced the relation');
    table.string('source_key', 255).notNullable();
    table.string('type', 100).notNullable();
    table.string('type_key', 100).notNullable();
    table.string('target_ref', 255).notNullable();
    table.string('target_key', 255).notNullable();
    table.index(['originating_key'], 'catalog_relations_originating_idx');
    table.index(['source_key'], 'catalog_relations_source_idx');
    table.index(['type_key', 'target_key'], 'catalog_relations_type_target_idx');
  });
  await knex.schema.createTable('catalog_search', (table) => {
    table.string('entity_key', 255).notNullable();
    table.string('key', 255).notNullable();
    table.string('value', 255);
    table.index(['entity_key'], 'catalog_search_entity_idx');
    table.index(['key', 'value'], 'catalog_search_key_value_idx');
  });
  await knex.schema.createTable('catalog_errors', (table) => {
    table.increments('id');
    table.string('provider', 255).notNullable();
    table.text('location_key').notNullable();
    table.string('entity_ref', 255);
    table.text('message').notNullable();
    table.string('created_at', 30).notNullable();
    table.index(['provider'], 'catalog_errors_provider_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('catalog_errors');
  await knex.schema.dropTable('catalog_search');
  await knex.schema.dropTable('catalog_relations');
  await knex.schema.dropTable('catalog_entities');
};
