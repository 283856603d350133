import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PlainDate } from '../plain-date.ts';
import { contentHash, deepFreeze } from './common.ts';
import { countFlags, flagImportedList, type ImportedEntry } from './counterpart.ts';
import { violationOf } from './errors.ts';
import {
  type CounterpartRecord,
  checkEligibility,
  counterpartRecordHash,
  diffLists,
  draftList,
  editListDraft,
  type ListVersion,
  listBody as listBodyOf,
  listDirection,
  listHash,
  listRole,
  nextListVersion,
  nominationConflicts,
  respondToList,
  responsesById,
  signList,
  subjectKey,
  verifyListChain,
} from './list.ts';
import type { PersonSnapshot } from './predicate.ts';
import { A, B, categoryAgreement, numericAgreement, sign, signedByAll } from './testing.ts';

const codeOf = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return violationOf(e);
  }
  return undefined;
};
const FILE = contentHash('synthetic counterpart file');
const agreement = numericAgreement(1000);
const reg = (id: string, category = 'military') => ({
  id: `n-${id}`,
  subject: { kind: 'registry' as const, personId: id },
  category,
});

function v1(): ListVersion {
  return draftList(
    {
      listId: 'a-request',
      agreementId: agreement.id,
      kind: 'request',
      owner: A,
      version: 1,
      parentHash: null,
      createdAt: '2025-05-17T10:00:00.000Z',
      entries: [reg('p1'), reg('p2'), reg('p3', 'civilian')],
    },
    agreement,
  );
}

describe('list versions', () => {
  it('are immutable once signed and chained to their parent by hash', () => {
    const one = signList(v1(), sign(A, 'party', listHash(v1())));
    expect(Object.isFrozen(one.entries[0])).toBe(true);
    expect(codeOf(() => editListDraft(one, [], agreement))).toBe('SIGNED_IMMUTABLE');
    expect(codeOf(() => signList(one, sign(A, 'party', listHash(one))))).toBe('SIGNED_IMMUTABLE');
    const two = nextListVersion(
      one,
      [reg('p1'), reg('p3'), reg('p4')],
      '2025-05-18T10:00:00.000Z',
      agreement,
    );
    expect(two.parentHash).toBe(listHash(one));
    const twoSigned = signList(two, sign(A, 'party', listHash(two)));
    expect(verifyListChain([one, twoSigned])).toEqual([listHash(one), listHash(twoSigned)]);
    // Any change to a signed version breaks the chain and its signature.
    const tampered = { ...one, entries: one.entries.slice(1) };
    expect(codeOf(() => verifyListChain([tampered, twoSigned]))).toBe('HASH_MISMATCH');
  });

  it('are signed by their owner only, and refuse one person twice', () => {
    expect(codeOf(() => signList(v1(), sign(B, 'party', listHash(v1()))))).toBe('NOT_A_SIGNER');
    expect(codeOf(() => editListDraft(v1(), [reg('p1'), { ...reg('p1'), id: 'n-again' }], agreement))).toBe(
      'DUPLICATE_PERSON',
    );
    expect(
      codeOf(() => editListDraft(v1(), [reg('p1'), { ...reg('p2'), id: reg('p1').id }], agreement)),
    ).toBe('DUPLICATE_ID');
    expect(codeOf(() => editListDraft(v1(), [reg('p1', 'no-such-category')], agreement))).toBe(
      'UNKNOWN_REFERENCE',
    );
  });

  it('say whose list it is from either node, and which way its people go', () => {
    expect([listRole(v1(), A), listRole(v1(), B)]).toEqual(['our_request', 'their_request']);
    expect(listDirection(v1(), agreement)).toBe(A);
    expect(listDirection({ kind: 'offer', owner: A }, agreement)).toBe(B);
  });

  it('finds a person nominated twice across current lists', () => {
    const offer = draftList(
      { ...listBodyOf(v1()), listId: 'a-offer', kind: 'offer', entries: [reg('p1'), reg('p9')] },
      agreement,
    );
    const theirOffer = draftList(
      { ...listBodyOf(v1()), listId: 'b-offer', kind: 'offer', owner: B, entries: [reg('p2')] },
      agreement,
    );
    // p1 asked for (to A) and offered (to B) by A: a conflict; p2 requested by A and offered by B: agreement.
    expect(nominationConflicts([v1(), offer, theirOffer], agreement)).toEqual([
      { key: 'person:p1', lists: ['a-offer', 'a-request'] },
    ]);
  });

  it('diff person by person', () => {
    const one = signList(v1(), sign(A, 'party', listHash(v1())));
    const two = nextListVersion(
      one,
      [reg('p1'), reg('p3'), reg('p4')],
      '2025-05-18T10:00:00.000Z',
      agreement,
    );
    const d = diffLists(one, two);
    expect(d.added.map((e) => e.id)).toEqual(['n-p4']);
    expect(d.removed.map((e) => e.id)).toEqual(['n-p2']);
    expect(d.changed.map((c) => [c.key, c.fields])).toEqual([['person:p3', ['category']]]);
    expect(d.unchanged).toBe(1);
  });

  it('take responses as their own document over the signed version', () => {
    const one = signList(v1(), sign(A, 'party', listHash(v1())));
    const r = respondToList(one, {
      listHash: listHash(one),
      responder: B,
      respondedAt: '2025-05-19T10:00:00.000Z',
      entries: [
        { nominationId: 'n-p1', response: 'accepted', note: null },
        { nominationId: 'n-p2', response: 'already_released', note: null },
      ],
    });
    expect([...responsesById(one, [r]).values()]).toEqual(['accepted', 'already_released', 'unknown']);
    expect(codeOf(() => respondToList(v1(), r))).toBe('STAGE_TRANSITION');
    expect(codeOf(() => respondToList(one, { ...r, responder: A }))).toBe('NOT_A_SIGNER');
    expect(
      codeOf(() =>
        respondToList(one, { ...r, entries: [{ nominationId: 'n-x', response: 'rejected', note: null }] }),
      ),
    ).toBe('UNKNOWN_REFERENCE');
    const twice = { nominationId: 'n-p1', response: 'accepted' as const, note: null };
    expect(codeOf(() => respondToList(one, { ...r, entries: [twice, twice] }))).toBe('DUPLICATE_RESPONSE');
  });
});

/**
 * The June 2025 dispute: the counterpart hands over 640 names for an "all for all" of the seriously
 * wounded and of soldiers aged 18–25; some are outside the categories, some were already released.
 */
describe('a counterpart list of 640 under a category agreement', () => {
  const june = signedByAll(categoryAgreement());
  const registry = new Map<string, PersonSnapshot>();
  const rows: ImportedEntry[] = [];
  const add = (
    fields: Record<string, string>,
    claimed: string,
    snap: PersonSnapshot,
    match: ImportedEntry['match'],
  ) =>
    rows.push({
      record: { source: { fileSha256: FILE, row: rows.length + 2 }, fields },
      claimedCategory: claimed,
      recordSnapshot: snap,
      match,
    });
  const matched = (personId: string, snap: PersonSnapshot): ImportedEntry['match'] => {
    registry.set(personId, snap);
    return {
      kind: 'matched',
      personId,
      score: 0.97,
      band: 'likely',
      explanation: 'family name, given name, birth date agree',
    };
  };
  for (let i = 0; i < 640; i++) {
    const fields = { surname: `Surname-${i}`, given: `Given-${i}`, birth: '', claimed: 'young' };
    if (i < 400) {
      // Eligible: servicemembers born 2001–2004, full birth dates.
      const birth = `${2001 + (i % 4)}-0${1 + (i % 9)}-1${i % 10}`;
      const snap: PersonSnapshot = {
        category: 'servicemember',
        birth: { date: birth as PlainDate, precision: 'day' },
        fate: 'in_custody_confirmed',
      };
      add({ ...fields, birth }, 'young', snap, matched(`r${i}`, snap));
    } else if (i < 480) {
      // Ineligible: aged 30-something on 2025-06-02, not wounded.
      const birth = `199${i % 5}-03-03`;
      const snap: PersonSnapshot = {
        category: 'servicemember',
        birth: { date: birth as PlainDate, precision: 'day' },
        health: [],
        fate: 'in_custody_confirmed',
      };
      add({ ...fields, birth }, 'young', snap, matched(`r${i}`, snap));
    } else if (i < 530) {
      // Already released in an earlier exchange.
      const birth = '2002-02-02';
      const snap: PersonSnapshot = {
        category: 'servicemember',
        birth: { date: birth as PlainDate, precision: 'day' },
        fate: 'released_in_exchange',
      };
      add({ ...fields, birth }, 'young', snap, matched(`r${i}`, snap));
    } else if (i < 570) {
      // Birth year only, and 1999 straddles the upper bound: eligibility unknown.
      add(
        { ...fields, birth: '1999' },
        'young',
        { category: 'servicemember', birth: { date: '1999-01-01' as PlainDate, precision: 'year' } },
        { kind: 'none' },
      );
    } else if (i < 600) {
      add(
        { ...fields, claimed: 'wounded' },
        'wounded',
        { health: [{ flag: 'seriously_wounded', determination: 'counterpart_claim' }] },
        {
          kind: 'ambiguous',
          candidates: [
            { personId: 'r1', score: 0.6 },
            { personId: 'r2', score: 0.58 },
          ],
        },
      );
    } else if (i < 620) {
      add(
        { ...fields, birth: '2003-05-05' },
        'young',
        { category: 'servicemember', birth: { date: '2003-05-05' as PlainDate, precision: 'day' } },
        { kind: 'none' },
      );
    } else {
      // The same people again, spelled with different spacing and case.
      const first = rows[i - 620]!;
      add(
        Object.fromEntries(Object.entries(first.record.fields).map(([k, v]) => [k, ` ${v.toUpperCase()} `])),
        'young',
        first.recordSnapshot,
        first.match,
      );
    }
  }
  const input = deepFreeze(structuredClone(rows));
  const flagged = flagImportedList(input, june, (id) => registry.get(id));

  it('flags every entry', () => {
    expect(flagged).toHaveLength(640);
    expect(countFlags(flagged)).toEqual({
      matched: 400 + 80 + 50 + 20,
      ambiguous: 30,
      unknown: 40 + 20,
      already_released: 50,
      ineligible_for_category: 80,
      eligibility_unknown: 40 + 30,
      duplicate_within_list: 20,
      impossible_date: 0,
    });
    const ineligible = flagged.find((f) => f.flags.includes('ineligible_for_category'))!;
    expect(ineligible.eligibility!.reason).toMatch(/outside 18–25/);
    expect(flagged[620]!.duplicateOf).toBe(flagged[0]!.row);
    const unknown = flagged.find((f) => f.flags.includes('eligibility_unknown'))!;
    expect(unknown.eligibility!.reason).toMatch(/year precision/);
  });

  it('keeps every record verbatim in the list version that carries them (invariant 6)', () => {
    const list = draftList(
      {
        listId: 'b-offer',
        agreementId: june.id,
        kind: 'offer',
        owner: B,
        version: 1,
        parentHash: null,
        createdAt: '2025-06-05T10:00:00.000Z',
        // The duplicates are the same person: the list version holds each person once.
        entries: input.slice(0, 620).map((r, i) => ({
          id: `cp-${i}`,
          subject: { kind: 'counterpart' as const, record: r.record },
          category: r.claimedCategory!,
        })),
      },
      june,
    );
    const signed = signList(list, sign(B, 'party', listHash(list)));
    signed.entries.forEach((e, i) => {
      expect(e.subject.kind === 'counterpart' && counterpartRecordHash(e.subject.record)).toBe(
        counterpartRecordHash(rows[i]!.record),
      );
    });
    const eligibility = checkEligibility(signed, june, (s) =>
      s.kind === 'counterpart' ? rows[s.record.source.row - 2]!.recordSnapshot : undefined,
    );
    expect(eligibility.filter((e) => e.evaluation.value === 'false')).toHaveLength(80);
  });
});

const recordArb: fc.Arbitrary<CounterpartRecord> = fc.record({
  source: fc.record({ fileSha256: fc.constant(FILE), row: fc.nat(5000) }),
  fields: fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), fc.string({ maxLength: 20 }), {
    maxKeys: 5,
  }),
});

describe('invariant 6: counterpart data is never overwritten', () => {
  it('flagging, listing, signing, diffing and answering leave every record byte for byte as received', () => {
    fc.assert(
      fc.property(fc.array(recordArb, { minLength: 1, maxLength: 12 }), fc.nat(), (records, seed) => {
        const before = records.map((r) => JSON.stringify(r));
        const frozen = deepFreeze(structuredClone(records));
        const entries: ImportedEntry[] = frozen.map((record, i) => ({
          record,
          claimedCategory: i % 2 ? 'military' : null,
          recordSnapshot: {},
          match:
            (seed + i) % 3
              ? { kind: 'none' }
              : { kind: 'matched', personId: `r${i % 4}`, score: 0.9, band: 'likely', explanation: '' },
        }));
        const flagged = flagImportedList(entries, agreement, () => ({ fate: 'reunited' }));
        expect(flagged.map((f) => f.recordHash)).toEqual(frozen.map(counterpartRecordHash));
        const unique = [...new Map(frozen.map((r) => [counterpartRecordHash(r), r])).values()];
        const l = draftList(
          {
            listId: 'b-offer',
            agreementId: agreement.id,
            kind: 'offer',
            owner: B,
            version: 1,
            parentHash: null,
            createdAt: '2025-06-05T10:00:00.000Z',
            entries: unique.map((record, i) => ({
              id: `e${i}`,
              subject: { kind: 'counterpart' as const, record },
              category: 'military',
            })),
          },
          agreement,
        );
        const signed = signList(l, sign(B, 'party', listHash(l)));
        const next = nextListVersion(signed, signed.entries.slice(1), '2025-06-06T10:00:00.000Z', agreement);
        diffLists(signed, next);
        expect(signed.entries.map((e) => subjectKey(e.subject))).toEqual(
          unique.map((r) => `record:${counterpartRecordHash(r)}`),
        );
        expect(frozen.map((r) => JSON.stringify(r))).toEqual(before);
      }),
      { numRuns: 100 },
    );
  });
});
