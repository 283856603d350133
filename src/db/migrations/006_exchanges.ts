import { type Kysely, sql } from 'kysely';

/**
 * Exchange operations (src/app/exchange/exchange.ts, domain in src/domain/exchange).
 *
 * exchanges: one row per exchange operation on this node, holding the agreement version in force it
 * runs under (verbatim, with every signature) and its hash; never rewritten.
 *
 * exchange_events: the append-only event stream of each exchange, one sequence per exchange from 1.
 * `chain` is SHA-256(previous chain ‖ commitment), starting from the agreement hash, so a replayed
 * state can be cached under the chain value of its last event. `commitment` (SHA-256 of the event's
 * canonical JSON) is what the node's transparency log holds at `log_index`.
 *
 * exchange_bulletins: public bulletins built from the stream, with the disclosures that let anyone
 * recount them and their log entry; append-only.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE exchanges (
      id text PRIMARY KEY,
      org_id text NOT NULL,
      agreement jsonb NOT NULL,
      agreement_hash text NOT NULL CHECK (agreement_hash ~ '^[0-9a-f]{64}$'),
      log_index bigint NOT NULL,
      created_by text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE TABLE exchange_events (
      exchange_id text NOT NULL REFERENCES exchanges(id),
      seq integer NOT NULL CHECK (seq >= 1),
      kind text NOT NULL,
      event jsonb NOT NULL,
      commitment bytea NOT NULL CHECK (length(commitment) = 32),
      chain bytea NOT NULL CHECK (length(chain) = 32),
      log_index bigint NOT NULL,
      created_by text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (exchange_id, seq)
    );
    CREATE TABLE exchange_bulletins (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      exchange_id text NOT NULL REFERENCES exchanges(id),
      seq integer NOT NULL,
      bulletin jsonb NOT NULL,
      disclosures jsonb NOT NULL,
      bulletin_hash text NOT NULL CHECK (bulletin_hash ~ '^[0-9a-f]{64}$'),
      log_index bigint NOT NULL,
      created_by text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX exchange_bulletins_exchange ON exchange_bulletins (exchange_id, id);
    CREATE TRIGGER exchanges_append_only BEFORE UPDATE OR DELETE ON exchanges
      FOR EACH ROW EXECUTE FUNCTION homeward_append_only();
    CREATE TRIGGER exchanges_no_truncate BEFORE TRUNCATE ON exchanges
      FOR EACH STATEMENT EXECUTE FUNCTION homeward_append_only();
    CREATE TRIGGER exchange_events_append_only BEFORE UPDATE OR DELETE ON exchange_events
      FOR EACH ROW EXECUTE FUNCTION homeward_append_only();
    CREATE TRIGGER exchange_events_no_truncate BEFORE TRUNCATE ON exchange_events
      FOR EACH STATEMENT EXECUTE FUNCTION homeward_append_only();
    CREATE TRIGGER exchange_bulletins_append_only BEFORE UPDATE OR DELETE ON exchange_bulletins
      FOR EACH ROW EXECUTE FUNCTION homeward_append_only();
    CREATE TRIGGER exchange_bulletins_no_truncate BEFORE TRUNCATE ON exchange_bulletins
      FOR EACH STATEMENT EXECUTE FUNCTION homeward_append_only();
  `.execute(db);
}
