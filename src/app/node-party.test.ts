import { describe, expect, it } from 'vitest';
import { A, B, M, numericAgreement } from '../domain/exchange/testing.ts';
import { nodeParty } from './node-party.ts';

const a = numericAgreement();
const node = (name: string, demo = false) => ({ name, orgId: name, demo });

describe('nodeParty', () => {
  it('prefers the signer the node’s own key is pinned for', () => {
    expect(nodeParty(a, node('party-a.demo'), { signer: B, role: 'party' })).toMatchObject({
      id: B,
      basis: 'pinned_key',
    });
    // A pin for someone the agreement does not name, or in another role, is ignored.
    expect(nodeParty(a, node('party-a.demo'), { signer: B, role: 'mediator' })).toMatchObject({
      id: A,
      basis: 'identity',
    });
  });

  it('reads the party or mediator from the node’s name or organisation', () => {
    expect(nodeParty(a, node('party-b.demo'))).toEqual({
      id: B,
      name: 'Party B',
      role: 'party',
      basis: 'identity',
    });
    expect(nodeParty(a, node('mediator-m'))).toMatchObject({ id: M, role: 'mediator' });
    expect(nodeParty(a, { name: 'hq-1', orgId: 'party-b', demo: false })).toMatchObject({ id: B });
  });

  it('a demo node plays Party A; a real node that is no signer acts as nobody', () => {
    expect(nodeParty(a, node('demo-hq', true))).toMatchObject({ id: A, basis: 'demo_default' });
    expect(nodeParty(a, node('demo-hq', false))).toBeNull();
    expect(nodeParty(a, node('party-c.example'))).toBeNull();
  });
});
