import type { Knex } from 'knex';

// The audit trail is append-only: besides offering no update or delete in code, the database itself
// refuses UPDATE and DELETE on the table.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('audit', (t) => {
    t.bigIncrements('id').primary();
    t.bigInteger('at').notNullable().index('audit_at_idx');
    t.string('actor', 255).notNullable().index('audit_actor_idx');
    t.string('action', 64).notNullable().index('audit_action_idx');
    t.string('subject_user', 255).nullable().index('audit_subject_user_idx');
    t.string('token_id', 36).nullable().index('audit_token_id_idx');
    t.string('token_name', 255).nullable();
    t.string('remote_ip', 64).nullable();
    t.text('details').nullable();
  });
  if (knex.client.config.client === 'pg') {
    await knex.raw(`
      CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'audit is append-only'; END $$;
      CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON audit
        FOR EACH ROW EXECUTE FUNCTION audit_append_only();`);
  } else {
    for (const op of ['UPDATE', 'DELETE']) {
      await knex.raw(`CREATE TRIGGER audit_no_${op.toLowerCase()} BEFORE ${op} ON audit
        BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END`);
    }
  }
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('audit');
  if (knex.client.config.client === 'pg') await knex.raw('DROP FUNCTION audit_append_only()');
}
