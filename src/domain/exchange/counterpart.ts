import { z } from 'zod';
import { MatchBands } from '../match.ts';
import type { FateStatus } from '../status.ts';
import { type AgreementBody, findCategory } from './agreement.ts';
import { IdSchema } from './common.ts';
import { type CounterpartRecord, counterpartRecordHash } from './list.ts';
import { type Evaluation, evaluate, type PersonSnapshot } from './predicate.ts';

/**
 * Flags on the entries of a counterpart list imported from CSV/XLSX (the counterpart does not run
 * Homeward). Matching itself is src/matching's job; its result comes in as data. Nothing here edits
 * a record (invariant 6): flags are computed beside it.
 */
export const MatchOutcomeSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('matched'),
    personId: IdSchema,
    score: z.number().min(0).max(1),
    band: z.enum(MatchBands),
    explanation: z.string().max(4000),
  }),
  z.object({
    kind: z.literal('ambiguous'),
    candidates: z.array(z.object({ personId: IdSchema, score: z.number().min(0).max(1) })).min(2),
  }),
  z.object({ kind: z.literal('none') }),
]);
export type MatchOutcome = z.infer<typeof MatchOutcomeSchema>;

export const ImportFlags = [
  'matched',
  'ambiguous',
  'unknown',
  'already_released',
  'ineligible_for_category',
  'eligibility_unknown',
  'duplicate_within_list',
  /** The record's birth date has the form of a date but is not a real one (1938-11-31); kept as written. */
  'impossible_date',
] as const;
export type ImportFlag = (typeof ImportFlags)[number];

/** How many entries carry each flag: an object with every flag (OpenAPI tools see each property). */
export const FlagCountsSchema = z.object(
  Object.fromEntries(ImportFlags.map((f) => [f, z.number().int()])) as Record<ImportFlag, z.ZodNumber>,
);

export interface ImportedEntry {
  record: CounterpartRecord;
  /** The agreement category the counterpart put this person in (null: not stated). */
  claimedCategory: string | null;
  /** What the record itself says (birth date, category), parsed by the importer. */
  recordSnapshot: PersonSnapshot;
  match: MatchOutcome;
  /** The record's birth date is impossible as written (read as far as it is real). */
  impossibleDate?: boolean;
}

export interface FlaggedEntry {
  recordHash: string;
  row: number;
  flags: ImportFlag[];
  match: MatchOutcome;
  /** Category check on the registry snapshot when matched, else on the record's own data. */
  eligibility: Evaluation | null;
  /** Row of the first entry naming the same person. */
  duplicateOf: number | null;
}

/** Fate statuses meaning "no longer held": a nomination for such a person is "already released". */
export const ReleasedFates: readonly FateStatus[] = [
  'released_in_exchange',
  'released_outside_exchange',
  'released_unilaterally',
  'interned_neutral_country',
  'returned_in_care',
  'reunited',
];

/** Same person within a list: same matched registry person, or the same cells up to spacing and case. */
function duplicateKey(e: ImportedEntry): string[] {
  const cells = Object.keys(e.record.fields)
    .sort()
    .map(
      (k) => `${k}=${(e.record.fields[k] ?? '').normalize('NFC').trim().replace(/\s+/g, ' ').toLowerCase()}`,
    )
    .join('\u0000');
  return e.match.kind === 'matched' ? [`person:${e.match.personId}`, `cells:${cells}`] : [`cells:${cells}`];
}

export function flagImportedList(
  entries: readonly ImportedEntry[],
  agreement: AgreementBody,
  registrySnapshot: (personId: string) => PersonSnapshot | undefined,
): FlaggedEntry[] {
  const firstRow = new Map<string, number>();
  return entries.map((e) => {
    const flags: ImportFlag[] = [];
    const m = e.match;
    flags.push(m.kind === 'matched' ? 'matched' : m.kind === 'ambiguous' ? 'ambiguous' : 'unknown');
    const registry = m.kind === 'matched' ? registrySnapshot(m.personId) : undefined;
    if (registry?.fate && ReleasedFates.includes(registry.fate)) flags.push('already_released');
    let eligibility: Evaluation | null = null;
    const snapshot = registry ?? e.recordSnapshot;
    if (e.claimedCategory !== null) {
      const cat = findCategory(agreement, e.claimedCategory);
      eligibility = cat
        ? evaluate(cat.predicate, snapshot)
        : { value: 'false', reason: 'category not in the agreement' };
    } else {
      // No category stated: eligible if any category of the agreement fits.
      const rs = agreement.categories.map((c) => evaluate(c.predicate, snapshot));
      eligibility = rs.find((r) => r.value === 'true') ??
        rs.find((r) => r.value === 'unknown') ?? {
          value: 'false',
          reason: 'fits no category of the agreement',
        };
    }
    if (eligibility.value === 'false') flags.push('ineligible_for_category');
    if (eligibility.value === 'unknown') flags.push('eligibility_unknown');
    let duplicateOf: number | null = null;
    for (const k of duplicateKey(e)) {
      const first = firstRow.get(k);
      if (first !== undefined && duplicateOf === null) duplicateOf = first;
      if (first === undefined) firstRow.set(k, e.record.source.row);
    }
    if (duplicateOf !== null) flags.push('duplicate_within_list');
    if (e.impossibleDate) flags.push('impossible_date');
    return {
      recordHash: counterpartRecordHash(e.record),
      row: e.record.source.row,
      flags,
      match: m,
      eligibility,
      duplicateOf,
    };
  });
}

/** How many entries carry each flag (for the dispute dossier and the list screen). */
export function countFlags(flagged: readonly FlaggedEntry[]): Record<ImportFlag, number> {
  const out = Object.fromEntries(ImportFlags.map((f) => [f, 0])) as Record<ImportFlag, number>;
  for (const e of flagged) for (const f of e.flags) out[f]++;
  return out;
}
