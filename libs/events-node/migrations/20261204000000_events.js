// @ts-check
/**
 * The event log and each subscriber's position in it. Used on PostgreSQL only: with SQLite the
 * events service delivers in process and never opens this database.
 */

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  await knex.schema.createTable('trellis_events', (table) => {
    table.bigIncrements('id').primary();
    table.string('topic', 255).notNullable();
    table.text('payload').notNullable();
    table.text('metadata');
    table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    table.index(['topic', 'id'], 'trellis_events_topic_id_idx');
    table.index(['created_at'], 'trellis_events_created_at_idx');
  });
  await knex.schema.createTable('trellis_events_subscribers', (table) => {
    table.string('id', 255).primary();
    table.bigInteger('last_event_id').notNullable();
    table.string('locked_by', 64);
    table.timestamp('locked_until', { useTz: true });
    table.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('trellis_events_subscribers');
  await knex.schema.dropTable('trellis_events');
};
