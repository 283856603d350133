import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { RequestContext } from '../../domain/access.ts';
import { DomainError, ErrorCodes } from '../../domain/errors.ts';
import { type Agreement, partyIds } from '../../domain/exchange/agreement.ts';
import type { Signature } from '../../domain/exchange/common.ts';
import type { FlaggedEntry, ImportFlag, MatchOutcome } from '../../domain/exchange/counterpart.ts';
import { violation } from '../../domain/exchange/errors.ts';
import {
  type ListVersion,
  listHash,
  type Nomination,
  type ResponseCode,
} from '../../domain/exchange/list.ts';
import { staffNameFor } from '../../domain/person-view.ts';
import { requireNodeParty, storedNodeParty } from '../node/node-party.ts';

export type Handle = Kysely<DB> | Transaction<DB>;

export const LIST_SIGNED_LOG_KIND = 'list.signed';
export const ListKindNames = ['our_request', 'our_offer', 'their_request', 'their_offer'] as const;
export type ListKindName = (typeof ListKindNames)[number];

export interface ListVersionSummary {
  id: string;
  exchangeId: string;
  kind: ListKindName;
  owner: string;
  version: number;
  parentHash: string | null;
  versionHash: string;
  createdAt: string;
  sourceFileSha256: string | null;
  entryCount: number;
  signed: boolean;
  signedAt: string | null;
  logIndex: number | null;
  createdBy: string | null;
}

export interface ListEntryView {
  ord: number;
  nomination: Nomination;
  key: string;
  personId: string | null;
  recordHash: string | null;
  claimedCategory: string | null;
  flags: ImportFlag[];
  match: MatchOutcome | null;
  eligibility: { value: 'true' | 'false' | 'unknown'; reason: string } | null;
  duplicateOf: number | null;
  response: ResponseCode | null;
  /** Display name of the registry person nominated, or matched for a counterpart record. */
  registryName: string | null;
}

export interface ListVersionDetail extends ListVersionSummary {
  entries: ListEntryView[];
  flagCounts: Record<ImportFlag, number>;
}

interface ExchangeInfo {
  id: string;
  agreement: Agreement;
  us: string;
  them: string;
}

export async function exchangeInfo(
  db: Handle,
  ctx: RequestContext,
  exchangeId: string,
): Promise<ExchangeInfo> {
  const row = await db
    .selectFrom('exchanges')
    .select(['id', 'agreement'])
    .where('id', '=', exchangeId)
    .where('org_id', '=', ctx.orgId)
    .executeTakeFirst();
  if (!row) throw new DomainError(ErrorCodes.NOT_FOUND, 'no such exchange');
  const agreement = row.agreement as Agreement;
  const [x, y] = partyIds(agreement);
  // "Us" is the node's party setting (src/app/node/node-party.ts); a mediator's node owns no lists.
  const party = requireNodeParty(agreement, await storedNodeParty(db));
  if (party.role !== 'party')
    throw violation('NOT_A_SIGNER', "lists belong to the agreement's parties; this node acts as a mediator");
  const us = party.id;
  return { id: row.id, agreement, us, them: us === x ? y : x };
}

export const domainKind = (k: ListKindName) =>
  (k.endsWith('request') ? 'request' : 'offer') as 'request' | 'offer';
export const ownerOf = (k: ListKindName, ex: ExchangeInfo) => (k.startsWith('our') ? ex.us : ex.them);

export type VersionRow = {
  id: string;
  exchange_id: string;
  kind: string;
  owner: string;
  version: number;
  parent_hash: string | null;
  version_hash: string;
  created_iso: string;
  source_file_sha256: string | null;
  entry_count: number;
  signed_at: Date | null;
  signature: unknown;
  log_index: string | null;
  created_by: string;
};

export const VERSION_COLUMNS = [
  'id',
  'exchange_id',
  'kind',
  'owner',
  'version',
  'parent_hash',
  'version_hash',
  'created_iso',
  'source_file_sha256',
  'entry_count',
  'signed_at',
  'signature',
  'log_index',
  'created_by',
] as const;

export function summaryOf(r: VersionRow, ctx: Pick<RequestContext, 'roles'>): ListVersionSummary {
  return {
    id: String(r.id),
    exchangeId: r.exchange_id,
    kind: r.kind as ListKindName,
    owner: r.owner,
    version: r.version,
    parentHash: r.parent_hash,
    versionHash: r.version_hash,
    createdAt: r.created_iso,
    sourceFileSha256: r.source_file_sha256,
    entryCount: r.entry_count,
    signed: r.signed_at !== null,
    signedAt: r.signed_at ? new Date(r.signed_at).toISOString() : null,
    logIndex: r.log_index === null ? null : Number(r.log_index),
    createdBy: staffNameFor(ctx, r.created_by),
  };
}

export async function versionRow(db: Handle, exchangeId: string, versionId: string, lock = false) {
  if (!/^[0-9]{1,18}$/.test(versionId))
    throw new DomainError(ErrorCodes.NOT_FOUND, 'no such list version in this exchange');
  let q = db
    .selectFrom('exchange_list_versions')
    .select(VERSION_COLUMNS)
    .where('exchange_id', '=', exchangeId)
    .where('id', '=', versionId);
  if (lock) q = q.forUpdate();
  const row = await q.executeTakeFirst();
  if (!row) throw new DomainError(ErrorCodes.NOT_FOUND, 'no such list version in this exchange');
  return row as VersionRow;
}

export async function entryRows(db: Handle, versionId: string) {
  return db
    .selectFrom('exchange_list_entries')
    .selectAll()
    .where('version_id', '=', versionId)
    .orderBy('ord')
    .execute();
}

/** The domain list version a row and its entries stand for (what `version_hash` hashes). */
function domainList(ex: ExchangeInfo, row: VersionRow, nominations: Nomination[]): ListVersion {
  const sig = row.signature as Signature | null;
  return {
    listId: `${row.exchange_id}:${row.kind}`,
    agreementId: ex.agreement.id,
    kind: domainKind(row.kind as ListKindName),
    owner: row.owner,
    version: row.version,
    parentHash: row.parent_hash,
    createdAt: row.created_iso,
    entries: nominations,
    signatures: sig && sig.signer === row.owner ? [sig] : [],
  };
}

export async function loadDomainList(db: Handle, ex: ExchangeInfo, row: VersionRow): Promise<ListVersion> {
  const entries = await entryRows(db, row.id);
  const l = domainList(
    ex,
    row,
    entries.map((e) => e.nomination as Nomination),
  );
  if (listHash(l) !== row.version_hash)
    throw violation('HASH_MISMATCH', `list version ${row.id} does not match its stored hash`, {
      version: row.version,
    });
  return l;
}

export interface StoredFlags {
  sourceFileSha256: string | null;
  flagged: FlaggedEntry[];
  claimed: (string | null)[];
  /** Registry nominations: no match to store. */
  noMatch?: boolean;
}
