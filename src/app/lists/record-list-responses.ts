import type { Transaction } from 'kysely';
import { writeAudit } from '../../db/audit.ts';
import { commitRecords } from '../../db/records.ts';
import type { DB } from '../../db/schema.ts';
import { type RequestContext, requirePermission } from '../../domain/access.ts';
import { DomainError, ErrorCodes } from '../../domain/errors.ts';
import { partyIds } from '../../domain/exchange/agreement.ts';
import { violation } from '../../domain/exchange/errors.ts';
import { ListResponseSchema, type ResponseCode, responsesById } from '../../domain/exchange/list.ts';
import { shownIssue } from '../../domain/field-names.ts';
import { exchangeInfo, loadDomainList, versionRow } from './list-rows.ts';

export interface ResponsesInput {
  responder: string;
  respondedAt?: string | undefined;
  entries: { nominationId: string; response: ResponseCode; note?: string | null | undefined }[];
}

/** Record answers per entry to a signed version (the other party's, as received or given). */
export async function recordListResponses(
  ctx: RequestContext,
  tx: Transaction<DB>,
  exchangeId: string,
  versionId: string,
  input: ResponsesInput,
): Promise<{ recorded: number; responses: Record<string, ResponseCode> }> {
  requirePermission(ctx, 'list:write');
  const ex = await exchangeInfo(tx, ctx, exchangeId);
  const row = await versionRow(tx, exchangeId, versionId);
  if (row.signed_at === null) throw violation('STAGE_TRANSITION', 'only a signed list version is answered');
  const list = await loadDomainList(tx, ex, row);
  const parsed = ListResponseSchema.safeParse({
    listHash: row.version_hash,
    responder: input.responder,
    respondedAt: input.respondedAt ?? new Date().toISOString(),
    entries: input.entries.map((e) => ({ ...e, note: e.note ?? null })),
  });
  if (!parsed.success)
    throw new DomainError(ErrorCodes.VALIDATION_FAILED, 'the responses are malformed', {
      issues: parsed.error.issues.slice(0, 5).map((x) => {
        const s = shownIssue(ListResponseSchema, x);
        return `${s.path}: ${s.message}`;
      }),
    });
  const r = parsed.data;
  if (r.responder === row.owner) throw violation('NOT_A_SIGNER', 'a party does not answer its own list');
  if (!partyIds(ex.agreement).includes(r.responder))
    throw violation('UNKNOWN_REFERENCE', 'the responder is not a party to the agreement');
  const ids = new Set(list.entries.map((e) => e.id));
  const seen = new Set<string>();
  for (const e of r.entries) {
    if (!ids.has(e.nominationId))
      throw violation('UNKNOWN_REFERENCE', 'response to a nomination not on the list', {
        nomination: e.nominationId,
      });
    if (seen.has(e.nominationId))
      throw violation('DUPLICATE_RESPONSE', 'two responses to one nomination', {
        nomination: e.nominationId,
      });
    seen.add(e.nominationId);
  }
  if (r.entries.length)
    await tx
      .insertInto('exchange_list_responses')
      .values(
        r.entries.map((e) => ({
          version_id: row.id,
          nomination_id: e.nominationId,
          response: e.response,
          note: e.note,
          responder: r.responder,
          responded_at: r.respondedAt,
          created_by: ctx.actorName,
        })),
      )
      .returning('id')
      .execute()
      .then((ids) =>
        commitRecords(
          tx,
          ids.map((x) => ({ table: 'exchange_list_responses', key: x.id })),
        ),
      );
  await writeAudit(tx, ctx, [
    {
      action: 'list.responses_recorded',
      entityType: 'exchange',
      entityId: ex.id,
      detail: { kind: row.kind, version: row.version, count: r.entries.length },
    },
  ]);
  const all = await tx
    .selectFrom('exchange_list_responses')
    .select(['nomination_id', 'response', 'responder', 'responded_at', 'note'])
    .where('version_id', '=', row.id)
    .orderBy('id')
    .execute();
  const by = responsesById(list, [
    {
      listHash: row.version_hash,
      responder: r.responder,
      respondedAt: r.respondedAt,
      entries: all.map((a) => ({
        nominationId: a.nomination_id,
        response: a.response as ResponseCode,
        note: a.note,
      })),
    },
  ]);
  return { recorded: r.entries.length, responses: Object.fromEntries(by) };
}
