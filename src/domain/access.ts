import { DomainError, ErrorCodes } from './errors.ts';
import type { RestrictedField } from './person.ts';

/** Roles from DESIGN.md ("Who uses it"), plus the node administrator who manages accounts. */
export const Roles = [
  'admin',
  'coordinator',
  'list_officer',
  'identity_analyst',
  'field_officer',
  'case_worker',
  'communications_officer',
  'auditor',
  'mediator',
] as const;
export type Role = (typeof Roles)[number];

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
  /** Record exchange events (stages, manifests, handovers, confirmations) and publish bulletins. */
  'exchange:write',
  /** Read exchanges, their stages and live reconciliation (the stage board). */
  'exchange:read',
  /** Create, import, sign and answer an exchange's lists (nominations, counterpart lists). */
  'list:write',
] as const;
export type Permission = (typeof Permissions)[number];

/** Default deny: a role has exactly the permissions listed here. */
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
    'exchange:read',
    'list:write',
  ],
  list_officer: [
    'person:read',
    'person:write',
    'status:write',
    'registry:import',
    'registry:export',
    'ledger:write',
    'exchange:write',
    'exchange:read',
    'list:write',
  ],
  identity_analyst: ['person:read', 'person:write', 'status:write', 'registry:import', 'match:review'],
  field_officer: ['person:read', 'status:write', 'exchange:write', 'exchange:read'],
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

/** Who acts: flows from the edge into every use case and every query. */
export interface RequestContext {
  readonly orgId: string;
  readonly userId: string | null;
  /** For the audit trail: a username, or `cli:<os user>` for local commands. */
  readonly actorName: string;
  readonly roles: readonly Role[];
  readonly requestId?: string | undefined;
}

export function hasPermission(ctx: Pick<RequestContext, 'roles'>, p: Permission): boolean {
  return ctx.roles.some((r) => (rolePermissions[r] as readonly Permission[]).includes(p));
}

/** Everything these roles may do (for clients that hide what the server would refuse). */
export function permissionsOf(roles: readonly Role[]): Permission[] {
  return Permissions.filter((p) => hasPermission({ roles }, p));
}

export function requirePermission(ctx: Pick<RequestContext, 'roles'>, p: Permission): void {
  if (!hasPermission(ctx, p)) throw new DomainError(ErrorCodes.FORBIDDEN, `your role does not allow ${p}`);
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

/** A context for local operator commands (import, demo seeding): acts with the given roles. */
export function cliContext(orgId: string, roles: readonly Role[], osUser: string): RequestContext {
  return { orgId, userId: null, actorName: `cli:${osUser}`, roles };
}
