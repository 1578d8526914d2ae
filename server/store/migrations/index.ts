// The migration list. Migrations are imported statically rather than discovered on disk, so they run
// the same under tsx, vitest and a bundled build. Names are timestamped; order is the list's order.
import type { Knex } from 'knex';
import * as createTokens from './20261128013000-create-tokens.ts';
import * as createDocuments from './20261128013100-create-settings-and-permissions.ts';
import * as createAudit from './20261128013200-create-audit.ts';
import * as addTokenOwnerKey from './20261201230000-add-token-owner-key.ts';
import * as createSiteCredentials from './20261202000000-create-site-credentials.ts';
import * as createWebhook from './20261202010000-create-webhook.ts';

const MIGRATIONS: Record<string, Knex.Migration> = {
  '20261128013000-create-tokens': createTokens,
  '20261128013100-create-settings-and-permissions': createDocuments,
  '20261128013200-create-audit': createAudit,
  '20261201230000-add-token-owner-key': addTokenOwnerKey,
  '20261202000000-create-site-credentials': createSiteCredentials,
  '20261202010000-create-webhook': createWebhook,
};

export const migrationSource: Knex.MigrationSource<string> = {
  getMigrations: async () => Object.keys(MIGRATIONS),
  getMigrationName: (name) => name,
  getMigration: async (name) => {
    const migration = MIGRATIONS[name];
    if (!migration) throw new Error(`unknown migration ${name}`);
    return migration;
  },
};
