import { createHash } from 'node:crypto';
import fs from 'node:fs';
import type { Transaction } from 'kysely';
import { writeAudit } from '../../db/audit.ts';
import { insertMatchCandidates, type NewMatchCandidate } from '../../db/match-candidates.ts';
import type { DB } from '../../db/schema.ts';
import { type RequestContext, requirePermission } from '../../domain/access.ts';
import { DomainError, ErrorCodes } from '../../domain/errors.ts';
import {
  countFlags,
  flagImportedList,
  type ImportedEntry,
  type ImportFlag,
} from '../../domain/exchange/counterpart.ts';
import type { CounterpartRecord } from '../../domain/exchange/list.ts';
import { type CounterpartRow, readCounterpartListFile } from '../../io/counterpart-list-file.ts';
import type { MatchCandidate, MatchRecord } from '../../matching/engine.ts';
import { listCandidates } from '../matching/match-review.ts';
import { buildRegistryIndex, type RegistryMatcher } from '../matching/registry-matcher.ts';
import { createVersion } from './create-list-version.ts';
import { bestCategory, matchOutcomeOf, registrySnapshots } from './list-matching.ts';
import { exchangeInfo, type ListKindName, type ListVersionSummary } from './list-rows.ts';

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
