/**
 * Lists and negotiation in the node (migration 007; domain in src/domain/exchange/list.ts and
 * counterpart.ts).
 *
 * Each exchange has four lists seen from this node: our request, our offer, their request, their
 * offer. A list is a chain of versions (`parentHash` = the domain `listHash` of version n-1); a new
 * version follows only a signed one. Signing freezes a version (a trigger refuses any later update)
 * and records its hash in the transparency log (kind `list.signed`). Responses per entry are a
 * separate, append-only record over a signed version.
 *
 * A counterpart that does not run Homeward sends a CSV/XLSX; `importCounterpartList` reads it all or
 * nothing (every bad row by line and column), keeps each row verbatim (invariant 6), matches it
 * against the registry with the matching engine and stores the flags of `flagImportedList` beside it
 * (matched with score and explanation, ambiguous, unknown, already released from the person's fate
 * status, ineligible for the claimed category or eligibility unknown, duplicate within the list).
 *
 * Which party is "us": the node's party setting (src/app/node/node-party.ts), one of the agreement's two
 * parties.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import type { Kysely, Transaction } from 'kysely';
import { writeAudit } from '../../db/audit.ts';
import { appendLogEntries } from '../../db/ledger.ts';
import { insertMatchCandidates, type NewMatchCandidate } from '../../db/match-candidates.ts';
import { commitRecords } from '../../db/records.ts';
import type { DB } from '../../db/schema.ts';
import { type RequestContext, requirePermission } from '../../domain/access.ts';
import { DomainError, ErrorCodes } from '../../domain/errors.ts';
import { type Agreement, partyIds } from '../../domain/exchange/agreement.ts';
import { type Signature, toJson } from '../../domain/exchange/common.ts';
import {
  countFlags,
  type FlaggedEntry,
  flagImportedList,
  type ImportedEntry,
  type ImportFlag,
  type MatchOutcome,
  ReleasedFates,
} from '../../domain/exchange/counterpart.ts';
import { violation } from '../../domain/exchange/errors.ts';
import {
  type CounterpartRecord,
  checkEligibility,
  counterpartRecordHash,
  diffLists,
  draftList,
  type ListDiff,
  ListResponseSchema,
  type ListVersion,
  type ListVersionInput,
  listHash,
  type Nomination,
  type ResponseCode,
  responsesById,
  subjectKey,
} from '../../domain/exchange/list.ts';
import { Determinations, evaluate, type PersonSnapshot } from '../../domain/exchange/predicate.ts';
import { staffNameFor } from '../../domain/person-view.ts';
import type { FateStatus } from '../../domain/status.ts';
import { type CounterpartRow, readCounterpartListFile } from '../../io/counterpart-list-file.ts';
import { explain, type MatchCandidate, type MatchRecord } from '../../matching/engine.ts';
import { signAsNode } from '../exchange/signatures.ts';
import { listCandidates } from '../matching/match-review.ts';
import { buildRegistryIndex, type RegistryMatcher } from '../matching/registry-matcher.ts';
import { requireNodeParty, storedNodeParty } from '../node/node-party.ts';

type Handle = Kysely<DB> | Transaction<DB>;

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

async function exchangeInfo(db: Handle, ctx: RequestContext, exchangeId: string): Promise<ExchangeInfo> {
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

const domainKind = (k: ListKindName) => (k.endsWith('request') ? 'request' : 'offer') as 'request' | 'offer';
const ownerOf = (k: ListKindName, ex: ExchangeInfo) => (k.startsWith('our') ? ex.us : ex.them);

type VersionRow = {
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

const VERSION_COLUMNS = [
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

function summaryOf(r: VersionRow, ctx: Pick<RequestContext, 'roles'>): ListVersionSummary {
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

/** Every version of an exchange's lists, by kind then version. */
export async function listListVersions(
  db: Handle,
  ctx: RequestContext,
  exchangeId: string,
): Promise<ListVersionSummary[]> {
  requirePermission(ctx, 'exchange:read');
  await exchangeInfo(db, ctx, exchangeId);
  const rows = await db
    .selectFrom('exchange_list_versions')
    .select(VERSION_COLUMNS)
    .where('exchange_id', '=', exchangeId)
    .orderBy('kind')
    .orderBy('version')
    .execute();
  return rows.map((r) => summaryOf(r, ctx));
}

async function versionRow(db: Handle, exchangeId: string, versionId: string, lock = false) {
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

async function entryRows(db: Handle, versionId: string) {
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

async function loadDomainList(db: Handle, ex: ExchangeInfo, row: VersionRow): Promise<ListVersion> {
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

export interface NewListVersion {
  exchangeId: string;
  kind: ListKindName;
  entries: ListVersionInput['entries'];
  /** Defaults to now. */
  createdAt?: string | undefined;
}

interface StoredFlags {
  sourceFileSha256: string | null;
  flagged: FlaggedEntry[];
  claimed: (string | null)[];
  /** Registry nominations: no match to store. */
  noMatch?: boolean;
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

async function createVersion(
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

/**
 * Sign (freeze) a version: its hash goes into the transparency log as `list.signed` and the row is
 * immutable from then on. Our lists carry our party's signature over the hash; for the counterpart's
 * lists the record says this node received and froze that exact version.
 */
export async function signListVersion(
  ctx: RequestContext,
  tx: Transaction<DB>,
  exchangeId: string,
  versionId: string,
): Promise<ListVersionSummary> {
  requirePermission(ctx, 'list:write', 'node:sign');
  const ex = await exchangeInfo(tx, ctx, exchangeId);
  // Same lock order as every log append: the log head first.
  await tx.selectFrom('log_head').select('size').where('id', '=', 1).forUpdate().execute();
  const row = await versionRow(tx, exchangeId, versionId, true);
  if (row.signed_at !== null)
    throw violation('SIGNED_IMMUTABLE', `list version ${row.version} of ${row.kind} is already signed`);
  const list = await loadDomainList(tx, ex, row);
  const hash = listHash(list);
  const log = await appendLogEntries(tx, [
    { kind: LIST_SIGNED_LOG_KIND, commitment: Buffer.from(hash, 'hex') },
  ]);
  const signedAt = new Date();
  // An Ed25519 signature by this node's key (src/app/exchange/signatures.ts); the log entry dates it.
  const signature: Signature = await signAsNode(
    tx,
    ctx,
    { kind: 'list_version', entityId: ex.id },
    {
      signer: ex.us,
      role: 'party',
      contentHash: hash,
      signedAt: signedAt.toISOString(),
    },
  );
  const updated = await tx
    .updateTable('exchange_list_versions')
    .set({ signed_at: signedAt, signature: JSON.stringify(signature), log_index: log.first })
    .where('id', '=', row.id)
    .returning(VERSION_COLUMNS)
    .executeTakeFirstOrThrow();
  await commitRecords(tx, [{ table: 'exchange_list_versions', key: row.id }]);
  await writeAudit(tx, ctx, [
    {
      action: 'list.signed',
      entityType: 'exchange',
      entityId: ex.id,
      detail: { kind: row.kind, version: row.version, versionHash: hash, logIndex: log.first },
    },
  ]);
  return summaryOf(updated as VersionRow, ctx);
}

/** One version with its entries, flags, match, eligibility and the latest response per entry. */
export async function loadListVersion(
  db: Handle,
  ctx: RequestContext,
  exchangeId: string,
  versionId: string,
): Promise<ListVersionDetail> {
  requirePermission(ctx, 'exchange:read');
  await exchangeInfo(db, ctx, exchangeId);
  const row = await versionRow(db, exchangeId, versionId);
  const entries = await entryRows(db, row.id);
  const responses = await db
    .selectFrom('exchange_list_responses')
    .select(['nomination_id', 'response'])
    .where('version_id', '=', row.id)
    .orderBy('id')
    .execute();
  const answered = new Map(responses.map((r) => [r.nomination_id, r.response as ResponseCode]));
  const personOf = (e: (typeof entries)[number]) =>
    e.person_id ??
    ((e.match as MatchOutcome | null)?.kind === 'matched'
      ? (e.match as { personId: string }).personId
      : null);
  const ids = [...new Set(entries.flatMap((e) => personOf(e) ?? []))];
  const names = new Map<string, string>();
  for (let at = 0; at < ids.length; at += 1000) {
    const chunk = ids.slice(at, at + 1000);
    const rows = await db
      .selectFrom('persons')
      .select(['id', 'display_name'])
      .where('org_id', '=', ctx.orgId)
      .where('id', 'in', chunk)
      .execute();
    for (const r of rows) names.set(r.id, r.display_name);
  }
  const views: ListEntryView[] = entries.map((e) => {
    const n = e.nomination as Nomination;
    return {
      ord: e.ord,
      nomination: n,
      key: subjectKey(n.subject),
      personId: e.person_id,
      recordHash: e.record_hash,
      claimedCategory: e.claimed_category,
      flags: e.flags as ImportFlag[],
      match: (e.match as MatchOutcome | null) ?? null,
      eligibility: (e.eligibility as ListEntryView['eligibility']) ?? null,
      duplicateOf: e.duplicate_of,
      response: answered.get(e.nomination_id) ?? null,
      registryName: names.get(personOf(e) ?? '') ?? null,
    };
  });
  const flagCounts = countFlags(views.map((v) => ({ flags: v.flags }) as FlaggedEntry));
  return { ...summaryOf(row, ctx), entries: views, flagCounts };
}

/** The domain list version (entries and all), checked against its stored hash. */
export async function loadDomainListVersion(
  db: Handle,
  ctx: RequestContext,
  exchangeId: string,
  versionId: string,
): Promise<ListVersion> {
  requirePermission(ctx, 'exchange:read');
  const ex = await exchangeInfo(db, ctx, exchangeId);
  return loadDomainList(db, ex, await versionRow(db, exchangeId, versionId));
}

/** What changed from one version to another, person by person (`diffLists`). */
export async function diffListVersions(
  db: Handle,
  ctx: RequestContext,
  exchangeId: string,
  fromId: string,
  toId: string,
): Promise<{ from: ListVersionSummary; to: ListVersionSummary; diff: ListDiff }> {
  requirePermission(ctx, 'exchange:read');
  const ex = await exchangeInfo(db, ctx, exchangeId);
  const a = await versionRow(db, exchangeId, fromId);
  const b = await versionRow(db, exchangeId, toId);
  const diff = diffLists(await loadDomainList(db, ex, a), await loadDomainList(db, ex, b));
  return { from: summaryOf(a, ctx), to: summaryOf(b, ctx), diff };
}

/**
 * Check the chain of one list: versions 1..n, each stored hash recomputed from its entries, each
 * version's parent hash the hash of the one before, every version but the last signed. Returns the
 * hashes, oldest first; throws HASH_MISMATCH naming the first broken version.
 */
export async function verifyStoredListChain(
  db: Handle,
  ctx: RequestContext,
  exchangeId: string,
  kind: ListKindName,
): Promise<string[]> {
  requirePermission(ctx, 'exchange:read');
  const ex = await exchangeInfo(db, ctx, exchangeId);
  const rows = (await db
    .selectFrom('exchange_list_versions')
    .select(VERSION_COLUMNS)
    .where('exchange_id', '=', exchangeId)
    .where('kind', '=', kind)
    .orderBy('version')
    .execute()) as VersionRow[];
  const hashes: string[] = [];
  for (const [i, row] of rows.entries()) {
    if (row.version !== i + 1) throw violation('VERSION_GAP', `version ${i + 1} of ${kind} is missing`);
    const l = await loadDomainList(db, ex, row);
    if (l.parentHash !== (i === 0 ? null : hashes[i - 1]))
      throw violation('HASH_MISMATCH', `version ${row.version} is not chained to its parent`, {
        version: row.version,
      });
    if (i < rows.length - 1 && row.signed_at === null)
      throw violation('STAGE_TRANSITION', `version ${row.version} has a successor but was never signed`);
    hashes.push(listHash(l));
  }
  return hashes;
}

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
      issues: parsed.error.issues.slice(0, 5).map((x) => `${x.path.join('.')}: ${x.message}`),
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

/** Match outcome of one counterpart row from the engine's best candidates. */
export function matchOutcomeOf(found: readonly MatchCandidate[]): MatchOutcome {
  const likely = found.filter((c) => c.band === 'likely');
  const top = likely[0];
  if (!top) return { kind: 'none' };
  const second = likely[1];
  if (second && top.score - second.score < AMBIGUITY_MARGIN)
    return {
      kind: 'ambiguous',
      candidates: likely.slice(0, 5).map((c) => ({ personId: c.id, score: round(c.score) })),
    };
  return {
    kind: 'matched',
    personId: top.id,
    score: round(top.score),
    band: 'likely',
    explanation: explain(top.fields).slice(0, 4000),
  };
}

/** Two "likely" candidates closer than this in probability: the row is ambiguous. */
export const AMBIGUITY_MARGIN = 0.05;
const round = (x: number) => Math.round(x * 10_000) / 10_000;

const RELEASED_SNAPSHOT_COLUMNS = [
  'id',
  'category',
  'sex',
  'birth_date',
  'birth_precision',
  'health',
  'fate_status',
  'exchange_status',
  'citizenships',
] as const;

/**
 * The registry keeps who determined a health flag as free text; a predicate knows the listed
 * determinations only. Any other text is no determination it can count, as before (evaluate
 * treated it as not medical).
 */
function determinationOf(text: string | null | undefined): (typeof Determinations)[number] | null {
  return Determinations.find((d) => d === text) ?? null;
}

/** What the registry says about persons, as predicate snapshots (health included: eligibility needs it). */
async function registrySnapshots(
  db: Handle,
  ctx: RequestContext,
  ids: readonly string[],
): Promise<Map<string, PersonSnapshot>> {
  const out = new Map<string, PersonSnapshot>();
  for (let at = 0; at < ids.length; at += 1000) {
    const chunk = ids.slice(at, at + 1000);
    if (!chunk.length) continue;
    const rows = await db
      .selectFrom('persons')
      .select(RELEASED_SNAPSHOT_COLUMNS)
      .where('org_id', '=', ctx.orgId)
      .where('id', 'in', chunk)
      .execute();
    for (const r of rows)
      out.set(r.id, {
        category: (r.category ?? null) as PersonSnapshot['category'],
        sex: r.sex as PersonSnapshot['sex'],
        birth:
          r.birth_date && r.birth_precision
            ? ({ date: r.birth_date, precision: r.birth_precision } as PersonSnapshot['birth'])
            : null,
        health: Array.isArray(r.health)
          ? r.health.map((h) => ({ flag: h.flag, determination: determinationOf(h.determination) }))
          : null,
        fate: r.fate_status as FateStatus,
        exchange: r.exchange_status as PersonSnapshot['exchange'],
        citizenships: (r.citizenships ?? []) as string[],
      });
  }
  return out;
}

export interface ImportListInput {
  exchangeId: string;
  kind?: ListKindName | undefined;
  /** The file's bytes, or where it is on disk (an XLSX file is then streamed, not read whole). */
  bytes: Uint8Array | { file: string };
  filename: string;
  createdAt?: string | undefined;
}

export interface ImportListResult extends ListVersionSummary {
  flagCounts: Record<ImportFlag, number>;
  /** Candidates new in the review queue (`match_candidates`); 0 unless asked to queue them. */
  queued: number;
  /** Persons in the registry the list was matched against (null when a shared matcher answered). */
  registrySize: number | null;
}

/** SHA-256 (hex) of bytes, or of a file read as a stream. */
async function sha256Of(source: ImportListInput['bytes']): Promise<string> {
  const hash = createHash('sha256');
  if (source instanceof Uint8Array) return hash.update(source).digest('hex');
  for await (const chunk of fs.createReadStream(source.file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * Import a counterpart list file (CSV/XLSX) as a new version of their offer (or request), all or
 * nothing: any bad row rejects the whole file with IMPORT_REJECTED listing every problem by line and
 * column, and nothing is written. Rows are matched against the registry as this transaction sees it.
 */
export async function importCounterpartList(
  ctx: RequestContext,
  tx: Transaction<DB>,
  input: ImportListInput,
  matcher?: RegistryMatcher,
  opts: { queueCandidates?: boolean } = {},
): Promise<ImportListResult> {
  requirePermission(ctx, 'list:write');
  requirePermission(ctx, 'person:read');
  const kind = input.kind ?? 'their_offer';
  if (kind !== 'their_offer' && kind !== 'their_request')
    throw new DomainError(
      ErrorCodes.VALIDATION_FAILED,
      'a counterpart file becomes their_offer or their_request',
    );
  const ex = await exchangeInfo(tx, ctx, input.exchangeId);
  const read = await readCounterpartListFile(input.bytes, input.filename, ex.agreement);
  if (!read.ok)
    throw new DomainError(
      ErrorCodes.IMPORT_REJECTED,
      `the list was not imported: ${read.errors.length} problem(s)`,
      { rows: read.errors },
    );
  const fileSha256 = await sha256Of(input.bytes);
  let registrySize: number | null = null;
  let search: { search(q: MatchRecord, limit: number): MatchCandidate[] };
  if (matcher) search = await matcher.view(tx, ctx);
  else {
    const { index } = await buildRegistryIndex(tx, ctx);
    registrySize = index.size;
    search = index;
  }
  const candidates: NewMatchCandidate[] = [];
  const imported: ImportedEntry[] = read.rows.map((row: CounterpartRow) => {
    const record: CounterpartRecord = { source: { fileSha256, row: row.line }, fields: row.fields };
    const q: MatchRecord = { ...row.match, id: String(row.line) };
    const found = search.search(q, 5);
    // The review queue names the row as `homeward match --list` does: by the file's id, else its line.
    if (opts.queueCandidates)
      candidates.push(
        ...listCandidates({ ...q, id: row.fields.id?.trim() || `line ${row.line}` }, found, fileSha256),
      );
    return {
      record,
      claimedCategory: row.category,
      recordSnapshot: row.snapshot,
      match: matchOutcomeOf(found),
      impossibleDate: row.impossibleDate,
    };
  });
  const matchedIds = [
    ...new Set(imported.flatMap((e) => (e.match.kind === 'matched' ? [e.match.personId] : []))),
  ];
  const snapshots = await registrySnapshots(tx, ctx, matchedIds);
  const flagged = flagImportedList(imported, ex.agreement, (id) => snapshots.get(id));
  const entries = imported.map((e) => ({
    id: `row-${e.record.source.row}`,
    subject: { kind: 'counterpart' as const, record: e.record },
    category: e.claimedCategory ?? bestCategory(ex.agreement, e, snapshots),
  }));
  const summary = await createVersion(
    ctx,
    tx,
    { exchangeId: ex.id, kind, entries, createdAt: input.createdAt },
    { sourceFileSha256: fileSha256, flagged, claimed: imported.map((e) => e.claimedCategory) },
  );
  let queued = 0;
  if (opts.queueCandidates) {
    // Proposing candidates is part of importing the list; deciding them needs match:review.
    queued = await insertMatchCandidates(tx, ctx, candidates);
    await writeAudit(tx, ctx, [
      {
        action: 'match.candidates_recorded',
        entityType: 'registry',
        entityId: null,
        detail: { kind: 'list', source: fileSha256, proposed: candidates.length, added: queued },
      },
    ]);
  }
  return { ...summary, flagCounts: countFlags(flagged), registrySize, queued };
}

/** Flags of registry nominations: already released (fate), ineligible or unknown for the claimed category. */
async function registryFlags(
  db: Handle,
  ctx: RequestContext,
  agreement: Agreement,
  list: ListVersion,
): Promise<StoredFlags> {
  const ids = [
    ...new Set(list.entries.flatMap((e) => (e.subject.kind === 'registry' ? [e.subject.personId] : []))),
  ];
  const snapshots = await registrySnapshots(db, ctx, ids);
  const missing = ids.find((id) => !snapshots.has(id));
  if (missing)
    throw violation('UNKNOWN_REFERENCE', 'a nomination names a person not in this registry', {
      person: missing,
    });
  const evaluations = checkEligibility(list, agreement, (subject) =>
    subject.kind === 'registry' ? snapshots.get(subject.personId) : undefined,
  );
  const flagged: FlaggedEntry[] = list.entries.map((e, i) => {
    const flags: ImportFlag[] = [];
    const snap = e.subject.kind === 'registry' ? snapshots.get(e.subject.personId) : undefined;
    if (snap?.fate && ReleasedFates.includes(snap.fate)) flags.push('already_released');
    const evaluation = evaluations[i]!.evaluation;
    if (evaluation.value === 'false') flags.push('ineligible_for_category');
    if (evaluation.value === 'unknown') flags.push('eligibility_unknown');
    return {
      recordHash: '',
      row: i,
      flags,
      match: { kind: 'none' },
      eligibility: evaluation,
      duplicateOf: null,
    };
  });
  return { sourceFileSha256: null, flagged, claimed: list.entries.map((e) => e.category), noMatch: true };
}

/** Without a stated category: the first the person fits, else the first that may fit, else the first. */
function bestCategory(a: Agreement, e: ImportedEntry, snapshots: Map<string, PersonSnapshot>): string {
  const s = (e.match.kind === 'matched' ? snapshots.get(e.match.personId) : undefined) ?? e.recordSnapshot;
  const rs = a.categories.map((c) => ({ id: c.id, v: evaluate(c.predicate, s).value }));
  return (rs.find((r) => r.v === 'true') ?? rs.find((r) => r.v === 'unknown') ?? rs[0]!).id;
}
