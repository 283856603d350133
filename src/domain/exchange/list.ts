import { z } from 'zod';
import type { Agreement, AgreementBody } from './agreement.ts';
import { findCategory, partyIds } from './agreement.ts';
import {
  contentHash,
  deepFreeze,
  HashHexSchema,
  IdSchema,
  InstantSchema,
  parseWith,
  type Signature,
  SignatureSchema,
} from './common.ts';
import { violation } from './errors.ts';
import { type Evaluation, evaluate, type PersonSnapshot } from './predicate.ts';

/**
 * A counterpart's record exactly as received (a row of their CSV/XLSX or an entry of their package),
 * with the hash of the file it came from. Invariant 6: it is never edited; matching links it to a
 * registry person from outside, and any change would change its hash.
 */
export const CounterpartRecordSchema = z.object({
  source: z.object({ fileSha256: HashHexSchema, row: z.number().int().nonnegative() }),
  /** Column → cell text, verbatim (no trimming, no case folding). */
  fields: z.record(z.string().max(200), z.string().max(2000)),
});
export type CounterpartRecord = z.infer<typeof CounterpartRecordSchema>;

export function counterpartRecordHash(r: CounterpartRecord): string {
  return contentHash({ t: 'homeward/counterpart-record/v1', ...r });
}

/** Whom a nomination names: a registry person, or the counterpart's record kept verbatim. */
export const NominationSubjectSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('registry'), personId: IdSchema }),
  z.object({ kind: z.literal('counterpart'), record: CounterpartRecordSchema }),
]);
export type NominationSubject = z.infer<typeof NominationSubjectSchema>;

/** The key a person is known by across lists, manifests and handovers. */
export function subjectKey(s: NominationSubject): string {
  return s.kind === 'registry' ? `person:${s.personId}` : `record:${counterpartRecordHash(s.record)}`;
}

export const NominationSchema = z.object({
  id: IdSchema,
  subject: NominationSubjectSchema,
  /** The agreement category claimed for this person. */
  category: IdSchema,
  /** Content hashes of the evidence for the category claim (e.g. a medical commission's finding). */
  evidence: z.array(HashHexSchema).max(20).default([]),
  /** A reserve entry, used only to substitute an entry that cannot go. */
  reserve: z.boolean().default(false),
  /** The nomination this one replaces (substitution chain across list versions). */
  substitutionOf: IdSchema.nullable().default(null),
});
export type Nomination = z.output<typeof NominationSchema>;

/**
 * Request: people the owner wants to receive. Offer: people the owner will release. "Our request",
 * "their offer" and so on are the same documents seen from one node (see `listRole`).
 */
export const ListKinds = ['request', 'offer'] as const;
export type ListKind = (typeof ListKinds)[number];

export const ListVersionBodySchema = z.object({
  listId: IdSchema,
  agreementId: IdSchema,
  kind: z.enum(ListKinds),
  owner: IdSchema,
  version: z.number().int().positive(),
  /** Hash of the previous version (null for version 1). */
  parentHash: HashHexSchema.nullable(),
  createdAt: InstantSchema,
  entries: z.array(NominationSchema).max(20_000),
});
export const ListVersionSchema = ListVersionBodySchema.extend({ signatures: z.array(SignatureSchema) });
export type ListVersion = z.output<typeof ListVersionSchema>;
export type ListVersionInput = z.input<typeof ListVersionSchema>;

export function listBody(l: ListVersion) {
  const { signatures: _, ...body } = l;
  return body;
}

export function listHash(l: ListVersion): string {
  return contentHash({ t: 'homeward/list-version/v1', ...listBody(l) });
}

export function isListSigned(l: ListVersion): boolean {
  const h = listHash(l);
  return l.signatures.some((s) => s.signer === l.owner && s.role === 'party' && s.contentHash === h);
}

/** The receiving party of every entry of a list. */
export function listDirection(l: Pick<ListVersion, 'kind' | 'owner'>, a: AgreementBody): string {
  const [x, y] = partyIds(a);
  const other = l.owner === x ? y : x;
  return l.kind === 'request' ? l.owner : other;
}

export type ListRole = 'our_request' | 'our_offer' | 'their_request' | 'their_offer';
export function listRole(l: Pick<ListVersion, 'kind' | 'owner'>, viewer: string): ListRole {
  return `${l.owner === viewer ? 'our' : 'their'}_${l.kind}` as ListRole;
}

function checkEntries(l: ListVersion, a: AgreementBody): void {
  if (!a.parties.some((p) => p.id === l.owner))
    throw violation('UNKNOWN_REFERENCE', 'the list owner is not a party to the agreement');
  const ids = new Set<string>();
  const people = new Map<string, string>();
  for (const e of l.entries) {
    if (ids.has(e.id)) throw violation('DUPLICATE_ID', 'nomination ids must be unique', { nomination: e.id });
    ids.add(e.id);
    if (!findCategory(a, e.category))
      throw violation('UNKNOWN_REFERENCE', 'nomination names a category the agreement does not have', {
        nomination: e.id,
      });
    const key = subjectKey(e.subject);
    const first = people.get(key);
    // Invariant 1 (second half): a person sits on at most one open nomination of a list.
    if (first)
      throw violation('DUPLICATE_PERSON', 'the same person is nominated twice in one list version', {
        nomination: e.id,
        first,
      });
    people.set(key, e.id);
  }
}

/** Validate a first version (draft). */
export function draftList(input: Omit<ListVersionInput, 'signatures'>, agreement: Agreement): ListVersion {
  const l = parseWith(ListVersionSchema, { ...input, signatures: [] }, 'list version');
  if (l.agreementId !== agreement.id)
    throw violation('UNKNOWN_REFERENCE', 'the list belongs to another agreement');
  if (l.version === 1 && l.parentHash !== null) throw violation('HASH_MISMATCH', 'version 1 has no parent');
  checkEntries(l, agreement);
  return l;
}

/** Replace a draft's entries; refused once the version is signed. */
export function editListDraft(l: ListVersion, entries: ListVersionInput['entries'], agreement: Agreement) {
  if (l.signatures.length) throw violation('SIGNED_IMMUTABLE', 'a signed list version never changes');
  return draftList({ ...listBody(l), entries }, agreement);
}

/** The next version, chained to a signed parent by its hash; the parent is untouched. */
export function nextListVersion(
  parent: ListVersion,
  entries: ListVersionInput['entries'],
  createdAt: string,
  agreement: Agreement,
): ListVersion {
  if (!isListSigned(parent)) throw violation('STAGE_TRANSITION', 'only a signed version has a successor');
  const l = parseWith(
    ListVersionSchema,
    {
      ...listBody(parent),
      version: parent.version + 1,
      parentHash: listHash(parent),
      createdAt,
      entries,
      signatures: [],
    },
    'list version',
  );
  checkEntries(l, agreement);
  return l;
}

/** The owner's coordinator signs the version; the result is frozen. */
export function signList(l: ListVersion, sig: Signature): ListVersion {
  const s = parseWith(SignatureSchema, sig, 'signature');
  const h = listHash(l);
  if (s.contentHash !== h) throw violation('HASH_MISMATCH', 'the signature covers another list version');
  if (s.signer !== l.owner || s.role !== 'party')
    throw violation('NOT_A_SIGNER', 'a list version is signed by the party that owns it');
  if (isListSigned(l)) throw violation('SIGNED_IMMUTABLE', 'this list version is already signed');
  return deepFreeze({ ...l, signatures: [...l.signatures, s] });
}

/**
 * Check a list's history: versions 1..n of one list, each chained to its parent's hash, every
 * version but possibly the last signed. Returns the hashes, oldest first.
 */
export function verifyListChain(versions: readonly ListVersion[]): string[] {
  const hashes: string[] = [];
  versions.forEach((v, i) => {
    if (v.version !== i + 1 || v.listId !== versions[0]!.listId)
      throw violation('VERSION_GAP', 'list versions must be 1..n of one list');
    const expected = i === 0 ? null : hashes[i - 1]!;
    if (v.parentHash !== expected)
      throw violation('HASH_MISMATCH', `version ${v.version} is not chained to its parent`, {
        version: v.version,
      });
    for (const s of v.signatures)
      if (s.contentHash !== listHash(v))
        throw violation('HASH_MISMATCH', `version ${v.version} changed after it was signed`, {
          version: v.version,
        });
    if (i < versions.length - 1 && !isListSigned(v))
      throw violation('STAGE_TRANSITION', `version ${v.version} has a successor but was never signed`);
    hashes.push(listHash(v));
  });
  return hashes;
}

/** The counterpart's answer per entry. */
export const ResponseCodes = [
  'accepted',
  'rejected',
  'not_held',
  'already_released',
  'deceased',
  'refuses',
  'unknown',
] as const;
export type ResponseCode = (typeof ResponseCodes)[number];

/** Responses are their own signed document over a list version's hash; the list never changes. */
export const ListResponseSchema = z.object({
  listHash: HashHexSchema,
  responder: IdSchema,
  respondedAt: InstantSchema,
  entries: z.array(
    z.object({
      nominationId: IdSchema,
      response: z.enum(ResponseCodes),
      note: z.string().max(1000).nullable(),
    }),
  ),
});
export type ListResponse = z.infer<typeof ListResponseSchema>;

export function respondToList(l: ListVersion, response: ListResponse): ListResponse {
  const r = parseWith(ListResponseSchema, response, 'list response');
  if (!isListSigned(l)) throw violation('STAGE_TRANSITION', 'only a signed list version is answered');
  if (r.listHash !== listHash(l))
    throw violation('HASH_MISMATCH', 'the response answers another list version');
  if (r.responder === l.owner) throw violation('NOT_A_SIGNER', 'a party does not answer its own list');
  const ids = new Set(l.entries.map((e) => e.id));
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
  return deepFreeze(r);
}

/** Response per nomination id ("unknown" where the counterpart said nothing). */
export function responsesById(l: ListVersion, responses: readonly ListResponse[]): Map<string, ResponseCode> {
  const h = listHash(l);
  const out = new Map<string, ResponseCode>(l.entries.map((e) => [e.id, 'unknown']));
  for (const r of responses)
    if (r.listHash === h) for (const e of r.entries) out.set(e.nominationId, e.response);
  return out;
}

export interface ListDiff {
  added: Nomination[];
  removed: Nomination[];
  changed: { key: string; before: Nomination; after: Nomination; fields: string[] }[];
  unchanged: number;
}

/** What changed between two versions, person by person (by subject key, not by nomination id). */
export function diffLists(before: ListVersion, after: ListVersion): ListDiff {
  const index = (l: ListVersion) => new Map(l.entries.map((e) => [subjectKey(e.subject), e]));
  const a = index(before);
  const b = index(after);
  const out: ListDiff = { added: [], removed: [], changed: [], unchanged: 0 };
  for (const [k, e] of b) if (!a.has(k)) out.added.push(e);
  for (const [k, e] of a) {
    const n = b.get(k);
    if (!n) {
      out.removed.push(e);
      continue;
    }
    const fields = (['id', 'category', 'evidence', 'reserve', 'substitutionOf'] as const).filter(
      (f) => contentHash(e[f] ?? null) !== contentHash(n[f] ?? null),
    );
    if (fields.length) out.changed.push({ key: k, before: e, after: n, fields });
    else out.unchanged++;
  }
  return out;
}

export interface EntryEligibility {
  nominationId: string;
  category: string;
  evaluation: Evaluation;
}

/**
 * Each entry's claimed category checked against the agreement's predicate, on the snapshot the caller
 * supplies (from the registry for registry persons, parsed from the record for counterpart rows).
 */
export function checkEligibility(
  l: ListVersion,
  agreement: AgreementBody,
  snapshotOf: (subject: NominationSubject) => PersonSnapshot | undefined,
): EntryEligibility[] {
  return l.entries.map((e) => {
    const cat = findCategory(agreement, e.category);
    const evaluation: Evaluation = cat
      ? evaluate(cat.predicate, snapshotOf(e.subject) ?? {})
      : { value: 'false', reason: 'category not in the agreement' };
    return { nominationId: e.id, category: e.category, evaluation };
  });
}

/**
 * Invariant 1, second half, across lists: persons nominated in more than one of the current list
 * versions of an agreement going the same way from the same owner, or nominated to go both ways.
 * (Our request naming someone their offer also names is not a conflict: that is agreement.)
 */
export function nominationConflicts(
  current: readonly ListVersion[],
  agreement: AgreementBody,
): { key: string; lists: string[] }[] {
  const seen = new Map<string, { owner: string; direction: string; listId: string }[]>();
  for (const l of current) {
    const direction = listDirection(l, agreement);
    for (const e of l.entries) {
      const k = subjectKey(e.subject);
      seen.set(k, [...(seen.get(k) ?? []), { owner: l.owner, direction, listId: l.listId }]);
    }
  }
  const out: { key: string; lists: string[] }[] = [];
  for (const [key, xs] of seen) {
    const clash = xs.some((x, i) =>
      xs.some(
        (y, j) => j > i && (x.direction !== y.direction || (x.owner === y.owner && x.listId !== y.listId)),
      ),
    );
    if (clash) out.push({ key, lists: [...new Set(xs.map((x) => x.listId))].sort() });
  }
  return out.sort((a, b) => a.key.localeCompare(b.key));
}
