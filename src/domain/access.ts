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

export function requirePermission(ctx: Pick<RequestContext, 'roles'>, ...ps: Permission[]): void {
  for (const p of ps)
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
