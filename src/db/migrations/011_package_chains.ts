import { type Kysely, sql } from 'kysely';

/**
 * One chain of packages per recipient (src/app/peers/packages.ts). A receiver checks a sender's packages in
 * sequence, so a sender that numbered all its packages in one chain would leave a gap at every peer
 * that a package was not addressed to (a list sent to the counterpart only, another agreement's
 * packages). Each package now goes to one recipient, numbered in the sender's chain for that
 * recipient: `peer` is the recipient of a sent package ('' for an accepted one). Packages sent before
 * this migration to several recipients at once keep `peer = '*'` and count in every recipient's chain.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE packages ADD COLUMN peer text NOT NULL DEFAULT '';
    UPDATE packages
       SET peer = CASE
         WHEN jsonb_array_length(convert_from(bytes, 'UTF8')::jsonb -> 'header' -> 'recipients') = 1
           THEN convert_from(bytes, 'UTF8')::jsonb -> 'header' -> 'recipients' ->> 0
         ELSE '*' END
     WHERE direction = 'sent';
    ALTER TABLE packages DROP CONSTRAINT packages_direction_sender_sequence_key;
    ALTER TABLE packages ADD CONSTRAINT packages_chain_key UNIQUE (direction, sender, peer, sequence);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE packages DROP CONSTRAINT packages_chain_key;
    ALTER TABLE packages ADD CONSTRAINT packages_direction_sender_sequence_key UNIQUE (direction, sender, sequence);
    ALTER TABLE packages DROP COLUMN peer;
  `.execute(db);
}
