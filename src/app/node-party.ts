/**
 * Which signer of an agreement this node acts as, when it justifies a breach or signs a stage
 * confirmation: one of the two parties, or a mediator (who witnesses confirmations).
 *
 * A node knows itself only by its identity (src/app/node-identity.ts), so the party is derived from it:
 *
 * 1. an agreement party or mediator whose id is the node's organisation id or its name, or the first
 *    label of it (`party-a.demo` acts as `party-a`, as the three nodes of `homeward demo --scenario` are
 *    named, src/demo/nodes.ts);
 * 2. otherwise, on a demo node, the agreement's first party: the single demo node plays Party A (its
 *    seeded stages sign as `party-a`, src/demo/stage-board-demo.ts);
 * 3. otherwise nobody: a real node whose identity names no signer of the agreement does not sign on
 *    its behalf (src/app/lists.ts falls back to the first party for the owner of "our" lists; a
 *    signature is not guessed).
 */
import type { AgreementBody } from '../domain/exchange/agreement.ts';
import { violation } from '../domain/exchange/errors.ts';
import type { NodeIdentity } from './node-identity.ts';

export interface ActingParty {
  id: string;
  name: string;
  role: 'party' | 'mediator';
  /** How it was found: from the node's identity, or the demo node's default. */
  basis: 'identity' | 'demo_default';
}

export type NodeSelf = Pick<NodeIdentity, 'name' | 'orgId' | 'demo'>;

export function nodeParty(agreement: AgreementBody, self: NodeSelf): ActingParty | null {
  const names = new Set([self.orgId, self.name, self.orgId.split('.')[0], self.name.split('.')[0]]);
  const signers = [
    ...agreement.parties.map((p) => ({ ...p, role: 'party' as const })),
    ...agreement.mediators.map((m) => ({ ...m, role: 'mediator' as const })),
  ];
  const found = signers.find((s) => names.has(s.id));
  if (found) return { id: found.id, name: found.name, role: found.role, basis: 'identity' };
  const first = agreement.parties[0];
  if (self.demo && first) return { id: first.id, name: first.name, role: 'party', basis: 'demo_default' };
  return null;
}

/** As nodeParty, or refuses (NOT_A_SIGNER, 422) when the node is no signer of the agreement. */
export function requireNodeParty(agreement: AgreementBody, self: NodeSelf): ActingParty {
  const p = nodeParty(agreement, self);
  if (!p)
    throw violation('NOT_A_SIGNER', 'this node is neither a party nor a mediator of the agreement', {
      node: self.name,
    });
  return p;
}
