import { type Kysely, sql } from 'kysely';

/**
 * Evidence a witness keeps of a log's misbehaviour (c2sp.org/tlog-witness: "the witness MAY log the
 * request even if the consistency proof doesn't verify ... as it might be proof of log misbehavior").
 *
 * witness_evidence: add-checkpoint requests for a witnessed log that carried a valid signature by the
 * log's key but were refused as a fork (another root at the recorded size) or as inconsistent (the
 * proof does not lead from the recorded checkpoint). The request body is kept verbatim: with the
 * checkpoint the witness recorded, it shows the log signed two incompatible trees. Append-only.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE witness_evidence (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      origin text NOT NULL,
      reason text NOT NULL CHECK (reason IN ('fork', 'inconsistent')),
      recorded_size bigint NOT NULL,
      recorded_checkpoint text,
      request bytea NOT NULL CHECK (length(request) <= 65536),
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX witness_evidence_origin ON witness_evidence (origin, id);
    CREATE TRIGGER witness_evidence_append_only BEFORE UPDATE OR DELETE ON witness_evidence
      FOR EACH ROW EXECUTE FUNCTION homeward_append_only();
    CREATE TRIGGER witness_evidence_no_truncate BEFORE TRUNCATE ON witness_evidence
      FOR EACH STATEMENT EXECUTE FUNCTION homeward_append_only();
  `.execute(db);
}
