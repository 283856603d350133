import { type Expression, type Kysely, type SqlBool, sql, type Transaction } from 'kysely';
import type { RequestContext } from '../domain/access.ts';
import { DomainError, ErrorCodes } from '../domain/errors.ts';
import type { DB } from './schema.ts';

/**
 * The node-level tables of the package side (packages, their deliveries and applications, peers,
 * pinned keys) carry no organisation: they belong to the node's one organisation
 * (node_identity.org_id). A query on them is scoped by this condition, so that a context of another
 * organisation finds nothing, as it would on a table with org_id.
 */
export function ofNodeOrg(ctx: Pick<RequestContext, 'orgId'>): Expression<SqlBool> {
  return sql<SqlBool>`EXISTS (SELECT 1 FROM node_identity WHERE node_identity.org_id = ${ctx.orgId})`;
}

/** For writes to node-level tables: another organisation's context is refused as not found. */
export async function requireNodeOrg(
  ctx: Pick<RequestContext, 'orgId'>,
  db: Kysely<DB> | Transaction<DB>,
): Promise<void> {
  const own = await db.selectFrom('node_identity').select('id').where(ofNodeOrg(ctx)).executeTakeFirst();
  if (!own) throw new DomainError(ErrorCodes.NOT_FOUND, 'not found');
}
