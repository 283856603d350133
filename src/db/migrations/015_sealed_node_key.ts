import { type Kysely, sql } from 'kysely';

/**
 * The node's signing key kept apart (src/ledger/key-store.ts): `sealed_key` holds it encrypted under
 * a key file or passphrase kept outside the database. `private_key` (plaintext PKCS #8, before this
 * migration) is converted when the node next starts with its key file or passphrase
 * (src/app/node/node-identity.ts): sealed, stored, and the plaintext column set to NULL.
 * `node_key_rotations` keeps the chain of signed notes announcing each new key (`homeward key rotate`).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE node_identity ALTER COLUMN private_key DROP NOT NULL`.execute(db);
  await sql`ALTER TABLE node_identity ADD COLUMN sealed_key text`.execute(db);
  await sql`
    ALTER TABLE node_identity ADD CONSTRAINT node_identity_key_kept
      CHECK (private_key IS NOT NULL OR sealed_key IS NOT NULL)
  `.execute(db);
  await sql`
    CREATE TABLE node_key_rotations (
      seq integer PRIMARY KEY CHECK (seq >= 1),
      old_public_key text NOT NULL,
      new_public_key text NOT NULL,
      note text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    )
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE node_key_rotations`.execute(db);
  await sql`ALTER TABLE node_identity DROP CONSTRAINT node_identity_key_kept`.execute(db);
  await sql`ALTER TABLE node_identity DROP COLUMN sealed_key`.execute(db);
}
