/**
 * Which signer of an agreement this node acts as, when it justifies a breach, signs a stage
 * confirmation, or owns "our" lists: the node's one party setting (`NodeIdentity.party`,
 * node_identity.party, set by `homeward init --party ID` or the demo setup), found among the
 * agreement's parties and mediators. Nothing else decides it: not the node's name, not its
 * organisation, not the order of the agreement's parties.
 *
 * A node without the setting (one that predates it) acts as nobody and says how to set it; a node
 * whose party the agreement does not name acts as nobody in that agreement.
 */
import type { Kysely, Transaction } from 'kysely';
import { z } from 'zod';
import type { DB } from '../../db/schema.ts';
import type { AgreementBody } from '../../domain/exchange/agreement.ts';
import { SignerRoles } from '../../domain/exchange/common.ts';
import { violation } from '../../domain/exchange/errors.ts';
import type { NodeIdentity } from './node-identity.ts';

export const ActingPartyBases = ['node_setting', 'demo_node'] as const;

/** Which signer of an agreement this node acts as; the API answers it with this schema. */
export const ActingPartySchema = z.object({
  id: z.string(),
  name: z.string(),
  role: z.enum(SignerRoles),
  /** The node's party setting; on a demo node, the party the demo setup gave it. */
  basis: z.enum(ActingPartyBases),
});
export type ActingParty = z.output<typeof ActingPartySchema>;

export type NodeSelf = Pick<NodeIdentity, 'name' | 'party' | 'demo'>;

/** What to tell the operator of a node without the setting. */
export const PARTY_NOT_SET =
  "this node's party is not set: run `homeward init --party ID` with the party or mediator id it acts as in agreements";

/** Pure: the signer of `agreement` that is the node's party, or null. */
export function nodeParty(agreement: AgreementBody, self: NodeSelf): ActingParty | null {
  if (self.party === null) return null;
  const signers = [
    ...agreement.parties.map((p) => ({ ...p, role: 'party' as const })),
    ...agreement.mediators.map((m) => ({ ...m, role: 'mediator' as const })),
  ];
  const found = signers.find((s) => s.id === self.party);
  return found
    ? { id: found.id, name: found.name, role: found.role, basis: self.demo ? 'demo_node' : 'node_setting' }
    : null;
}

/** The party setting as stored, for use cases that hold no NodeIdentity (src/app/lists/lists.ts). */
export async function storedNodeParty(db: Kysely<DB> | Transaction<DB>): Promise<NodeSelf> {
  const row = await db.selectFrom('node_identity').select(['name', 'party', 'demo']).executeTakeFirst();
  if (!row) throw new Error('the node has no identity yet');
  return row;
}

/**
 * As nodeParty, or refuses: NODE_PARTY_NOT_SET with the command that sets the party when it is not
 * set, else NOT_A_SIGNER because the agreement does not name the node's party.
 */
export function requireNodeParty(agreement: AgreementBody, self: NodeSelf): ActingParty {
  if (self.party === null) throw violation('NODE_PARTY_NOT_SET', PARTY_NOT_SET, { node: self.name });
  const p = nodeParty(agreement, self);
  if (!p)
    throw violation('NOT_A_SIGNER', 'this node is neither a party nor a mediator of the agreement', {
      node: self.name,
    });
  return p;
}
