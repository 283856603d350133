import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  cliContext,
  contextOf,
  hasPermission,
  nodeContext,
  nodeTaskPermissions,
  Permissions,
  peerContext,
  type Role,
  Roles,
  requireNodeTask,
  requirePermission,
  rolePermissions,
} from './access.ts';
import { type Actor, ActorKinds, actorNameOf, NodeTasks } from './actor.ts';
import { isDomainError } from './errors.ts';

const node = { orgId: 'org-n', name: 'party-a.example' };
const roleSets = fc.uniqueArray(fc.constantFrom(...Roles), { maxLength: Roles.length });

describe('actors', () => {
  it('each kind has its own audit name, and only a signed-in user has a user id', () => {
    const actors: Actor[] = [
      { kind: 'user', userId: 'u-1', username: 'olena', roles: ['coordinator'] },
      { kind: 'operator', osUser: 'root', roles: ['coordinator'] },
      { kind: 'node', nodeName: 'party-a.example', task: 'deliver-outbox' },
      { kind: 'peer', keyId: 'party-b.example+0a1b2c3d', agreementId: 'agr-1' },
    ];
    expect(actors.map((a) => a.kind)).toEqual([...ActorKinds]);
    expect(actors.map(actorNameOf)).toEqual([
      'olena',
      'cli:root',
      'node:party-a.example/deliver-outbox',
      'peer:party-b.example+0a1b2c3d',
    ]);
    expect(actors.map((a) => contextOf('org-1', a))).toEqual(
      actors.map((actor, i) =>
        expect.objectContaining({
          orgId: 'org-1',
          actor,
          actorName: actorNameOf(actor),
          userId: i === 0 ? 'u-1' : null,
          roles: i < 2 ? ['coordinator'] : [],
        }),
      ),
    );
  });

  it('the node has exactly its task’s permissions, never a role’s, and no task may manage users (property)', () => {
    fc.assert(
      fc.property(fc.constantFrom(...NodeTasks), fc.constantFrom(...Permissions), (task, p) => {
        const ctx = nodeContext(node, task);
        expect(ctx.roles).toEqual([]);
        expect(hasPermission(ctx, p)).toBe((nodeTaskPermissions[task] as readonly string[]).includes(p));
      }),
    );
    for (const task of NodeTasks) {
      for (const p of [
        'user:manage',
        'person:write',
        'status:write',
        'audit:read',
        'registry:export',
      ] as const)
        expect(hasPermission(nodeContext(node, task), p), `${task} ${p}`).toBe(false);
      // Narrower than a coordinator's.
      expect(
        nodeTaskPermissions[task].every((p) =>
          (rolePermissions.coordinator as readonly string[]).includes(p),
        ),
      ).toBe(true);
    }
  });

  it('a peer may call no use case', () => {
    const peer = peerContext('org-1', 'party-b.example+0a1b2c3d', null);
    for (const p of Permissions) expect(hasPermission(peer, p)).toBe(false);
    expect(() => requirePermission(peer, 'ledger:write')).toThrow(/does not allow/);
  });

  it('system work is refused to any person, whatever their roles, and to the node on another task (property)', () => {
    const refused = (f: () => void) => {
      try {
        f();
        return false;
      } catch (e) {
        return isDomainError(e) && e.code === 'FORBIDDEN';
      }
    };
    fc.assert(
      fc.property(roleSets, fc.constantFrom(...NodeTasks), (roles: Role[], task) => {
        expect(refused(() => requireNodeTask(cliContext('org-1', roles, 'ops'), task))).toBe(true);
        expect(
          refused(() =>
            requireNodeTask(contextOf('org-1', { kind: 'user', userId: 'u', username: 'u', roles }), task),
          ),
        ).toBe(true);
        expect(refused(() => requireNodeTask(peerContext('org-1', 'k', null), task))).toBe(true);
        expect(refused(() => requireNodeTask(nodeContext(node, task), task))).toBe(false);
        for (const other of NodeTasks)
          if (other !== task)
            expect(refused(() => requireNodeTask(nodeContext(node, other), task))).toBe(true);
      }),
    );
  });

  it('a person acts with their roles’ permissions only', () => {
    fc.assert(
      fc.property(roleSets, fc.constantFrom(...Permissions), (roles: Role[], p) => {
        const expected = roles.some((r) => (rolePermissions[r] as readonly string[]).includes(p));
        expect(hasPermission(cliContext('org-1', roles, 'ops'), p)).toBe(expected);
        expect(
          hasPermission(contextOf('org-1', { kind: 'user', userId: 'u', username: 'u', roles }), p),
        ).toBe(expected);
      }),
    );
  });
});
