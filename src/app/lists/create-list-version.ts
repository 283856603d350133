import type { Transaction } from 'kysely';
import { writeAudit } from '../../db/audit.ts';
import { commitRecords } from '../../db/records.ts';
import type { DB } from '../../db/schema.ts';
import { type RequestContext, requirePermission } from '../../domain/access.ts';
import { DomainError, ErrorCodes } from '../../domain/errors.ts';
import { toJson } from '../../domain/exchange/common.ts';
import { countFlags } from '../../domain/exchange/counterpart.ts';
import { violation } from '../../domain/exchange/errors.ts';
import {
  counterpartRecordHash,
  draftList,
  type ListVersionInput,
  listHash,
} from '../../domain/exchange/list.ts';
import { registryFlags } from './list-matching.ts';
import {
  domainKind,
  exchangeInfo,
  type ListKindName,
  ListKindNames,
  type ListVersionSummary,
  ownerOf,
  type StoredFlags,
  summaryOf,
  VERSION_COLUMNS,
  type VersionRow,
} from './list-rows.ts';

export interface NewListVersion {
  exchangeId: string;
  kind: ListKindName;
  entries: ListVersionInput['entries'];
  /** Defaults to now. */
  createdAt?: string | undefined;
}

/**
 * A new version of one of the exchange's lists from nominations: version 1, or the successor of the
 * latest version, which must be signed. Validated by the domain (categories of the agreement, one
 * nomination per person).
 */
export async function createListVersion(
  ctx: RequestContext,
  tx: Transaction<DB>,
  input: NewListVersion,
): Promise<ListVersionSummary> {
  return createVersion(ctx, tx, input, null);
}

export async function createVersion(
  ctx: RequestContext,
  tx: Transaction<DB>,
  input: NewListVersion,
  stored: StoredFlags | null,
): Promise<ListVersionSummary> {
  requirePermission(ctx, 'list:write');
  if (!(ListKindNames as readonly string[]).includes(input.kind))
    throw new DomainError(ErrorCodes.VALIDATION_FAILED, `kind must be one of ${ListKindNames.join(', ')}`);
  const ex = await exchangeInfo(tx, ctx, input.exchangeId);
  // One writer per exchange's lists at a time (the row is append-only; FOR UPDATE only locks).
  await tx.selectFrom('exchanges').select('id').where('id', '=', ex.id).forUpdate().execute();
  const last = (await tx
    .selectFrom('exchange_list_versions')
    .select(VERSION_COLUMNS)
    .where('exchange_id', '=', ex.id)
    .where('kind', '=', input.kind)
    .orderBy('version', 'desc')
    .limit(1)
    .executeTakeFirst()) as VersionRow | undefined;
  if (last && last.signed_at === null)
    throw violation(
      'STAGE_TRANSITION',
      `version ${last.version} of ${input.kind} is not signed: sign it before making version ${last.version + 1}`,
    );
  const l = draftList(
    {
      listId: `${ex.id}:${input.kind}`,
      agreementId: ex.agreement.id,
      kind: domainKind(input.kind),
      owner: ownerOf(input.kind, ex),
      version: last ? last.version + 1 : 1,
      parentHash: last ? last.version_hash : null,
      createdAt: input.createdAt ?? new Date().toISOString(),
      entries: input.entries,
    },
    ex.agreement,
  );
  const list = toJson(l);
  const hash = listHash(list);
  // Our own nominations name registry persons: each is checked against the agreement's category
  // predicate on what the registry says now, and frozen with the version like an import's flags.
  if (!stored) stored = await registryFlags(tx, ctx, ex.agreement, list);
  const inserted = await tx
    .insertInto('exchange_list_versions')
    .values({
      exchange_id: ex.id,
      kind: input.kind,
      owner: list.owner,
      version: list.version,
      parent_hash: list.parentHash,
      version_hash: hash,
      created_iso: list.createdAt,
      source_file_sha256: stored?.sourceFileSha256 ?? null,
      entry_count: list.entries.length,
      created_by: ctx.actorName,
    })
    .returning(VERSION_COLUMNS)
    .executeTakeFirstOrThrow();
  const rows = list.entries.map((n, ord) => {
    const f = stored.flagged[ord];
    return {
      version_id: inserted.id,
      ord,
      nomination_id: n.id,
      person_id: n.subject.kind === 'registry' ? n.subject.personId : null,
      record_hash: n.subject.kind === 'counterpart' ? counterpartRecordHash(n.subject.record) : null,
      nomination: JSON.stringify(n),
      claimed_category: stored.claimed[ord] ?? null,
      flags: f?.flags ?? [],
      match: f && !stored.noMatch ? JSON.stringify(f.match) : null,
      eligibility: f?.eligibility ? JSON.stringify(f.eligibility) : null,
      duplicate_of: f?.duplicateOf ?? null,
    };
  });
  for (let at = 0; at < rows.length; at += 500)
    await tx
      .insertInto('exchange_list_entries')
      .values(rows.slice(at, at + 500))
      .execute();
  await commitRecords(tx, [
    { table: 'exchange_list_versions', key: inserted.id },
    ...rows.map((r) => ({ table: 'exchange_list_entries' as const, key: [inserted.id, r.ord] })),
  ]);
  await writeAudit(tx, ctx, [
    {
      action: stored.sourceFileSha256 ? 'list.imported' : 'list.version_created',
      entityType: 'exchange',
      entityId: ex.id,
      detail: {
        kind: input.kind,
        version: list.version,
        versionHash: hash,
        entries: list.entries.length,
        ...(stored.sourceFileSha256 ? { fileSha256: stored.sourceFileSha256 } : {}),
        flags: countFlags(stored.flagged),
      },
    },
  ]);
  return summaryOf(inserted as VersionRow, ctx);
}
