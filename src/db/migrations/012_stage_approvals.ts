import { type Kysely, sql } from 'kysely';

/**
 * Substitutions approved by both parties from their own nodes (src/app/exchange/substitutions.ts).
 *
 * substitution_proposals: a substitution (an active line replaced by a reserve line) proposed for a
 * stage, as the domain hashes it for approval (`approvalHash`), proposed here or received in a
 * `substitution.approval` package.
 *
 * substitution_approvals: each party's Ed25519 approval of that hash, its own or received (checked
 * against the key pinned for the party). The node whose own approval completes the pair records the
 * `substitution.approved` event and shares it. Both tables are append-only.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE substitution_proposals (
      approval_hash text PRIMARY KEY CHECK (approval_hash ~ '^[0-9a-f]{64}$'),
      exchange_id text NOT NULL,
      stage_id text NOT NULL,
      substitution_id text NOT NULL,
      body jsonb NOT NULL,
      proposed_by text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX substitution_proposals_stage ON substitution_proposals (exchange_id, stage_id);
    CREATE TABLE substitution_approvals (
      approval_hash text NOT NULL CHECK (approval_hash ~ '^[0-9a-f]{64}$'),
      signer text NOT NULL,
      signature jsonb NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (approval_hash, signer)
    );
    CREATE TRIGGER substitution_proposals_append_only BEFORE UPDATE OR DELETE ON substitution_proposals
      FOR EACH ROW EXECUTE FUNCTION homeward_append_only();
    CREATE TRIGGER substitution_approvals_append_only BEFORE UPDATE OR DELETE ON substitution_approvals
      FOR EACH ROW EXECUTE FUNCTION homeward_append_only();
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE substitution_approvals; DROP TABLE substitution_proposals;`.execute(db);
}
