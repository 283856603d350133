import { type Kysely, sql } from 'kysely';

/**
 * Across nodes (src/app/exchange/agreement-keys.ts, src/app/peers/inbox.ts).
 *
 * agreement_keys: the package key each party and mediator of an agreement signs with, pinned by a
 * coordinator for that agreement (DESIGN.md, "keys of counterparts and mediators are pinned per
 * agreement"). A package about an agreement's exchange is applied only if its sender's key is the one
 * pinned there for a signer, and any signature inside it is by that same signer. One key per signer
 * and agreement; pinning another key for the same signer is refused (a rotation is a new agreement
 * version). Rows are never updated or deleted.
 *
 * package_applications: what this node did with the content of each package it accepted, in a
 * transaction after the one that accepted it: `applied` (its events admitted, its signature
 * recorded…), `refused` (authentic, logged, but its content broke a rule: the code and a message
 * without personal data), or `kept` (stored and logged, read where it is needed: signatures a bulletin carries, approvals a proposer collects). A package without a row
 * is pending and is applied by the next pass (after a crash between accepting and applying).
 *
 * received_lists: a counterpart's list version that arrived as a signed `list.version` package and
 * became a version of their request or offer here (src/app/peers/list-packages.ts): the package, the hash
 * of their version as they signed it (what answers to it name), and the owner.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE agreement_keys (
      agreement_id text NOT NULL,
      signer text NOT NULL,
      role text NOT NULL CHECK (role IN ('party', 'mediator')),
      vkey text NOT NULL,
      key_ref text NOT NULL,
      node_name text NOT NULL,
      pinned_by text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (agreement_id, signer),
      UNIQUE (agreement_id, key_ref)
    );
    CREATE TRIGGER agreement_keys_append_only BEFORE UPDATE OR DELETE ON agreement_keys
      FOR EACH ROW EXECUTE FUNCTION homeward_append_only();
    CREATE TABLE package_applications (
      package_hash bytea PRIMARY KEY REFERENCES packages(hash),
      log_index bigint NOT NULL,
      type text NOT NULL,
      status text NOT NULL CHECK (status IN ('applied', 'refused', 'kept')),
      code text,
      message text,
      created_at timestamptz NOT NULL DEFAULT now(),
      CHECK ((status = 'refused') = (code IS NOT NULL))
    );
    CREATE TABLE received_lists (
      version_id bigint PRIMARY KEY REFERENCES exchange_list_versions(id),
      package_hash bytea NOT NULL REFERENCES packages(hash),
      list_hash text NOT NULL CHECK (list_hash ~ '^[0-9a-f]{64}$'),
      owner text NOT NULL
    );
    CREATE TRIGGER received_lists_append_only BEFORE UPDATE OR DELETE ON received_lists
      FOR EACH ROW EXECUTE FUNCTION homeward_append_only();
    CREATE TRIGGER package_applications_append_only BEFORE UPDATE OR DELETE ON package_applications
      FOR EACH ROW EXECUTE FUNCTION homeward_append_only();
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE received_lists; DROP TABLE package_applications; DROP TABLE agreement_keys;`.execute(
    db,
  );
}
