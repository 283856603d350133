import { type Kysely, sql } from 'kysely';

/**
 * Delivering what this node signs (src/app/peers/outbox.ts).
 *
 * peers: where the node of a key name listens (its base URL), for delivering packages addressed to
 * that name. A URL may change; the name is the node's log origin.
 *
 * package_deliveries: every attempt to deliver a sent package to one recipient, append-only: the
 * package hash, the recipient's name, `delivered` (the peer's inbox answered 200) or `failed` with a
 * reason. A sent package addressed to a peer with a URL and no `delivered` row is pending.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE peers (
      node_name text PRIMARY KEY,
      url text NOT NULL CHECK (url ~ '^https?://'),
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE TABLE package_deliveries (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      package_hash bytea NOT NULL REFERENCES packages(hash),
      recipient text NOT NULL,
      status text NOT NULL CHECK (status IN ('delivered', 'failed')),
      detail text,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX package_deliveries_package ON package_deliveries (package_hash, recipient);
    CREATE TRIGGER package_deliveries_append_only BEFORE UPDATE OR DELETE ON package_deliveries
      FOR EACH ROW EXECUTE FUNCTION homeward_append_only();
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE package_deliveries; DROP TABLE peers;`.execute(db);
}
