import { randomUUID } from 'node:crypto';
import type { Transaction } from 'kysely';
import { z } from 'zod';
import { writeAudit } from '../../db/audit.ts';
import {
  insertStatusEvents,
  isUuid,
  loadStatusEvents,
  lockPerson,
  type StoredStatusEvent,
  setDerivedStatus,
} from '../../db/persons.ts';
import type { DB } from '../../db/schema.ts';
import { type RequestContext, requirePermission } from '../../domain/access.ts';
import { DomainError, ErrorCodes } from '../../domain/errors.ts';
import { shownIssue } from '../../domain/field-names.ts';
import { projectStatusEvent } from '../../domain/person-view.ts';
import {
  admitStatusEvent,
  currentStatus,
  SourceTypes,
  StatusDimensions,
  VerificationLevels,
} from '../../domain/status.ts';
import { logStatusEvent } from '../ledger/ledger.ts';

export const StatusEventInputSchema = z.object({
  dimension: z.enum(StatusDimensions),
  value: z.string().min(1).max(60),
  /** When it happened, as an ISO instant or a date (taken as 00:00 UTC). */
  occurredAt: z.string().refine((s) => /^\d{4}-\d{2}-\d{2}(T.+)?$/.test(s) && !Number.isNaN(Date.parse(s)), {
    message: 'must be an ISO date or instant',
  }),
  sourceType: z.enum(SourceTypes),
  sourceRef: z.string().max(400).nullish(),
  verification: z.enum(VerificationLevels),
  note: z.string().max(2000).nullish(),
  supersedes: z.uuid().nullish(),
});
export type StatusEventInput = z.input<typeof StatusEventInputSchema>;

export const StatusEventViewSchema = z.object({
  id: z.string(),
  dimension: z.string(),
  value: z.string(),
  occurredAt: z.string(),
  recordedAt: z.string(),
  sourceType: z.string(),
  sourceRef: z.string().nullable(),
  verification: z.string(),
  note: z.string().nullable(),
  supersedes: z.string().nullable(),
  recordedBy: z.string().nullable(),
});
export type StatusEventView = z.infer<typeof StatusEventViewSchema>;

export function toStatusEventView(e: StoredStatusEvent): StatusEventView {
  return {
    id: e.id,
    dimension: e.dimension,
    value: e.value,
    occurredAt: e.occurredAt,
    recordedAt: e.recordedAt,
    sourceType: e.sourceType,
    sourceRef: e.sourceRef,
    verification: e.verification,
    note: e.note,
    supersedes: e.supersedes ?? null,
    recordedBy: e.recordedBy,
  };
}

/**
 * Append a status event after checking it against the transition table with the whole history
 * replayed (so backdated events and corrections are checked too). The person row is locked so two
 * concurrent appends cannot both pass the check.
 */
export async function recordStatusEvent(
  ctx: RequestContext,
  tx: Transaction<DB>,
  personId: string,
  input: StatusEventInput,
): Promise<StatusEventView> {
  requirePermission(ctx, 'status:write');
  const parsed = StatusEventInputSchema.safeParse(input);
  if (!parsed.success)
    throw new DomainError(ErrorCodes.VALIDATION_FAILED, 'the status event is not valid', {
      issues: parsed.error.issues.map((i) => shownIssue(StatusEventInputSchema, i)),
    });
  const e = parsed.data;
  const person = await lockPerson(tx, ctx, personId);
  if (!person) throw new DomainError(ErrorCodes.NOT_FOUND, 'no such person');
  const history = await loadStatusEvents(tx, ctx, personId);
  const now = new Date().toISOString();
  const occurredAt = new Date(e.occurredAt).toISOString();
  if (occurredAt > now)
    throw new DomainError(ErrorCodes.VALIDATION_FAILED, 'a status event cannot happen in the future');
  const event: StoredStatusEvent = {
    id: randomUUID(),
    personId,
    dimension: e.dimension,
    value: e.value,
    occurredAt,
    recordedAt: now,
    sourceType: e.sourceType,
    sourceRef: e.sourceRef ?? null,
    verification: e.verification,
    note: e.note ?? null,
    supersedes: e.supersedes ?? null,
    recordedBy: ctx.actorName,
  };
  admitStatusEvent(history, event);
  await insertStatusEvents(tx, ctx, [event]);
  await setDerivedStatus(tx, personId, currentStatus([...history, event]));
  await logStatusEvent(tx, event);
  await writeAudit(tx, ctx, [
    {
      action: 'status.recorded',
      entityType: 'person',
      entityId: personId,
      detail: {
        eventId: event.id,
        dimension: event.dimension,
        value: event.value,
        supersedes: event.supersedes ?? null,
      },
    },
  ]);
  return projectStatusEvent(ctx, toStatusEventView(event));
}

/** A person's status history, newest first. */
export async function listStatusEvents(
  ctx: RequestContext,
  tx: Transaction<DB>,
  personId: string,
): Promise<StatusEventView[]> {
  requirePermission(ctx, 'person:read');
  const person = await tx
    .selectFrom('persons')
    .where('id', '=', isUuid(personId) ? personId : '00000000-0000-0000-0000-000000000000')
    .select('id')
    .where('org_id', '=', ctx.orgId)
    .executeTakeFirst();
  if (!person) throw new DomainError(ErrorCodes.NOT_FOUND, 'no such person');
  const events = await loadStatusEvents(tx, ctx, personId);
  return events
    .sort((a, b) => b.occurredAt.localeCompare(a.occurredAt) || b.recordedAt.localeCompare(a.recordedAt))
    .map((e) => projectStatusEvent(ctx, toStatusEventView(e)));
}
