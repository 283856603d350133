import { type Kysely, sql } from 'kysely';

/**
 * Agreements negotiated between nodes (src/app/exchange/agreements.ts).
 *
 * agreement_drafts: an agreement version proposed for an exchange (unsigned, as the domain hashes it),
 * proposed here or received as an `agreement.draft` package.
 *
 * agreement_signatures: each party's and mediator's signature over a version's hash, this node's own
 * or received as an `agreement.signature` package (checked against the key pinned for the signer).
 * Kept by hash, not tied to a draft row: a signature may arrive before the draft it signs.
 *
 * When a version's draft and every required signature are held, the node starts the exchange under it.
 * Both tables are append-only.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE agreement_drafts (
      agreement_hash text PRIMARY KEY CHECK (agreement_hash ~ '^[0-9a-f]{64}$'),
      exchange_id text NOT NULL,
      agreement_id text NOT NULL,
      version integer NOT NULL,
      body jsonb NOT NULL,
      proposed_by text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX agreement_drafts_exchange ON agreement_drafts (exchange_id);
    CREATE TABLE agreement_signatures (
      agreement_hash text NOT NULL CHECK (agreement_hash ~ '^[0-9a-f]{64}$'),
      signer text NOT NULL,
      signature jsonb NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (agreement_hash, signer)
    );
    CREATE TRIGGER agreement_drafts_append_only BEFORE UPDATE OR DELETE ON agreement_drafts
      FOR EACH ROW EXECUTE FUNCTION homeward_append_only();
    CREATE TRIGGER agreement_signatures_append_only BEFORE UPDATE OR DELETE ON agreement_signatures
      FOR EACH ROW EXECUTE FUNCTION homeward_append_only();
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE agreement_signatures; DROP TABLE agreement_drafts;`.execute(db);
}
