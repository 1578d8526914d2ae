import type { Knex } from 'knex';

// Tokens belong to the site's immutable user key (Jira `key`, Confluence `userKey`), not only to a
// name that a rename or a new user can take over. Rows from before have no key (null); each gets
// its owner's key at its next successful check. Indexed because "my tokens" are listed by key.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('tokens', (t) => {
    t.string('owner_key', 255).nullable().index('tokens_owner_key_idx');
  });
}

// A native DROP COLUMN on both databases (SQLite ≥ 3.35), so SQLite does not rebuild the table and
// its other indexes stay as they are; SQLite refuses to drop an indexed column, hence the order.
export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('tokens', (t) => {
    t.dropIndex('owner_key', 'tokens_owner_key_idx');
  });
  await knex.raw('ALTER TABLE tokens DROP COLUMN owner_key');
}
