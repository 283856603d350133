import { type Kysely, sql } from 'kysely';

/**
 * Background jobs (src/app/jobs/jobs.ts): imports of persons and counterpart lists, and dedup, run off
 * the request path. One row per job: who started it (user, actor name, the roles it runs with),
 * its parameters, its progress (phase, done of total, checkpointed with the rows it wrote), its
 * outcome (a summary, or the error with every bad row by line and column). `heartbeat_at` moves
 * with each checkpoint; a `running` job whose heartbeat stopped was interrupted by a crash.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE jobs (
      id text PRIMARY KEY,
      org_id text NOT NULL,
      kind text NOT NULL CHECK (kind IN ('person_import', 'list_import', 'dedup')),
      state text NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'running', 'succeeded', 'failed')),
      phase text,
      done integer NOT NULL DEFAULT 0,
      total integer,
      input jsonb NOT NULL,
      checkpoint jsonb,
      result jsonb,
      error jsonb,
      created_by_user text,
      created_by text NOT NULL,
      roles text[] NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      started_at timestamptz,
      heartbeat_at timestamptz,
      finished_at timestamptz
    );
    CREATE INDEX jobs_queue ON jobs (state, created_at);
    CREATE INDEX jobs_org ON jobs (org_id, created_at DESC);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE jobs;`.execute(db);
}
