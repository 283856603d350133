/**
 * Who acts. Every use case receives one of these inside its RequestContext (src/domain/access.ts):
 *
 * - `user`: a person signed in to the node's API, with the roles of their account.
 * - `operator`: a person at the node's own shell running `homeward …` (import, pin a key, demo
 *   setup). Not a user account: the machine's operator, audited by their OS user name, acting with
 *   the roles the command needs (the CLI is the node administrator's tool).
 * - `node`: the node itself doing system work on behalf of no one (deliver the outbox, share what its
 *   users recorded, apply an accepted package, sign a checkpoint). Its permissions are per task and
 *   narrow (`nodeTaskPermissions` in src/domain/access.ts); it never poses as a user.
 * - `peer`: another node, authenticated by its package key pinned on this node (under an agreement
 *   when one is known). It only has its signed packages accepted (`peerPermissions`).
 *
 * Audit rows record the kind (`audit_events.actor_kind`) and `actorNameOf` as the name.
 */
import type { Role } from './roles.ts';

/** The system work the node does by itself, each with its own permissions. */
export const NodeTasks = [
  /** Post signed packages not yet delivered to the peers' inboxes. */
  'deliver-outbox',
  /** Sign and log the packages that share what this node's users recorded with the other signers. */
  'share-events',
  /** Receive a package at the peer inbox: verify it before its sender is known. */
  'receive-package',
  /** Apply the content of an accepted package (a peer's events, list, agreement draft or signature). */
  'apply-package',
  /** Sign a checkpoint of the node's log. */
  'sign-checkpoint',
  /** Serve a published bulletin to the public. */
  'publish-bulletin',
  /** Commit, once, the records an upgraded node wrote before record commitments existed. */
  'commit-baseline',
] as const;
export type NodeTask = (typeof NodeTasks)[number];

export const ActorKinds = ['user', 'operator', 'node', 'peer'] as const;
export type ActorKind = (typeof ActorKinds)[number];

export type Actor =
  | {
      readonly kind: 'user';
      readonly userId: string;
      readonly username: string;
      readonly roles: readonly Role[];
    }
  | { readonly kind: 'operator'; readonly osUser: string; readonly roles: readonly Role[] }
  | { readonly kind: 'node'; readonly nodeName: string; readonly task: NodeTask }
  | {
      readonly kind: 'peer';
      /** The key reference (`name+hexid`) its packages are signed with, pinned on this node. */
      readonly keyId: string;
      /** The agreement its key is pinned under, when one is (null: pinned for packages only). */
      readonly agreementId: string | null;
    };

/** The name the audit trail shows: a username, `cli:<os user>`, `node:<name>/<task>` or `peer:<key>`. */
export function actorNameOf(actor: Actor): string {
  switch (actor.kind) {
    case 'user':
      return actor.username;
    case 'operator':
      return `cli:${actor.osUser}`;
    case 'node':
      return `node:${actor.nodeName}/${actor.task}`;
    case 'peer':
      return `peer:${actor.keyId}`;
  }
}

/** The roles a person acts with; the node and peers have none (their permissions are per kind). */
export function rolesOf(actor: Actor): readonly Role[] {
  return actor.kind === 'user' || actor.kind === 'operator' ? actor.roles : [];
}

/** The user account behind the act, if a signed-in user acts. */
export function userIdOf(actor: Actor): string | null {
  return actor.kind === 'user' ? actor.userId : null;
}
