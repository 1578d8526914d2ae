import type { Knex } from 'knex';

/*
 * Site credentials: the owner's own personal access token on the site (PAT), which the proxy hands
 * the site in place of our API token. A PAT is never stored in clear: each API token of its owner
 * has a sealed copy that only that token's secret opens (HPKE to a public key derived from the
 * secret, server/site-credentials/seal.ts). The public keys are stored so that a PAT created
 * during the owner's session can be sealed for all of their tokens at once.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('token_sealing_keys', (t) => {
    t.string('token_id', 36).primary().references('tokens.id').onDelete('CASCADE');
    // 32 bytes of X25519 public key, base64.
    t.string('public_key', 64).notNullable();
  });
  await knex.schema.createTable('site_credentials', (t) => {
    t.string('id', 36).primary();
    t.string('owner_key', 255).notNullable().index('site_credentials_owner_key_idx');
    // The PAT's id on the site (for rotation and deletion), never the PAT.
    t.string('site_token_id', 64).notNullable();
    t.bigInteger('created_at').notNullable();
    t.bigInteger('expires_at').nullable();
    // active | refused (the site no longer accepts it) | retired (replaced, awaiting deletion)
    t.string('state', 16).notNullable();
    t.bigInteger('state_changed_at').notNullable();
  });
  await knex.schema.createTable('sealed_site_credentials', (t) => {
    t.string('credential_id', 36).notNullable().references('site_credentials.id').onDelete('CASCADE');
    t.string('token_id', 36).notNullable().references('tokens.id').onDelete('CASCADE');
    t.text('sealed').notNullable();
    t.primary(['credential_id', 'token_id']);
    t.index(['token_id'], 'sealed_site_credentials_token_idx');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('sealed_site_credentials');
  await knex.schema.dropTable('site_credentials');
  await knex.schema.dropTable('token_sealing_keys');
}
