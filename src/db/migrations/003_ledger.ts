import { type Kysely, sql } from 'kysely';

/**
 * The node's transparency log (RFC 6962 tree, C2SP checkpoints) and what it commits to.
 *
 * - log_entries: the entries, dense indices from 0. An entry holds a commitment (a hash) and its kind,
 *   never personal data, so the whole log can be published.
 * - log_nodes: every perfect-subtree hash (level 0 = leaf hashes), so proofs and tiles are lookups.
 * - log_head: the size and the right edge of the tree (its compact range), one row, locked by each
 *   append so appends are serialised; derived data, which `log audit` does not trust.
 * - log_checkpoints / log_cosignatures: every checkpoint the node signed and every witness
 *   cosignature it collected.
 * Entries, nodes, checkpoints and cosignatures are append-only: the database refuses UPDATE, DELETE
 * and TRUNCATE, and `log audit` finds what someone with the power to lift that changed anyway.
 *
 * log_witnesses: witnesses whose cosignatures this node asks for; a checkpoint is final once
 * `witness_quorum` of them have cosigned. witnessed_logs: logs this node cosigns as a witness, with
 * the latest checkpoint it cosigned for each. packages: signed packages this node sent or accepted,
 * one sequence per sender. pinned_keys: counterparts' keys trusted for packages.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE log_head (
      id integer PRIMARY KEY CHECK (id = 1),
      size bigint NOT NULL,
      frontier bytea NOT NULL,
      witness_quorum integer NOT NULL DEFAULT 0 CHECK (witness_quorum >= 0)
    );
    INSERT INTO log_head (id, size, frontier) VALUES (1, 0, '\\x');

    CREATE TABLE log_entries (
      idx bigint PRIMARY KEY CHECK (idx >= 0),
      kind text NOT NULL,
      data bytea NOT NULL CHECK (length(data) <= 65535),
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE TABLE log_nodes (
      level smallint NOT NULL CHECK (level BETWEEN 0 AND 63),
      idx bigint NOT NULL CHECK (idx >= 0),
      hash bytea NOT NULL CHECK (length(hash) = 32),
      PRIMARY KEY (level, idx)
    );
    CREATE TABLE log_checkpoints (
      size bigint PRIMARY KEY CHECK (size >= 0),
      root bytea NOT NULL CHECK (length(root) = 32),
      note text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE TABLE log_cosignatures (
      size bigint NOT NULL REFERENCES log_checkpoints(size),
      witness text NOT NULL,
      signature_line text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (size, witness)
    );

    CREATE TRIGGER log_entries_append_only BEFORE UPDATE OR DELETE ON log_entries
      FOR EACH ROW EXECUTE FUNCTION homeward_append_only();
    CREATE TRIGGER log_entries_no_truncate BEFORE TRUNCATE ON log_entries
      FOR EACH STATEMENT EXECUTE FUNCTION homeward_append_only();
    CREATE TRIGGER log_nodes_append_only BEFORE UPDATE OR DELETE ON log_nodes
      FOR EACH ROW EXECUTE FUNCTION homeward_append_only();
    CREATE TRIGGER log_nodes_no_truncate BEFORE TRUNCATE ON log_nodes
      FOR EACH STATEMENT EXECUTE FUNCTION homeward_append_only();
    CREATE TRIGGER log_checkpoints_append_only BEFORE UPDATE OR DELETE ON log_checkpoints
      FOR EACH ROW EXECUTE FUNCTION homeward_append_only();
    CREATE TRIGGER log_checkpoints_no_truncate BEFORE TRUNCATE ON log_checkpoints
      FOR EACH STATEMENT EXECUTE FUNCTION homeward_append_only();
    CREATE TRIGGER log_cosignatures_append_only BEFORE UPDATE OR DELETE ON log_cosignatures
      FOR EACH ROW EXECUTE FUNCTION homeward_append_only();
    CREATE TRIGGER log_cosignatures_no_truncate BEFORE TRUNCATE ON log_cosignatures
      FOR EACH STATEMENT EXECUTE FUNCTION homeward_append_only();

    CREATE TABLE log_witnesses (
      name text PRIMARY KEY,
      vkey text NOT NULL UNIQUE,
      url text,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE TABLE witnessed_logs (
      origin text PRIMARY KEY,
      vkey text NOT NULL,
      size bigint NOT NULL DEFAULT 0,
      root bytea,
      checkpoint text,
      updated_at timestamptz NOT NULL DEFAULT now()
    );

    CREATE TABLE pinned_keys (
      vkey text PRIMARY KEY,
      key_ref text NOT NULL UNIQUE,
      label text NOT NULL DEFAULT '',
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE TABLE packages (
      hash bytea PRIMARY KEY CHECK (length(hash) = 32),
      direction text NOT NULL CHECK (direction IN ('sent', 'accepted')),
      sender text NOT NULL,
      sequence bigint NOT NULL CHECK (sequence >= 1),
      type text NOT NULL,
      log_index bigint NOT NULL REFERENCES log_entries(idx),
      bytes bytea NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (direction, sender, sequence)
    );
  `.execute(db);
}
