/**
 * The node's latest published bulletin for anyone (no sign-in): the verifiable bulletin JSON of the
 * newest row of exchange_bulletins, exactly what `homeward bulletin verify FILE` checks. Bulletins hold
 * counts only (no names, no ids, small cells withheld), so they are public by design. The node
 * itself serves it (task publish-bulletin): no user, and no made-up auditor, reads for the public.
 */
import type { Kysely, Transaction } from 'kysely';
import { verifiableBulletin } from '../app/reports/bulletin.ts';
import type { PublishedVerifiableBulletin } from '../app/reports/bulletin-verify.ts';
import type { DB } from '../db/schema.ts';
import { type RequestContext, requireNodeTask } from '../domain/access.ts';
import { DomainError, ErrorCodes } from '../domain/errors.ts';

type Handle = Kysely<DB> | Transaction<DB>;

export async function latestPublicBulletin(
  db: Handle,
  ctx: RequestContext,
): Promise<{ exchangeId: string; publishedAt: string; verifiable: PublishedVerifiableBulletin }> {
  requireNodeTask(ctx, 'publish-bulletin');
  const row = await db
    .selectFrom('exchange_bulletins as b')
    .innerJoin('exchanges as e', 'e.id', 'b.exchange_id')
    .select(['b.exchange_id', 'b.created_at'])
    .where('e.org_id', '=', ctx.orgId)
    .orderBy('b.id', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (!row) throw new DomainError(ErrorCodes.NOT_FOUND, 'no bulletin has been published on this node yet');
  const verifiable = await verifiableBulletin(db, ctx, row.exchange_id);
  return {
    exchangeId: row.exchange_id,
    publishedAt: new Date(row.created_at as unknown as string).toISOString(),
    verifiable,
  };
}
