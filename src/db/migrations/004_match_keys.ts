import { type Kysely, sql } from 'kysely';

/**
 * What the matching engine needs in the database (issue 3, part 4).
 *
 * - `persons.match_txid`: the id of the transaction that last changed what the engine reads about a
 *   person (names, birth date and place, unit, service number). Inserts take it from the column
 *   default, updates from a trigger that skips status-only changes. The node's in-process match
 *   index remembers the oldest transaction still running when it read the registry
 *   (`pg_snapshot_xmin`); persons with a `match_txid` at or above it are the changes since, found
 *   through the index below in one range scan, whichever process or transaction made them.
 *   Rows that exist before this migration get 0: the first index reads them anyway.
 * - `match_candidates`: the review queue. Candidate pairs from `homeward dedup` (two persons) and
 *   `homeward match --list` (a counterpart's list row kept verbatim, and a person), each decided once
 *   by a person; nothing is ever merged by the system.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE persons ADD COLUMN match_txid bigint NOT NULL DEFAULT 0;
    ALTER TABLE persons ALTER COLUMN match_txid SET DEFAULT (pg_current_xact_id()::text::bigint);
    CREATE INDEX persons_match_txid ON persons (org_id, match_txid);

    CREATE FUNCTION homeward_match_touch() RETURNS trigger LANGUAGE plpgsql AS $fn$
    BEGIN
      NEW.match_txid := pg_current_xact_id()::text::bigint;
      RETURN NEW;
    END
    $fn$;
    -- Names are rewritten together with the person row (its version goes up), so a change of
    -- version stands for a change of names.
    CREATE TRIGGER persons_match_touch BEFORE UPDATE ON persons FOR EACH ROW
      WHEN (OLD.version IS DISTINCT FROM NEW.version
        OR OLD.birth_date IS DISTINCT FROM NEW.birth_date
        OR OLD.birth_precision IS DISTINCT FROM NEW.birth_precision
        OR OLD.birth_place IS DISTINCT FROM NEW.birth_place
        OR OLD.military_unit IS DISTINCT FROM NEW.military_unit
        OR OLD.service_number IS DISTINCT FROM NEW.service_number
        OR OLD.display_name IS DISTINCT FROM NEW.display_name)
      EXECUTE FUNCTION homeward_match_touch();

    CREATE TABLE match_candidates (
      id uuid PRIMARY KEY,
      org_id text NOT NULL,
      kind text NOT NULL CHECK (kind IN ('duplicate', 'list')),
      -- Idempotency: the same pair (or the same list row and person) is proposed once, ever.
      pair_key text NOT NULL,
      person_id uuid NOT NULL REFERENCES persons(id),
      other_person_id uuid REFERENCES persons(id),
      -- A counterpart list row as received (list kind): id, names, birth date, place, unit, number.
      subject jsonb,
      source text,
      score double precision NOT NULL CHECK (score >= 0 AND score <= 1),
      band text NOT NULL CHECK (band IN ('likely', 'possible')),
      explanation text NOT NULL,
      fields jsonb NOT NULL,
      status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'confirmed', 'rejected')),
      created_at timestamptz NOT NULL DEFAULT now(),
      created_by text NOT NULL,
      decided_at timestamptz,
      decided_by text,
      decision_note text,
      CHECK ((kind = 'duplicate') = (other_person_id IS NOT NULL)),
      CHECK ((kind = 'list') = (subject IS NOT NULL)),
      CHECK ((status = 'pending') = (decided_at IS NULL)),
      UNIQUE (org_id, pair_key)
    );
    CREATE INDEX match_candidates_queue ON match_candidates (org_id, status, score DESC, id);

    -- A decision is final: a decided candidate can be neither changed nor removed.
    CREATE FUNCTION homeward_match_decided_final() RETURNS trigger LANGUAGE plpgsql AS $fn$
    BEGIN
      RAISE EXCEPTION 'a decided match candidate is final' USING ERRCODE = 'integrity_constraint_violation';
    END
    $fn$;
    CREATE TRIGGER match_candidates_final BEFORE UPDATE OR DELETE ON match_candidates FOR EACH ROW
      WHEN (OLD.status <> 'pending')
      EXECUTE FUNCTION homeward_match_decided_final();
  `.execute(db);
}
