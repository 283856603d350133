/**
 * The secret that seals the node's signing key (src/ledger/key-store.ts), kept outside the database:
 * a key file (32 random bytes, base64 on one line, mode 0600) or a passphrase in the environment.
 *
 * An embedded (PGlite) node's key file defaults to DIR/node-key beside its data; a PostgreSQL node
 * names one with --key-file PATH or HOMEWARD_KEY_FILE, or uses HOMEWARD_KEY_PASSPHRASE.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { type KeySecret, MIN_PASSPHRASE_LENGTH } from '../../ledger/key-store.ts';

export const KEY_FILE_NAME = 'node-key';
const KEY_LINE = /^[A-Za-z0-9+/]{43}=\r?\n?$/;

/** Reads a key file; refuses one that others may read or write (mode wider than 0600). */
export function readKeyFile(file: string): KeySecret {
  const st = fs.statSync(file);
  if (!st.isFile()) throw new Error(`the key file ${file} is not a regular file`);
  if (process.platform !== 'win32' && (st.mode & 0o077) !== 0)
    throw new Error(
      `the key file ${file} may be read by others (mode ${(st.mode & 0o777).toString(8).padStart(4, '0')}): run chmod 600 on it`,
    );
  const text = fs.readFileSync(file, 'utf8');
  if (!KEY_LINE.test(text)) throw new Error(`the key file ${file} does not hold a key (32 bytes, base64)`);
  return { kind: 'file', key: new Uint8Array(Buffer.from(text.trim(), 'base64')) };
}

/** Creates a new key file (never overwrites one), mode 0600. */
export function createKeyFile(file: string): KeySecret {
  const key = randomBytes(32);
  fs.writeFileSync(file, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  fs.chmodSync(file, 0o600);
  return { kind: 'file', key: new Uint8Array(key) };
}

export interface KeySourceOptions {
  /** --key-file PATH */
  keyFile?: string | undefined;
  env: NodeJS.ProcessEnv;
  /** The default key file (DIR/node-key of an embedded node); none for PostgreSQL. */
  defaultKeyFile?: string | undefined;
}

/**
 * The node's key secret. A missing key file is created only while the database holds no sealed key
 * (a new node, or one from before migration 015 whose plaintext key is sealed now); for a sealed key
 * it is an error, never a new key.
 */
export async function resolveKeySecret(db: Kysely<DB>, opts: KeySourceOptions): Promise<KeySecret> {
  const passphrase = opts.env.HOMEWARD_KEY_PASSPHRASE;
  const file = opts.keyFile ?? (opts.env.HOMEWARD_KEY_FILE || undefined);
  if (passphrase !== undefined && passphrase !== '') {
    if (file) throw new Error('give either a key file or HOMEWARD_KEY_PASSPHRASE, not both');
    if ([...passphrase].length < MIN_PASSPHRASE_LENGTH)
      throw new Error(`HOMEWARD_KEY_PASSPHRASE must have at least ${MIN_PASSPHRASE_LENGTH} characters`);
    return { kind: 'passphrase', passphrase };
  }
  const keyFile = file ?? opts.defaultKeyFile;
  const row = await db.selectFrom('node_identity').select('sealed_key').executeTakeFirst();
  const sealedUnder = row?.sealed_key?.split(' ')[1];
  if (sealedUnder === 'scrypt' && !file)
    throw new Error("this node's signing key is sealed under a passphrase: set HOMEWARD_KEY_PASSPHRASE");
  if (!keyFile)
    throw new Error(
      'a PostgreSQL node keeps its signing key apart from the database: give --key-file PATH (or HOMEWARD_KEY_FILE) or HOMEWARD_KEY_PASSPHRASE',
    );
  if (fs.existsSync(keyFile)) return readKeyFile(keyFile);
  if (sealedUnder)
    throw new Error(
      `the key file ${keyFile} is missing and the node's signing key is sealed under it: restore the key file from its backup`,
    );
  return createKeyFile(keyFile);
}
