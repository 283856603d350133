import { type Kysely, sql } from 'kysely';

/**
 * Explicit actors (src/domain/actor.ts) and the node's party.
 *
 * audit_events.actor_kind: who acted, `user` (signed in), `operator` (at the node's shell), `node`
 * (system work) or `peer` (another node, by its pinned key). Rows written before this migration
 * keep NULL: their kind was not recorded, and the trail is append-only, so it is not guessed.
 *
 * node_identity.party: the party (or mediator) id this node acts as in every agreement, set by
 * `homeward init --party ID` or the demo setup. NULL on a node that predates it: whatever needs the
 * party refuses with the command that sets it, rather than guessing from the node's name.
 *
 * agreement_drafts.org_id: drafts are read per organisation like exchanges; rows already held
 * belong to the node's own organisation (the only one that could have written them).
 * The default is dropped once it has filled them: every new draft names its organisation.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE audit_events ADD COLUMN actor_kind text
      CHECK (actor_kind IN ('user', 'operator', 'node', 'peer'));
    ALTER TABLE node_identity ADD COLUMN party text
      CHECK (party ~ '^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$');
  `.execute(db);
  // A column default fills existing rows without an UPDATE (the table's append-only trigger refuses
  // updates); a node without an identity holds no drafts.
  const own = await sql<{ org_id: string }>`SELECT org_id FROM node_identity WHERE id = 1`.execute(db);
  const org = own.rows[0]?.org_id;
  await sql`ALTER TABLE agreement_drafts ADD COLUMN org_id text NOT NULL DEFAULT ${sql.lit(org ?? '')}`.execute(
    db,
  );
  await sql`
    ALTER TABLE agreement_drafts ALTER COLUMN org_id DROP DEFAULT;
    CREATE INDEX agreement_drafts_org_exchange ON agreement_drafts (org_id, exchange_id);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP INDEX agreement_drafts_org_exchange;
    ALTER TABLE agreement_drafts DROP COLUMN org_id;
    ALTER TABLE node_identity DROP COLUMN party;
    ALTER TABLE audit_events DROP COLUMN actor_kind;
  `.execute(db);
}
