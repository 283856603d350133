import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isDomainError } from '../../domain/errors.ts';
import { A, B, M, numericAgreement } from '../../domain/exchange/testing.ts';
import { nodeParty, PARTY_NOT_SET, requireNodeParty } from './node-party.ts';

const a = numericAgreement();
const node = (name: string, party: string | null, demo = false) => ({ name, party, demo });

describe('nodeParty', () => {
  it('is the signer the node’s party setting names, party or mediator', () => {
    expect(nodeParty(a, node('hq-1', B))).toEqual({
      id: B,
      name: 'Party B',
      role: 'party',
      basis: 'node_setting',
    });
    expect(nodeParty(a, node('hq-2', M))).toMatchObject({ id: M, role: 'mediator' });
    expect(nodeParty(a, node('demo-hq', A, true))).toMatchObject({ id: A, basis: 'demo_node' });
  });

  it('the node’s name, organisation or the first party never decide it', () => {
    // Named like Party A's node, but set to act as Party B: acts as B.
    expect(nodeParty(a, node('party-a.demo', B))).toMatchObject({ id: B });
    // Without the setting, nobody — not the party its name suggests, not the first party, demo or not.
    expect(nodeParty(a, node('party-a.demo', null))).toBeNull();
    expect(nodeParty(a, node('demo-hq', null, true))).toBeNull();
    expect(nodeParty(a, node('hq', 'party-c'))).toBeNull();
  });

  it('for any setting and name, acts as exactly the signer with that id, or nobody (property)', () => {
    const ids = [A, B, M, 'party-c', 'x'];
    fc.assert(
      fc.property(
        fc.option(fc.constantFrom(...ids), { nil: null }),
        fc.constantFrom(...ids),
        fc.boolean(),
        (party, name, demo) => {
          const found = nodeParty(a, node(`${name}.example`, party, demo));
          const signers = [...a.parties, ...a.mediators].map((s) => s.id);
          if (party !== null && signers.includes(party)) expect(found?.id).toBe(party);
          else expect(found).toBeNull();
        },
      ),
    );
  });

  it('requireNodeParty tells the operator how to set a missing party, and refuses a party the agreement does not name', () => {
    const refusal = (self: ReturnType<typeof node>) => {
      try {
        requireNodeParty(a, self);
      } catch (e) {
        if (isDomainError(e)) return `${String(e.details?.violation)}: ${e.message}`;
        throw e;
      }
      return 'accepted';
    };
    expect(refusal(node('hq', null))).toBe(`NODE_PARTY_NOT_SET: ${PARTY_NOT_SET}`);
    expect(PARTY_NOT_SET).toContain('homeward init --party');
    expect(refusal(node('hq', 'party-c'))).toBe(
      'NOT_A_SIGNER: this node is neither a party nor a mediator of the agreement',
    );
    expect(refusal(node('hq', A))).toBe('accepted');
  });
});
