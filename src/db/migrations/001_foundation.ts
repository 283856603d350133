import { type Kysely, sql } from 'kysely';

/** Registry, accounts, audit. SQL for PostgreSQL 15 (PGlite is newer and accepts it too). */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE node_identity (
      id integer PRIMARY KEY CHECK (id = 1),
      name text NOT NULL,
      org_id text NOT NULL,
      public_key text NOT NULL,
      private_key text NOT NULL,
      demo boolean NOT NULL DEFAULT false,
      created_at timestamptz NOT NULL DEFAULT now()
    );

    CREATE TABLE users (
      id uuid PRIMARY KEY,
      org_id text NOT NULL,
      username text NOT NULL UNIQUE CHECK (username ~ '^[a-z0-9][a-z0-9._-]{1,62}$'),
      display_name text NOT NULL,
      password_hash text NOT NULL,
      roles text[] NOT NULL,
      disabled_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now()
    );

    CREATE TABLE sessions (
      token_hash text PRIMARY KEY,
      user_id uuid NOT NULL REFERENCES users(id),
      csrf_token text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      expires_at timestamptz NOT NULL
    );
    CREATE INDEX sessions_user ON sessions(user_id);

    CREATE TABLE api_tokens (
      id uuid PRIMARY KEY,
      user_id uuid NOT NULL REFERENCES users(id),
      token_hash text NOT NULL UNIQUE,
      name text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      expires_at timestamptz,
      revoked_at timestamptz
    );

    CREATE TABLE login_failures (
      id bigserial PRIMARY KEY,
      key text NOT NULL,
      at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX login_failures_key_at ON login_failures(key, at);

    CREATE TABLE persons (
      id uuid PRIMARY KEY,
      org_id text NOT NULL,
      sex text NOT NULL CHECK (sex IN ('male', 'female', 'unknown')),
      birth_date text CHECK (birth_date ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'),
      birth_precision text CHECK (birth_precision IN ('day', 'month', 'year', 'approximate')),
      birth_year integer,
      birth_place text,
      citizenships text[] NOT NULL DEFAULT '{}',
      category text,
      military_branch text,
      military_unit text,
      military_rank text,
      service_number text,
      contacts jsonb,
      health jsonb,
      marks text,
      photos jsonb,
      fate_status text NOT NULL DEFAULT 'none',
      exchange_status text NOT NULL DEFAULT 'none',
      legal_status text NOT NULL DEFAULT 'none',
      display_name text NOT NULL,
      version integer NOT NULL DEFAULT 1,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CHECK ((birth_date IS NULL) = (birth_precision IS NULL))
    );
    CREATE INDEX persons_org_created ON persons(org_id, created_at DESC, id);
    CREATE INDEX persons_org_birth_year ON persons(org_id, birth_year);
    CREATE INDEX persons_org_fate ON persons(org_id, fate_status);

    CREATE TABLE person_names (
      id uuid PRIMARY KEY,
      person_id uuid NOT NULL REFERENCES persons(id),
      ord integer NOT NULL,
      script text NOT NULL,
      lang text NOT NULL,
      family text NOT NULL,
      given text,
      patronymic text,
      raw text,
      scheme text,
      source text,
      family_key text NOT NULL,
      given_key text NOT NULL,
      patronymic_key text NOT NULL,
      UNIQUE (person_id, ord)
    );
    CREATE INDEX person_names_family_key ON person_names(family_key text_pattern_ops);
    CREATE INDEX person_names_given_key ON person_names(given_key text_pattern_ops);

    CREATE TABLE external_refs (
      person_id uuid NOT NULL REFERENCES persons(id),
      org_id text NOT NULL,
      system text NOT NULL,
      value text NOT NULL,
      PRIMARY KEY (org_id, system, value)
    );
    CREATE INDEX external_refs_person ON external_refs(person_id);

    CREATE TABLE status_events (
      id uuid PRIMARY KEY,
      person_id uuid NOT NULL REFERENCES persons(id),
      org_id text NOT NULL,
      dimension text NOT NULL CHECK (dimension IN ('fate', 'exchange', 'legal')),
      value text NOT NULL,
      occurred_at timestamptz NOT NULL,
      recorded_at timestamptz NOT NULL,
      source_type text NOT NULL,
      source_ref text,
      verification text NOT NULL,
      note text,
      supersedes uuid REFERENCES status_events(id),
      recorded_by text
    );
    CREATE INDEX status_events_person ON status_events(person_id);
    CREATE UNIQUE INDEX status_events_one_correction ON status_events(supersedes) WHERE supersedes IS NOT NULL;

    CREATE TABLE audit_events (
      id bigserial PRIMARY KEY,
      org_id text NOT NULL,
      at timestamptz NOT NULL DEFAULT now(),
      actor_id text,
      actor_name text NOT NULL,
      action text NOT NULL,
      entity_type text NOT NULL,
      entity_id text,
      detail jsonb NOT NULL DEFAULT '{}',
      request_id text
    );
    CREATE INDEX audit_events_entity ON audit_events(entity_type, entity_id, id);

    -- History is append-only: the database itself refuses to rewrite it.
    CREATE FUNCTION homeward_append_only() RETURNS trigger LANGUAGE plpgsql AS $fn$
    BEGIN
      RAISE EXCEPTION 'table % is append-only', TG_TABLE_NAME USING ERRCODE = 'integrity_constraint_violation';
    END;
    $fn$;
    CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
      FOR EACH ROW EXECUTE FUNCTION homeward_append_only();
    CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
      FOR EACH STATEMENT EXECUTE FUNCTION homeward_append_only();
    CREATE TRIGGER status_events_append_only BEFORE UPDATE OR DELETE ON status_events
      FOR EACH ROW EXECUTE FUNCTION homeward_append_only();
    CREATE TRIGGER status_events_no_truncate BEFORE TRUNCATE ON status_events
      FOR EACH STATEMENT EXECUTE FUNCTION homeward_append_only();
  `.execute(db);
}
