import { randomUUID } from 'node:crypto';
import { hashToken } from '../server/services/token-hash.ts';
import { createStore } from '../server/store/index.ts';
import type { NewTokenRow } from '../server/store/token-store.ts';
import { generateToken, tokenHint } from '../shared/token.ts';

const CHUNK = 20_000;

/**
 * Inserts `count` real tokens (random secrets, keyed hashes under the companion's key) straight
 * into its SQLite file, one transaction per chunk of batched inserts, reporting progress.
 */
export async function seedTokens(sqliteFile: string, key: Buffer, count: number): Promise<void> {
  const store = createStore(`sqlite://${sqliteFile}`);
  const started = performance.now();
  const createdAt = new Date();
  try {
    for (let done = 0; done < count; ) {
      const size = Math.min(CHUNK, count - done);
      const rows: NewTokenRow[] = [];
      for (let i = 0; i < size; i++) {
        const secret = generateToken();
        const owner = `seed-user-${(done + i) % 5000}`;
        rows.push({
          id: randomUUID(),
          owner,
          name: `seed ${done + i}`,
          secretHash: hashToken(key, secret),
          hint: tokenHint(secret),
          scope: 'read-write',
          ipAllowlist: [],
          createdAt,
          expiresAt: null,
          createdBy: owner,
        });
      }
      await store.transaction((repos) => repos.tokens.insertMany(rows));
      done += size;
      const seconds = ((performance.now() - started) / 1000).toFixed(0);
      process.stderr.write(
        `\r  seeding tokens: ${done.toLocaleString('en')} / ${count.toLocaleString('en')} (${seconds} s)`,
      );
    }
    process.stderr.write('\n');
  } finally {
    await store.close();
  }
}
