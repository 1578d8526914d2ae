import type { Knex } from 'knex';

// Timestamps are epoch milliseconds (bigint) on both databases; only the keyed hash of a secret
// is stored, unique so a lookup by hash is one index probe.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('tokens', (t) => {
    t.string('id', 36).primary();
    t.string('owner', 255).notNullable().index('tokens_owner_idx');
    t.string('name', 255).notNullable();
    t.string('secret_hash', 64).notNullable().unique({ indexName: 'tokens_secret_hash_uq' });
    t.string('hint', 8).notNullable();
    t.string('scope', 16).notNullable();
    t.text('ip_allowlist').notNullable();
    t.bigInteger('created_at').notNullable().index('tokens_created_at_idx');
    t.bigInteger('expires_at').nullable().index('tokens_expires_at_idx');
    t.bigInteger('last_used_at').nullable();
    t.string('last_used_ip', 64).nullable();
    t.string('created_by', 255).notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('tokens');
}
