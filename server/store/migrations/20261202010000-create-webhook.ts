import type { Knex } from 'knex';

/*
 * The optional webhook: its one configuration row (the signing secret only sealed with a key
 * derived from the companion's key, server/webhooks/secret-box.ts), and the expiry notices already
 * claimed. Companions sharing one database each run the hourly expiry check; the primary key on
 * (token, event) lets exactly one of them claim, and so send, each notice.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('webhook_config', (t) => {
    t.integer('id').primary();
    t.boolean('enabled').notNullable();
    t.text('url').nullable();
    // base64url of nonce | ciphertext | GCM tag; never the secret in clear.
    t.text('sealed_secret').nullable();
    t.string('updated_by', 255).notNullable();
    t.bigInteger('updated_at').notNullable();
  });
  await knex.schema.createTable('webhook_notices', (t) => {
    t.string('token_id', 36).notNullable().references('tokens.id').onDelete('CASCADE');
    t.string('event', 32).notNullable();
    t.bigInteger('claimed_at').notNullable();
    t.primary(['token_id', 'event']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('webhook_notices');
  await knex.schema.dropTable('webhook_config');
}
