// @ts-check
/** The todos table. Timestamps are ISO-8601 strings so SQLite and PostgreSQL order them alike. */

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  await knex.schema.createTable('todos', (table) => {
    table.string('id', 36).primary();
    table.string('title', 512).notNullable();
    table.text('description');
    table.string('status', 16).notNullable().defaultTo('open');
    table.string('entity_ref', 255);
    table.string('created_by', 255);
    table.integer('version').notNullable().defaultTo(1);
    table.string('created_at', 30).notNullable();
    table.string('updated_at', 30).notNullable();
    table.index(['created_at', 'id'], 'todos_created_at_id_idx');
    table.index(['status', 'created_at', 'id'], 'todos_status_created_at_id_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('todos');
};
