/**
 * Which signer of an agreement this node acts as, when it justifies a breach or signs a stage
 * confirmation: one of the two parties, or a mediator (who witnesses confirmations). In order:
 *
 * 1. the signer this node's own key is pinned for under the agreement (`ownSigner`,
 *    src/app/agreement-keys.ts): what its peers check its signatures against, so the strongest basis;
 * 2. an agreement party or mediator whose id is the node's organisation id or its name, or the first
 *    label of it (`party-a.demo` acts as `party-a`, as the three nodes of `homeward demo --scenario` are
 *    named, src/demo/nodes.ts);
 * 3. otherwise, on a demo node, the agreement's first party: the single demo node plays Party A (its
 *    seeded stages sign as `party-a`, src/demo/stage-board-demo.ts);
 * 4. otherwise nobody: a real node that is none of these does not sign on anyone's behalf
 *    (src/app/lists.ts falls back to the first party as the owner of "our" lists; a signature is not
 *    guessed).
 */
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../db/schema.ts';
import type { AgreementBody } from '../domain/exchange/agreement.ts';
import type { SignerRole } from '../domain/exchange/common.ts';
import { violation } from '../domain/exchange/errors.ts';
import { ownSigner } from './agreement-keys.ts';
import type { NodeIdentity } from './node-identity.ts';

export interface ActingParty {
  id: string;
  name: string;
  role: SignerRole;
  /** How it was found: the node's key pinned for the signer, its identity, or the demo node's default. */
  basis: 'pinned_key' | 'identity' | 'demo_default';
}

export const ActingPartyBases = ['pinned_key', 'identity', 'demo_default'] as const;

export type NodeSelf = Pick<NodeIdentity, 'name' | 'orgId' | 'demo'>;

/** Pure: from the agreement, the node's identity and (if any) the signer its own key is pinned as. */
export function nodeParty(
  agreement: AgreementBody,
  self: NodeSelf,
  pinned?: { signer: string; role: SignerRole } | undefined,
): ActingParty | null {
  const signers = [
    ...agreement.parties.map((p) => ({ ...p, role: 'party' as const })),
    ...agreement.mediators.map((m) => ({ ...m, role: 'mediator' as const })),
  ];
  const byKey = pinned && signers.find((s) => s.id === pinned.signer && s.role === pinned.role);
  if (byKey) return { id: byKey.id, name: byKey.name, role: byKey.role, basis: 'pinned_key' };
  const names = new Set([self.orgId, self.name, self.orgId.split('.')[0], self.name.split('.')[0]]);
  const found = signers.find((s) => names.has(s.id));
  if (found) return { id: found.id, name: found.name, role: found.role, basis: 'identity' };
  const first = agreement.parties[0];
  if (self.demo && first) return { id: first.id, name: first.name, role: 'party', basis: 'demo_default' };
  return null;
}

/** As nodeParty, looking up the signer this node's key is pinned for under the agreement. */
export async function findNodeParty(
  db: Kysely<DB> | Transaction<DB>,
  agreement: AgreementBody,
  self: NodeSelf,
): Promise<ActingParty | null> {
  return nodeParty(agreement, self, await ownSigner(db, agreement.id));
}

/** As findNodeParty, or refuses (NOT_A_SIGNER, 422) when the node is no signer of the agreement. */
export async function requireNodeParty(
  db: Kysely<DB> | Transaction<DB>,
  agreement: AgreementBody,
  self: NodeSelf,
): Promise<ActingParty> {
  const p = await findNodeParty(db, agreement, self);
  if (!p)
    throw violation('NOT_A_SIGNER', 'this node is neither a party nor a mediator of the agreement', {
      node: self.name,
    });
  return p;
}
