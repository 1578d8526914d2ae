// The HMAC key for token hashes. It never enters the database: it comes from ATA_SECRET, from
// ATA_SECRET_FILE, or (SQLite only) from a key file generated on first start beside the database.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { MIN_SECRET_LENGTH, type SecretSource } from '../config.ts';

function fromText(text: string, origin: string): Buffer {
  const value = text.trim();
  if (value.length < MIN_SECRET_LENGTH) {
    throw new Error(`${origin} must hold at least ${MIN_SECRET_LENGTH} characters of random data`);
  }
  return Buffer.from(value, 'utf8');
}

function readKeyFile(path: string): Buffer {
  return fromText(readFileSync(path, 'utf8'), `the key file ${path}`);
}

/** Generates the file once (exclusive create, mode 0600) and reads it ever after. */
function loadOrGenerate(path: string, random: (n: number) => Buffer): Buffer {
  mkdirSync(dirname(path), { recursive: true });
  try {
    writeFileSync(path, `${random(32).toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  // The file we generate must stay private: with the key, anyone holding a copy of the database
  // could test guessed secrets offline. (An operator's ATA_SECRET_FILE is taken as mounted, since
  // secret volumes are often group-readable by design.)
  if ((statSync(path).mode & 0o077) !== 0) {
    throw new Error(`the key file ${path} must be readable by its owner only (chmod 600)`);
  }
  return readKeyFile(path);
}

export function loadSecretKey(source: SecretSource, random: (n: number) => Buffer = randomBytes): Buffer {
  switch (source.kind) {
    case 'value':
      return fromText(source.value, 'ATA_SECRET');
    case 'file':
      return readKeyFile(source.path);
    case 'generated':
      return loadOrGenerate(source.path, random);
  }
}
