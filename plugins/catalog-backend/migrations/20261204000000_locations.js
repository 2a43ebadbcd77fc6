// @ts-check
/**
 * Locations: the registered and configured places catalog files are read from (Backstage's
 * `locations` shape: id, type, target), the etag of every URL last read per location, and the
 * location each entity and error was reached from (`origin_key`), so that removing a location
 * removes its entities and reading one location replaces only its own.
 */

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  await knex.schema.createTable('catalog_locations', (table) => {
    table.string('id', 36).primary().comment('a UUID');
    table.string('type', 255).notNullable();
    table.string('target', 2048).notNullable();
    table.string('source', 16).notNullable().comment("'config' (app-config catalog.locations) or 'api' (registered)");
    table.string('created_at', 30).notNullable();
    table.unique(['type', 'target'], { indexName: 'catalog_locations_type_target_uq' });
  });
  await knex.schema.createTable('catalog_location_reads', (table) => {
    table.string('id', 64).primary().comment('sha256 of the origin and the URL');
    table.text('origin_key').notNullable();
    table.text('location_key').notNullable();
    table.string('etag', 1024).notNullable();
    table.string('read_at', 30).notNullable();
    table.index(['origin_key'], 'catalog_location_reads_origin_idx');
  });
  await knex.schema.alterTable('catalog_entities', (table) => {
    table.text('origin_key').nullable().comment('the location the entity was reached from; null for other providers');
    table.index(['origin_key'], 'catalog_entities_origin_idx');
  });
  await knex.schema.alterTable('catalog_errors', (table) => {
    table.text('origin_key').nullable();
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('catalog_errors', (table) => table.dropColumn('origin_key'));
  await knex.schema.alterTable('catalog_entities', (table) => {
    table.dropIndex(['origin_key'], 'catalog_entities_origin_idx');
    table.dropColumn('origin_key');
  });
  await knex.schema.dropTable('catalog_location_reads');
  await knex.schema.dropTable('catalog_locations');
};
