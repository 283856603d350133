import { type Kysely, sql, type Transaction } from 'kysely';
import type { RequestContext } from '../domain/access.ts';
import { commitRecordsOn } from './records.ts';
import type { DB } from './schema.ts';

/**
 * What the audit trail records. Details name fields and counts, never personal values, so the
 * trail itself can be shown to auditors without becoming a second copy of the registry.
 */
export type AuditAction =
  | 'person.created'
  | 'person.updated'
  | 'person.restricted_read'
  | 'person.exported'
  | 'status.recorded'
  | 'registry.imported'
  | 'user.created'
  | 'user.disabled'
  | 'user.signed_in'
  | 'user.sign_in_failed'
  | 'token.created'
  | 'node.initialised'
  | 'evidence.notarized'
  | 'package.sent'
  | 'package.accepted'
  | 'match.candidates_recorded'
  | 'match.decided'
  | 'exchange.created'
  | 'exchange.events_recorded'
  | 'exchange.bulletin_published'
  | 'list.version_created'
  | 'list.imported'
  | 'list.signed'
  | 'list.responses_recorded'
  | 'job.started'
  | 'records.baseline';

export interface AuditEntry {
  action: AuditAction;
  entityType:
    | 'person'
    | 'user'
    | 'registry'
    | 'node'
    | 'token'
    | 'match'
    | 'log'
    | 'package'
    | 'exchange'
    | 'job';
  entityId: string | null;
  detail?: Record<string, unknown>;
}

export interface AuditRow {
  id: string;
  at: string;
  actor: string;
  action: string;
  entityType: string;
  entityId: string | null;
  detail: Record<string, unknown>;
}

/**
 * Append audit events; call with the same transaction handle as the change they record. The rows are
 * committed to the log with it (src/db/records.ts), so `log audit` finds a deleted or edited one.
 */
export async function writeAudit(
  tx: Transaction<DB> | Kysely<DB>,
  ctx: RequestContext,
  entries: readonly AuditEntry[],
): Promise<void> {
  if (entries.length === 0) return;
  // One statement for any number of entries: bulk imports write one row per person.
  const { rows } = await sql<{ id: string }>`
    INSERT INTO audit_events (org_id, actor_id, actor_name, action, entity_type, entity_id, detail, request_id)
    SELECT ${ctx.orgId}, ${ctx.userId}, ${ctx.actorName}, a, t, e, d::jsonb, ${ctx.requestId ?? null}
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
    .select(['id', 'at', 'actor_name', 'action', 'entity_type', 'entity_id', 'detail'])
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
    action: r.action,
    entityType: r.entity_type,
    entityId: r.entity_id,
    detail: r.detail as Record<string, unknown>,
  }));
}
