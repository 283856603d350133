import { randomUUID } from 'node:crypto';
import type { Transaction } from 'kysely';
import { type AuditEntry, writeAudit } from '../../db/audit.ts';
import { findByRefs, insertPersons, loadPersons, type NewPerson, updatePersonRow } from '../../db/persons.ts';
import type { DB } from '../../db/schema.ts';
import { type RequestContext, requirePermission } from '../../domain/access.ts';
import { type PersonInputParsed, PersonInputSchema } from '../../domain/person.ts';
import { formatPartialDate, type PartialDate } from '../../domain/plain-date.ts';
import type { PersonImportRow } from '../../io/person-rows.ts';
import { logImport } from '../ledger/ledger.ts';

/** The external-reference system an import file's `id` column belongs to. */
export { DEFAULT_REF_SYSTEM } from '../../io/ref-system.ts';

import { DEFAULT_REF_SYSTEM } from '../../io/ref-system.ts';
import { nameKey } from '../../matching/keys.ts';

const CHUNK = 2000;

export interface ImportOptions {
  /** SHA-256 of the file, hex: recorded as the source of every name it brings. */
  fileSha256: string;
  refSystem?: string | undefined;
  onProgress?: ((done: number, total: number) => void) | undefined;
}

export interface ImportSummary {
  total: number;
  created: number;
  updated: number;
  unchanged: number;
}

const sameName = (a: PersonInputParsed['names'][number], b: PersonInputParsed['names'][number]) =>
  a.family === b.family &&
  (a.given ?? null) === (b.given ?? null) &&
  (a.patronymic ?? null) === (b.patronymic ?? null);

const sameBirth = (a: PartialDate, b: PartialDate) =>
  a.precision === b.precision && formatPartialDate(a) === formatPartialDate(b);

/**
 * Merge a row into an existing person: new spellings are added (names are stored as received and
 * never dropped), and fields the row fills in replace what was there. Returns undefined when the
 * row brings nothing new, which makes a re-run of the same file a no-op.
 */
export function mergeImportedRow(
  existing: PersonInputParsed,
  row: PersonInputParsed,
): PersonInputParsed | undefined {
  const merged: PersonInputParsed = structuredClone(existing);
  let changed = false;
  for (const n of row.names) {
    if (!merged.names.some((m) => sameName(m, n))) {
      merged.names.push(n);
      changed = true;
    }
  }
  const set = <K extends keyof PersonInputParsed>(k: K, v: PersonInputParsed[K] | null | undefined) => {
    if (v == null) return;
    if (JSON.stringify(merged[k] ?? null) !== JSON.stringify(v)) {
      merged[k] = v;
      changed = true;
    }
  };
  // An export writes a birth date to its precision only: 1990-06 is the 1990-06-15 (month) it came from.
  if (!(row.birth && merged.birth && sameBirth(merged.birth, row.birth))) set('birth', row.birth);
  set('birthPlace', row.birthPlace);
  set('category', row.category);
  if (row.sex !== 'unknown') set('sex', row.sex);
  if (row.military?.unit || row.military?.serviceNumber) {
    set('military', {
      ...(merged.military ?? {}),
      ...(row.military.unit ? { unit: row.military.unit } : {}),
      ...(row.military.serviceNumber ? { serviceNumber: row.military.serviceNumber } : {}),
    });
  }
  return changed ? merged : undefined;
}

/**
 * Import validated rows, all or nothing: the caller runs this in one transaction, so any failure
 * leaves the registry as it was. The `id` column is the key: re-running a file changes nothing.
 */
export async function importPersons(
  ctx: RequestContext,
  tx: Transaction<DB>,
  rows: readonly PersonImportRow[],
  opts: ImportOptions,
): Promise<ImportSummary> {
  requirePermission(ctx, 'registry:import');
  const summary: ImportSummary = { total: rows.length, created: 0, updated: 0, unchanged: 0 };
  for (let i = 0; i < rows.length; i += CHUNK) {
    const counts = await importPersonChunk(ctx, tx, rows.slice(i, i + CHUNK), opts);
    summary.created += counts.created;
    summary.updated += counts.updated;
    summary.unchanged += counts.unchanged;
    opts.onProgress?.(Math.min(i + CHUNK, rows.length), rows.length);
  }
  await finishPersonImport(ctx, tx, opts, summary);
  return summary;
}

/**
 * Writes one chunk of validated rows (created, merged or left unchanged, each audited) and returns
 * the counts. An import job calls it in its own short transactions; `importPersons` in one.
 */
export async function importPersonChunk(
  ctx: RequestContext,
  tx: Transaction<DB>,
  chunk: readonly PersonImportRow[],
  opts: Pick<ImportOptions, 'fileSha256' | 'refSystem'>,
): Promise<Omit<ImportSummary, 'total'>> {
  requirePermission(ctx, 'registry:import');
  const system = opts.refSystem ?? DEFAULT_REF_SYSTEM;
  const source = `file sha256:${opts.fileSha256}`;
  const summary = { created: 0, updated: 0, unchanged: 0 };
  const existing = await findByRefs(
    tx,
    ctx,
    system,
    chunk.map((r) => r.externalRef),
  );
  // `hw:<id>` is how an export names a person without a reference: it points at that person.
  const internal = chunk
    .map((r) => r.externalRef)
    .filter((ref) => ref.startsWith('hw:') && !existing.has(ref));
  if (internal.length > 0) {
    for (const p of await loadPersons(
      tx,
      ctx,
      internal.map((ref) => ref.slice(3)),
    ))
      existing.set(`hw:${p.id}`, p.id);
  }
  const created: NewPerson[] = [];
  const audit: AuditEntry[] = [];
  const toMerge: { personId: string; input: PersonInputParsed }[] = [];
  for (const row of chunk) {
    const input = PersonInputSchema.parse({
      ...row.input,
      names: row.input.names.map((n) => ({ ...n, source })),
    });
    const personId = existing.get(row.externalRef);
    if (personId) {
      toMerge.push({ personId, input });
    } else {
      const id = randomUUID();
      created.push({
        id,
        input: { ...input, externalRefs: [{ system, value: row.externalRef }] },
        events: [],
      });
      audit.push({
        action: 'person.created',
        entityType: 'person',
        entityId: id,
        detail: { via: 'import', source },
      });
    }
  }
  await insertPersons(tx, ctx, created, nameKey);
  summary.created += created.length;
  if (toMerge.length > 0) {
    const records = new Map(
      (
        await loadPersons(
          tx,
          ctx,
          toMerge.map((m) => m.personId),
        )
      ).map((r) => [r.id, r]),
    );
    for (const m of toMerge) {
      const r = records.get(m.personId)!;
      const current = PersonInputSchema.parse({
        names: r.names,
        sex: r.sex,
        birth: r.birth,
        birthPlace: r.birthPlace,
        citizenships: r.citizenships,
        category: r.category,
        military: r.military,
        externalRefs: r.externalRefs,
      });
      const merged = mergeImportedRow(current, m.input);
      if (!merged) {
        summary.unchanged += 1;
        continue;
      }
      // Restricted fields are not in import files; an empty writable set keeps them untouched.
      await updatePersonRow(tx, ctx, m.personId, merged, new Set(), nameKey);
      summary.updated += 1;
      audit.push({
        action: 'person.updated',
        entityType: 'person',
        entityId: m.personId,
        detail: { via: 'import', source },
      });
    }
  }
  await writeAudit(tx, ctx, audit);
  return summary;
}

/** The file's hash to the transparency log and the import to the audit trail: the import is on record. */
export async function finishPersonImport(
  ctx: RequestContext,
  tx: Transaction<DB>,
  opts: Pick<ImportOptions, 'fileSha256'>,
  summary: ImportSummary,
): Promise<void> {
  const source = `file sha256:${opts.fileSha256}`;
  await logImport(tx, opts.fileSha256);
  await writeAudit(tx, ctx, [
    { action: 'registry.imported', entityType: 'registry', entityId: null, detail: { source, ...summary } },
  ]);
}
