import { type Kysely, sql } from 'kysely';

/**
 * Sign-in throttling (src/app/accounts/sign-in-throttle.ts): one row per counter — an (account, address)
 * pair, an account across all addresses, an address across all accounts. `failures` counts the
 * password checks reserved and not (yet) answered by a success; `last_at` is when the last one was
 * reserved. The next check on a counter is allowed from `last_at` plus its policy's delay for
 * `failures`. Rows are reserved with SELECT … FOR UPDATE, so concurrent sign-ins cannot check more
 * passwords than the policy allows. login_failures (001) is no longer written.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE sign_in_throttle (
      key text PRIMARY KEY,
      failures integer NOT NULL CHECK (failures >= 0),
      last_at timestamptz NOT NULL
    );
    CREATE INDEX sign_in_throttle_last_at ON sign_in_throttle (last_at);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE sign_in_throttle;`.execute(db);
}
