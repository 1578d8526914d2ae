import type { Knex } from 'knex';

// Each holds a single JSON document row (id 1); defaults live in code, so a missing row means defaults.
const TABLES = ['settings', 'permissions'] as const;

export async function up(knex: Knex): Promise<void> {
  for (const table of TABLES) {
    await knex.schema.createTable(table, (t) => {
      t.integer('id').primary();
      t.text('document').notNullable();
      t.bigInteger('updated_at').notNullable();
      t.string('updated_by', 255).notNullable();
    });
  }
}

export async function down(knex: Knex): Promise<void> {
  for (const table of [...TABLES].reverse()) await knex.schema.dropTable(table);
}
