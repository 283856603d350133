import { type Kysely, sql } from 'kysely';

/**
 * Lists and negotiation (src/app/lists/lists.ts, domain in src/domain/exchange/list.ts and counterpart.ts).
 *
 * exchange_list_versions: one row per version of one of an exchange's four lists (our request, our
 * offer, their request, their offer), chained by `parent_hash` (the `version_hash` of version n-1)
 * and hashed as the domain hashes a list version (`listHash`). Never deleted. The only change a row
 * ever sees is its signing (signed_at, signature, log_index set once, from null); after that a trigger
 * refuses every update.
 *
 * exchange_list_entries: the nominations of a version, in order, each with the registry person it
 * names or the counterpart's record verbatim (inside `nomination`), and for an imported counterpart
 * list the flags computed beside it (matched / ambiguous / unknown / already_released / …), the match
 * and the eligibility evaluation. Append-only; no entry is added to a signed version.
 *
 * exchange_list_responses: answers per entry (accepted, rejected, not held, …) to a signed version.
 * Append-only: a later answer to the same entry supersedes an earlier one when read.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE exchange_list_versions (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      exchange_id text NOT NULL REFERENCES exchanges(id),
      kind text NOT NULL CHECK (kind IN ('our_request', 'our_offer', 'their_request', 'their_offer')),
      owner text NOT NULL,
      version integer NOT NULL CHECK (version >= 1),
      parent_hash text CHECK (parent_hash ~ '^[0-9a-f]{64}$'),
      version_hash text NOT NULL CHECK (version_hash ~ '^[0-9a-f]{64}$'),
      created_iso text NOT NULL,
      source_file_sha256 text CHECK (source_file_sha256 ~ '^[0-9a-f]{64}$'),
      entry_count integer NOT NULL CHECK (entry_count >= 0),
      signed_at timestamptz,
      signature jsonb,
      log_index bigint,
      created_by text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (exchange_id, kind, version),
      CHECK ((version = 1) = (parent_hash IS NULL)),
      CHECK ((signed_at IS NULL) = (log_index IS NULL))
    );
    CREATE TABLE exchange_list_entries (
      version_id bigint NOT NULL REFERENCES exchange_list_versions(id),
      ord integer NOT NULL CHECK (ord >= 0),
      nomination_id text NOT NULL,
      person_id uuid,
      record_hash text CHECK (record_hash ~ '^[0-9a-f]{64}$'),
      nomination jsonb NOT NULL,
      claimed_category text,
      flags text[] NOT NULL DEFAULT '{}',
      match jsonb,
      eligibility jsonb,
      duplicate_of integer,
      PRIMARY KEY (version_id, ord),
      UNIQUE (version_id, nomination_id),
      CHECK ((person_id IS NULL) <> (record_hash IS NULL))
    );
    CREATE INDEX exchange_list_entries_person ON exchange_list_entries (person_id) WHERE person_id IS NOT NULL;
    CREATE TABLE exchange_list_responses (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      version_id bigint NOT NULL REFERENCES exchange_list_versions(id),
      nomination_id text NOT NULL,
      response text NOT NULL CHECK (response IN
        ('accepted', 'rejected', 'not_held', 'already_released', 'deceased', 'refuses', 'unknown')),
      note text,
      responder text NOT NULL,
      responded_at text NOT NULL,
      created_by text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX exchange_list_responses_version ON exchange_list_responses (version_id, id);

    CREATE FUNCTION homeward_list_version_guard() RETURNS trigger LANGUAGE plpgsql AS $fn$
    BEGIN
      IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'list versions are never deleted' USING ERRCODE = 'integrity_constraint_violation';
      END IF;
      IF OLD.signed_at IS NOT NULL THEN
        RAISE EXCEPTION 'list version % is signed and immutable', OLD.id
          USING ERRCODE = 'integrity_constraint_violation';
      END IF;
      IF NEW.signed_at IS NULL OR NEW.id <> OLD.id OR NEW.exchange_id <> OLD.exchange_id
         OR NEW.kind <> OLD.kind OR NEW.owner <> OLD.owner OR NEW.version <> OLD.version
         OR NEW.parent_hash IS DISTINCT FROM OLD.parent_hash OR NEW.version_hash <> OLD.version_hash
         OR NEW.created_iso <> OLD.created_iso OR NEW.entry_count <> OLD.entry_count
         OR NEW.source_file_sha256 IS DISTINCT FROM OLD.source_file_sha256
         OR NEW.created_by <> OLD.created_by OR NEW.created_at <> OLD.created_at THEN
        RAISE EXCEPTION 'a list version changes only by being signed'
          USING ERRCODE = 'integrity_constraint_violation';
      END IF;
      RETURN NEW;
    END;
    $fn$;
    CREATE TRIGGER exchange_list_versions_guard BEFORE UPDATE OR DELETE ON exchange_list_versions
      FOR EACH ROW EXECUTE FUNCTION homeward_list_version_guard();
    CREATE TRIGGER exchange_list_versions_no_truncate BEFORE TRUNCATE ON exchange_list_versions
      FOR EACH STATEMENT EXECUTE FUNCTION homeward_append_only();

    CREATE FUNCTION homeward_list_entry_guard() RETURNS trigger LANGUAGE plpgsql AS $fn$
    BEGIN
      IF EXISTS (SELECT 1 FROM exchange_list_versions v WHERE v.id = NEW.version_id AND v.signed_at IS NOT NULL) THEN
        RAISE EXCEPTION 'list version % is signed and immutable', NEW.version_id
          USING ERRCODE = 'integrity_constraint_violation';
      END IF;
      RETURN NEW;
    END;
    $fn$;
    CREATE TRIGGER exchange_list_entries_signed BEFORE INSERT ON exchange_list_entries
      FOR EACH ROW EXECUTE FUNCTION homeward_list_entry_guard();
    CREATE TRIGGER exchange_list_entries_append_only BEFORE UPDATE OR DELETE ON exchange_list_entries
      FOR EACH ROW EXECUTE FUNCTION homeward_append_only();
    CREATE TRIGGER exchange_list_entries_no_truncate BEFORE TRUNCATE ON exchange_list_entries
      FOR EACH STATEMENT EXECUTE FUNCTION homeward_append_only();
    CREATE TRIGGER exchange_list_responses_append_only BEFORE UPDATE OR DELETE ON exchange_list_responses
      FOR EACH ROW EXECUTE FUNCTION homeward_append_only();
    CREATE TRIGGER exchange_list_responses_no_truncate BEFORE TRUNCATE ON exchange_list_responses
      FOR EACH STATEMENT EXECUTE FUNCTION homeward_append_only();
  `.execute(db);
}
