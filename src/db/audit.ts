import { type Kysely, sql, type Transaction } from 'kysely';
import type { RequestContext } from '../domain/access.ts';
import type { ActorKind } from '../domain/actor.ts';
import type { AuditEntry, AuditRecord } from '../domain/audit-events.ts';
import { commitRecordsOn } from './records.ts';
import type { DB } from './schema.ts';

export type { AuditAction, AuditEntry, AuditRecord } from '../domain/audit-events.ts';

/** One stored audit row: who, when, and the action with its typed detail (narrow on `action`). */
export type AuditRow<Actor = string> = {
  id: string;
  at: string;
  actor: Actor;
  /** user, operator, node or peer; null for rows written before kinds were recorded (migration 017). */
  actorKind: ActorKind | null;
  entityId: string | null;
} & AuditRecord;

/**
 * Append audit events; call with the same transaction handle as the change they record. Each entry is
 * one of `AuditEvents` (src/domain/audit-events.ts): its action fixes its entity type and detail. The
 * rows are committed to the log with it (src/db/records.ts), so `log audit` finds a deleted or edited one.
 */
export async function writeAudit(
  tx: Transaction<DB> | Kysely<DB>,
  ctx: RequestContext,
  entries: readonly AuditEntry[],
): Promise<void> {
  if (entries.length === 0) return;
  // One statement for any number of entries: bulk imports write one row per person.
  const { rows } = await sql<{ id: string }>`
    INSERT INTO audit_events (org_id, actor_id, actor_name, actor_kind, action, entity_type, entity_id, detail, request_id)
    SELECT ${ctx.orgId}, ${ctx.userId}, ${ctx.actorName}, ${ctx.actor.kind}, a, t, e, d::jsonb, ${ctx.requestId ?? null}
    FROM unnest(${entries.map((e) => e.action)}::text[], ${entries.map((e) => e.entityType)}::text[],
                ${entries.map((e) => e.entityId)}::text[], ${entries.map((e) => JSON.stringify(e.detail ?? {}))}::text[])
      AS x(a, t, e, d)
    RETURNING id::text AS id
  `.execute(tx);
  await commitRecordsOn(
    tx,
    rows.map((r) => ({ table: 'audit_events', key: r.id })),
  );
}

export async function listAudit(
  tx: Transaction<DB>,
  ctx: RequestContext,
  filter: { entityType: string; entityId: string; limit: number },
): Promise<AuditRow[]> {
  const rows = await tx
    .selectFrom('audit_events')
    .select(['id', 'at', 'actor_name', 'actor_kind', 'action', 'entity_type', 'entity_id', 'detail'])
    .where('org_id', '=', ctx.orgId)
    .where('entity_type', '=', filter.entityType)
    .where('entity_id', '=', filter.entityId)
    .orderBy('id', 'desc')
    .limit(filter.limit)
    .execute();
  return rows.map((r) => ({
    id: String(r.id),
    at: new Date(r.at).toISOString(),
    actor: r.actor_name,
    actorKind: r.actor_kind,
    entityId: r.entity_id,
    // writeAudit is the only writer and takes only AuditEntry values (the table is append-only and
    // its rows are committed to the log), so the columns read back are one AuditRecord: the cast only
    // re-joins the action to its detail, which SQL returns as separate columns.
    ...({ action: r.action, entityType: r.entity_type, detail: r.detail } as AuditRecord),
  }));
}
