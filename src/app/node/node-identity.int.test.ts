// Migration 015 at start: a node whose private key is still in plaintext is converted when it starts
// with its key file — sealed, stored, the plaintext removed — and signs with the same key as before.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendLogEntries, latestCheckpoint } from '../../db/ledger.ts';
import type { Database } from '../../db/open.ts';
import { openTestDatabase } from '../../db/testing.ts';
import { openCheckpoint } from '../../ledger/checkpoint.ts';
import type { KeySecret } from '../../ledger/key-store.ts';
import { ed25519NoteVerifier } from '../../ledger/note.ts';
import { ensureNodeIdentity } from './node-identity.ts';

let database: Database;
beforeAll(async () => {
  database = await openTestDatabase();
});
afterAll(async () => {
  await database?.close();
});

describe('migration 015: a plaintext key is sealed at start', () => {
  it('seals it under the key file, nulls the plaintext and keeps signing with the same key', async () => {
    const db = database.db;
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const raw = new Uint8Array(publicKey.export({ format: 'der', type: 'spki' }).subarray(-32));
    const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    await db.deleteFrom('node_identity').execute();
    await db
      .insertInto('node_identity')
      .values({
        id: 1,
        name: 'old-node.example',
        org_id: 'old-node.example',
        public_key: Buffer.from(raw).toString('base64'),
        private_key: pem,
        sealed_key: null,
        demo: false,
      })
      .execute();
    const secret: KeySecret = { kind: 'file', key: new Uint8Array(randomBytes(32)) };
    const identity = await ensureNodeIdentity(db, { key: secret });
    expect(identity.publicKey).toBe(Buffer.from(raw).toString('base64'));
    const row = await db
      .selectFrom('node_identity')
      .select(['private_key', 'sealed_key'])
      .executeTakeFirstOrThrow();
    expect(row.private_key).toBeNull();
    expect(row.sealed_key).toMatch(/^homeward-sealed-key\/v1 file /);
    expect(row.sealed_key).not.toContain(pem.split('\n')[1]!.slice(0, 20));

    await database.transaction((tx) =>
      appendLogEntries(tx, [{ kind: 'test.migrated', commitment: new Uint8Array(32).fill(5) }]),
    );
    const cp = await latestCheckpoint(db);
    const opened = openCheckpoint(cp!.note, {
      origin: 'old-node.example',
      logKeys: [ed25519NoteVerifier('old-node.example', raw)],
    });
    expect(opened.checkpoint.size).toBe(cp!.size);

    // Opened again with the same key file: the same identity; with another: refused.
    expect((await ensureNodeIdentity(db, { key: secret })).publicKey).toBe(identity.publicKey);
    await expect(
      ensureNodeIdentity(db, { key: { kind: 'file', key: new Uint8Array(randomBytes(32)) } }),
    ).rejects.toThrow(/does not open this node's signing key/);
  });
});
