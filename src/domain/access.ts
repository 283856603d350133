import { type Actor, actorNameOf, type NodeTask, rolesOf, userIdOf } from './actor.ts';
import { DomainError, ErrorCodes } from './errors.ts';
import type { RestrictedField } from './person.ts';
import type { Role } from './roles.ts';

export { type Role, Roles } from './roles.ts';

export const Permissions = [
  'person:read',
  'person:write',
  'status:write',
  'registry:import',
  'registry:export',
  'audit:read',
  'user:manage',
  /** Review match candidates (duplicates, counterpart list rows) and decide them. */
  'match:review',
  /** Record commitments in the node's transparency log: notarize evidence, send and accept packages. */
  'ledger:write',
  /**
   * Coordinate an exchange: create it, propose agreements, reconcile a stage, justify rule warnings,
   * propose and approve substitutions, start a stage, publish bulletins.
   */
  'exchange:write',
  /** Record and correct handovers on the stage board (the handover point). */
  'handover:write',
  /**
   * Sign with the node's key: agreement versions, list versions, manifests, stage confirmations,
   * substitution approvals, the packages that carry them. What is signed commits the whole party.
   */
  'node:sign',
  /** Read exchanges, their stages and live reconciliation (the stage board). */
  'exchange:read',
  /** Create, import and answer an exchange's lists (nominations, counterpart lists), plan stages and propose manifests. */
  'list:write',
] as const;
export type Permission = (typeof Permissions)[number];

/**
 * Default deny: a role has exactly the permissions listed here. The one source of truth: the API
 * (`requirePermission`, each route's `config.access`), the UI (the session's permissions) and the
 * README's role table (`npm run docs:roles`) all come from it.
 */
export const rolePermissions = {
  admin: ['user:manage', 'audit:read'],
  coordinator: [
    'person:read',
    'person:write',
    'status:write',
    'registry:import',
    'registry:export',
    'audit:read',
    'match:review',
    'ledger:write',
    'exchange:write',
    'handover:write',
    'node:sign',
    'exchange:read',
    'list:write',
  ],
  // Builds nominations and records the counterpart's responses; the coordinator signs and sends them.
  list_officer: [
    'person:read',
    'person:write',
    'status:write',
    'registry:import',
    'registry:export',
    'exchange:read',
    'list:write',
  ],
  identity_analyst: ['person:read', 'person:write', 'status:write', 'registry:import', 'match:review'],
  // Checks people in and out at the handover point: records and corrects handovers, nothing else.
  field_officer: ['person:read', 'status:write', 'handover:write', 'exchange:read'],
  case_worker: ['person:read', 'person:write', 'status:write'],
  communications_officer: [],
  auditor: ['person:read', 'audit:read', 'exchange:read'],
  mediator: ['person:read', 'exchange:read'],
} as const satisfies Record<Role, readonly Permission[]>;

/**
 * Restricted fields and the roles that may read and write them. Everyone else never sees them:
 * the field is absent from responses, exports and search results.
 */
export const restrictedFieldRoles = {
  contacts: ['coordinator', 'case_worker'],
  health: ['coordinator', 'field_officer', 'case_worker'],
  marks: ['identity_analyst', 'field_officer'],
  photos: ['identity_analyst', 'field_officer', 'case_worker'],
} as const satisfies Record<RestrictedField, readonly Role[]>;

/**
 * Mediators see counts and minimal identifiers only (DESIGN.md): names, birth, category, status.
 * Other readers see the full non-restricted record.
 */
export const minimalViewRoles: readonly Role[] = ['mediator'];

/**
 * The node's own permissions, per task (src/domain/actor.ts): narrow, so that system work can do
 * exactly its job and never more, and never needs to pose as a user with a role.
 */
export const nodeTaskPermissions = {
  'deliver-outbox': ['ledger:write'],
  // Sharing recorded events signs a package with the node's key: transport of what a person decided.
  'share-events': ['ledger:write', 'node:sign'],
  'receive-package': ['ledger:write'],
  // A counterpart's list is matched against the registry when it is applied: hence person:read.
  // A received list is frozen with the node's receipt signature: hence node:sign.
  'apply-package': [
    'exchange:read',
    'exchange:write',
    'list:write',
    'ledger:write',
    'person:read',
    'node:sign',
  ],
  'sign-checkpoint': ['ledger:write'],
  'publish-bulletin': ['exchange:read'],
  'commit-baseline': ['ledger:write'],
} as const satisfies Record<NodeTask, readonly Permission[]>;

/** A peer authenticates by its package signatures and calls no use case itself: no permissions. */
export const peerPermissions: readonly Permission[] = [];

/**
 * Who acts, in which organisation, for which request: flows from the edge into every use case and
 * every query. Build it with `contextOf` (or the helpers below): `userId`, `actorName` and `roles` are
 * derived from `actor`, for the call sites that only read them.
 */
export interface RequestContext {
  readonly orgId: string;
  readonly actor: Actor;
  readonly requestId?: string | undefined;
  /** The signed-in user's account id; null for every other kind of actor. */
  readonly userId: string | null;
  /** For the audit trail: see actorNameOf. */
  readonly actorName: string;
  readonly roles: readonly Role[];
}

export function contextOf(orgId: string, actor: Actor, requestId?: string): RequestContext {
  return {
    orgId,
    actor,
    requestId,
    userId: userIdOf(actor),
    actorName: actorNameOf(actor),
    roles: rolesOf(actor),
  };
}

/** The node itself (its identity: name and organisation), doing one task of system work. */
export function nodeContext(
  node: { readonly orgId: string; readonly name: string },
  task: NodeTask,
  requestId?: string,
): RequestContext {
  return contextOf(node.orgId, { kind: 'node', nodeName: node.name, task }, requestId);
}

/** A peer node, identified by the key its packages are signed with. */
export function peerContext(
  orgId: string,
  keyId: string,
  agreementId: string | null,
  requestId?: string,
): RequestContext {
  return contextOf(orgId, { kind: 'peer', keyId, agreementId }, requestId);
}

export function hasPermission(
  ctx: Pick<RequestContext, 'roles'> & { readonly actor?: Actor },
  p: Permission,
): boolean {
  const actor = ctx.actor;
  if (actor?.kind === 'node') return (nodeTaskPermissions[actor.task] as readonly Permission[]).includes(p);
  if (actor?.kind === 'peer') return peerPermissions.includes(p);
  return ctx.roles.some((r) => (rolePermissions[r] as readonly Permission[]).includes(p));
}

/** Everything these roles may do (for clients that hide what the server would refuse). */
export function permissionsOf(roles: readonly Role[]): Permission[] {
  return Permissions.filter((p) => hasPermission({ roles }, p));
}

export function requirePermission(
  ctx: Pick<RequestContext, 'roles'> & { readonly actor?: Actor },
  ...ps: Permission[]
): void {
  for (const p of ps)
    if (!hasPermission(ctx, p)) throw new DomainError(ErrorCodes.FORBIDDEN, `your role does not allow ${p}`);
}

/** Refuses unless the node itself acts for `task`: system work is never done as a person. */
export function requireNodeTask(ctx: Pick<RequestContext, 'actor'>, task: NodeTask): void {
  if (ctx.actor.kind !== 'node' || ctx.actor.task !== task)
    throw new DomainError(ErrorCodes.FORBIDDEN, `only the node itself may ${task}`);
}

export function canSeeField(ctx: Pick<RequestContext, 'roles'>, field: RestrictedField): boolean {
  return ctx.roles.some((r) => (restrictedFieldRoles[field] as readonly Role[]).includes(r));
}

export function visibleRestrictedFields(ctx: Pick<RequestContext, 'roles'>): RestrictedField[] {
  return (Object.keys(restrictedFieldRoles) as RestrictedField[]).filter((f) => canSeeField(ctx, f));
}

/**
 * True unless some role of the caller reads persons beyond the minimal view. Default deny: a role
 * that reads no persons (admin, communications officer) never widens a mediator's view.
 */
export function isMinimalViewOnly(ctx: Pick<RequestContext, 'roles'>): boolean {
  return !ctx.roles.some(
    (r) =>
      !minimalViewRoles.includes(r) && (rolePermissions[r] as readonly Permission[]).includes('person:read'),
  );
}

/**
 * The machine's operator running a local command (import, pin a key, demo setup): a person at the
 * node's shell, audited by OS user name as `cli:<os user>`, acting with the given roles.
 */
export function cliContext(orgId: string, roles: readonly Role[], osUser: string): RequestContext {
  return contextOf(orgId, { kind: 'operator', osUser, roles });
}
