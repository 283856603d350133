// Lists and negotiation in the node: a counterpart's list of 640 names under a category agreement
// (all for all: seriously wounded; servicemembers aged 18–25 on 2025-06-02) with ineligible,
// already-released, unknown, ambiguous and duplicated people, every entry flagged; signed versions
// frozen by the database; hash chains verified; a bad file rejected by line and column with nothing
// written; and a property: the diff between two versions explains every entry. Synthetic people only.
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readEntries } from '../../db/ledger.ts';
import type { Database } from '../../db/open.ts';
import { openTestDatabase, testContext } from '../../db/testing.ts';
import { generatePersons } from '../../demo/synthetic.ts';
import type { ImportFlag } from '../../domain/exchange/counterpart.ts';
import { type Nomination, subjectKey } from '../../domain/exchange/list.ts';
import { categoryAgreement, signedByAll } from '../../domain/exchange/testing.ts';
import type { PersonInput } from '../../domain/person.ts';
import { toCsv } from '../../io/csv.ts';
import { toXlsx } from '../../io/xlsx.ts';
import { decodeLogEntry } from '../../ledger/entry.ts';
import { createExchange } from '../exchange/exchange.ts';
import { registerPerson } from '../registry/register-person.ts';
import {
  createListVersion,
  diffListVersions,
  importCounterpartList,
  LIST_SIGNED_LOG_KIND,
  listListVersions,
  loadListVersion,
  recordListResponses,
  signListVersion,
  verifyStoredListChain,
} from './lists.ts';

let db: Database;
const ctx = testContext(['coordinator']);
const agreement = signedByAll(categoryAgreement());
const newId = () => `ex-${randomBytes(4).toString('hex')}`;

async function newExchange(): Promise<string> {
  const id = newId();
  await db.transaction((tx) => createExchange(ctx, tx, { id, agreement }));
  return id;
}

/** What each synthetic registry person is, and so which flags a row naming them must carry. */
type Kind = 'young' | 'too_old' | 'released' | 'wounded' | 'year_only' | 'twin';
interface Seeded {
  id: string;
  kind: Kind;
  family: string;
  given: string;
  patronymic: string;
  birth: string;
  serviceNumber: string | null;
}

const COUNTS: Record<Kind, number> = {
  young: 390,
  too_old: 60,
  released: 60,
  wounded: 40,
  year_only: 20,
  twin: 10,
};

const pad = (n: number) => String(n).padStart(2, '0');
function birthOf(kind: Kind, i: number): string {
  const d = `${pad(1 + (i % 12))}-${pad(1 + (i % 28))}`;
  if (kind === 'too_old') return `${1975 + (i % 10)}-${d}`;
  if (kind === 'wounded') return `${1970 + (i % 25)}-${d}`;
  if (kind === 'year_only') return '1999';
  return `${2001 + (i % 5)}-${d}`;
}

const seeded: Seeded[] = [];
let strangers: Seeded[] = [];

beforeAll(async () => {
  db = await openTestDatabase();
  const people = [...generatePersons(20250602, 1100)].filter((p) => p.input.names[0]?.script === 'Cyrl');
  const kinds = Object.entries(COUNTS).flatMap(([k, n]) => Array<Kind>(n).fill(k as Kind));
  let at = 0;
  const twinOf = new Map<number, Seeded>();
  await db.transaction(async (tx) => {
    for (const [i, kind] of kinds.entries()) {
      // Twins: pairs of registry persons with the same name and birth date and no service number.
      const twin = kind === 'twin' && i % 2 === 1 ? twinOf.get(i - 1) : undefined;
      const base = people[at++]!.input;
      const n = base.names[0]!;
      const s: Seeded = twin
        ? { ...twin, id: '' }
        : {
            id: '',
            kind,
            family: n.family,
            given: n.given ?? '',
            patronymic: n.patronymic ?? '',
            birth: birthOf(kind, i),
            serviceNumber: kind === 'twin' ? null : `SN${100000 + i}`,
          };
      const input: PersonInput = {
        names: [{ script: 'Cyrl', lang: 'uk', family: s.family, given: s.given, patronymic: s.patronymic }],
        sex: 'male',
        birth: {
          date: s.birth.length === 4 ? `${s.birth}-01-01` : s.birth,
          precision: s.birth.length === 4 ? 'year' : 'day',
        },
        category: 'servicemember',
        ...(s.serviceNumber ? { military: { serviceNumber: s.serviceNumber } } : {}),
        ...(kind === 'wounded'
          ? { health: [{ flag: 'seriously_wounded', determination: 'medical_commission' }] }
          : {}),
      };
      s.id = (await registerPerson(ctx, tx, input)).id;
      if (kind === 'twin' && i % 2 === 0) twinOf.set(i, s);
      seeded.push(s);
    }
    // Fixture shortcut: these people were released in an earlier exchange (their fate status says so).
    const released = seeded.filter((s) => s.kind === 'released').map((s) => s.id);
    await tx
      .updateTable('persons')
      .set({ fate_status: 'released_in_exchange' })
      .where('id', 'in', released)
      .execute();
  });
  strangers = people.slice(at, at + 40).map((p, i) => ({
    id: '',
    kind: 'young',
    family: `${p.input.names[0]!.family}о`,
    given: p.input.names[0]!.given ?? '',
    patronymic: p.input.names[0]!.patronymic ?? '',
    birth: `${2003}-${pad(1 + (i % 12))}-${pad(1 + (i % 28))}`,
    serviceNumber: `ZZ${900000 + i}`,
  }));
}, 240_000);
afterAll(async () => {
  await db?.close();
});

const HEADER = [
  'id',
  'family_name',
  'given_name',
  'patronymic',
  'birth_date',
  'unit',
  'service_number',
  'category',
  'person_category',
];
const rowOf = (s: Seeded, id: string, category: string) => [
  id,
  s.family,
  s.given,
  s.patronymic,
  s.birth,
  '',
  s.serviceNumber ?? '',
  category,
  'servicemember',
];

/** The counterpart's 640 rows and the flags each must carry. */
function counterpartList(): { csv: string; expected: ImportFlag[][] } {
  const rows: string[][] = [];
  const expected: ImportFlag[][] = [];
  const twinRows = new Set<string>();
  for (const s of seeded) {
    if (s.kind === 'twin') {
      // One row per pair of twins: the registry cannot tell them apart.
      const key = `${s.family}|${s.birth}`;
      if (twinRows.has(key)) continue;
      twinRows.add(key);
      rows.push(rowOf(s, `T-${rows.length + 1}`, 'young'));
      expected.push(['ambiguous']);
      continue;
    }
    const category = s.kind === 'wounded' ? 'wounded' : 'young';
    rows.push(rowOf(s, `C-${rows.length + 1}`, category));
    expected.push(
      s.kind === 'young' || s.kind === 'wounded'
        ? ['matched']
        : s.kind === 'too_old'
          ? ['matched', 'ineligible_for_category']
          : s.kind === 'released'
            ? ['matched', 'already_released']
            : ['matched', 'eligibility_unknown'],
    );
  }
  for (const s of strangers) {
    rows.push(rowOf(s, `U-${rows.length + 1}`, 'young'));
    expected.push(['unknown']);
  }
  // The same young people listed a second time under another id.
  const young = seeded.filter((s) => s.kind === 'young');
  for (let i = 0; rows.length < 640; i++) {
    rows.push(rowOf(young[i]!, `D-${rows.length + 1}`, 'young'));
    expected.push(['matched', 'duplicate_within_list']);
  }
  return { csv: toCsv(HEADER, rows), expected };
}

describe('a counterpart list of 640 names under a category agreement', () => {
  it('flags every entry: matched, ambiguous, unknown, ineligible, already released, duplicate', async () => {
    const exchangeId = await newExchange();
    const { csv, expected } = counterpartList();
    expect(expected).toHaveLength(640);
    const t0 = Date.now();
    const result = await db.transaction((tx) =>
      importCounterpartList(ctx, tx, {
        exchangeId,
        kind: 'their_offer',
        bytes: Buffer.from(csv),
        filename: 'their-offer.csv',
      }),
    );
    const ms = Date.now() - t0;
    expect(result.entryCount).toBe(640);
    expect(result.version).toBe(1);
    const detail = await loadListVersion(db.db, ctx, exchangeId, result.id);
    const wrong = detail.entries
      .map((e, i) => ({ row: i + 2, got: e.flags, want: expected[i] }))
      .filter((x) => JSON.stringify(x.got) !== JSON.stringify(x.want));
    expect(wrong.slice(0, 5)).toEqual([]);
    expect(detail.flagCounts).toEqual(result.flagCounts);
    expect(detail.flagCounts).toMatchObject({
      ambiguous: 5,
      unknown: 40,
      already_released: 60,
      ineligible_for_category: 60,
      eligibility_unknown: 20,
      duplicate_within_list: 640 - 5 - 40 - 570,
      impossible_date: 0,
    });
    // Matched entries carry the registry person, a score and an explanation; the record is verbatim.
    const first = detail.entries[0]!;
    expect(first.match).toMatchObject({ kind: 'matched', personId: seeded[0]!.id, band: 'likely' });
    expect(first.match?.kind === 'matched' && first.match.explanation.length).toBeGreaterThan(0);
    expect(first.nomination.subject.kind).toBe('counterpart');
    const dup = detail.entries.find((e) => e.flags.includes('duplicate_within_list'))!;
    expect(dup.duplicateOf).toBe(2);
    const tooOld = detail.entries.find((e) => e.flags.includes('ineligible_for_category'))!;
    expect(tooOld.eligibility?.value).toBe('false');
    console.info(`640-row list imported, matched and flagged in ${ms} ms`);
  }, 120_000);

  it('rejects a bad file with every problem by line and column, and writes nothing', async () => {
    const exchangeId = await newExchange();
    const s = seeded[0]!;
    const csv = toCsv(HEADER, [
      rowOf(s, 'A-1', 'young'),
      rowOf(s, '', 'young'),
      [...rowOf(s, 'A-3', 'young').slice(0, 4), '1999/02/03', '', '', 'young', 'servicemember'],
      rowOf(s, 'A-4', 'elderly'),
      rowOf(s, 'A-1', 'young'),
    ]);
    const before = await db.db
      .selectFrom('exchange_list_versions')
      .select(sql<number>`count(*)::int`.as('n'))
      .executeTakeFirstOrThrow();
    const err = await db
      .transaction((tx) =>
        importCounterpartList(ctx, tx, { exchangeId, bytes: Buffer.from(csv), filename: 'bad.csv' }),
      )
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'IMPORT_REJECTED' });
    const rows = (err as { details: { rows: { line: number; column: string }[] } }).details.rows;
    expect(rows.map((r) => [r.line, r.column])).toEqual([
      [3, 'id'],
      [4, 'birth_date'],
      [5, 'category'],
      [6, 'id'],
    ]);
    const after = await db.db
      .selectFrom('exchange_list_versions')
      .select(sql<number>`count(*)::int`.as('n'))
      .executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);
    expect(await listListVersions(db.db, ctx, exchangeId)).toEqual([]);
    // An unknown column is named on line 1.
    const err2 = await db
      .transaction((tx) =>
        importCounterpartList(ctx, tx, {
          exchangeId,
          bytes: Buffer.from('id,family_name,rank\nx,y,z\n'),
          filename: 'bad.csv',
        }),
      )
      .catch((e: unknown) => e);
    expect((err2 as { details: { rows: unknown[] } }).details.rows).toEqual([
      expect.objectContaining({ line: 1, column: 'rank', code: 'UNKNOWN_COLUMN' }),
    ]);
  });
});

describe('a counterpart list as XLSX', () => {
  it('reads the first sheet like CSV: flags on good files, every bad row by row number and column', async () => {
    const exchangeId = await newExchange();
    const [a, b] = [seeded.find((s) => s.kind === 'too_old')!, seeded.find((s) => s.kind === 'released')!];
    const bad = await toXlsx(HEADER, [
      rowOf(a, 'X-1', 'young'),
      rowOf(b, 'X-1', 'wounded'),
      rowOf(b, 'X-3', 'none'),
    ]);
    const err = await db
      .transaction((tx) => importCounterpartList(ctx, tx, { exchangeId, bytes: bad, filename: 'their.xlsx' }))
      .catch((e: unknown) => e);
    expect((err as { details: { rows: { line: number; column: string }[] } }).details.rows).toEqual([
      expect.objectContaining({ line: 3, column: 'id', code: 'DUPLICATE_ID' }),
      expect.objectContaining({ line: 4, column: 'category', code: 'INVALID_CATEGORY' }),
    ]);
    expect(await listListVersions(db.db, ctx, exchangeId)).toEqual([]);
    const good = await toXlsx(HEADER, [rowOf(a, 'X-1', 'young'), rowOf(b, 'X-2', 'young')]);
    const r = await db.transaction((tx) =>
      importCounterpartList(ctx, tx, {
        exchangeId,
        bytes: good,
        filename: 'their.xlsx',
        kind: 'their_request',
      }),
    );
    const detail = await loadListVersion(db.db, ctx, exchangeId, r.id);
    expect(detail.kind).toBe('their_request');
    expect(detail.entries.map((e) => e.flags)).toEqual([
      ['matched', 'ineligible_for_category'],
      ['matched', 'already_released'],
    ]);
  });
});

describe('a counterpart list with impossible birth dates', () => {
  it('keeps the rows as written, matches them on year and month, and flags them impossible_date', async () => {
    const exchangeId = await newExchange();
    const [a, b] = seeded.filter((x) => x.kind === 'young' && x.birth.length === 10);
    const [y, m] = [a!.birth.slice(0, 4), a!.birth.slice(5, 7)];
    // Day 32 of a's month, and b's date written DD.MM.YYYY with month 13.
    const odd = [`${y}-${m}-32`, `${b!.birth.slice(8, 10)}.13.${b!.birth.slice(0, 4)}`];
    const csv = toCsv(HEADER, [
      [...rowOf(a!, 'I-1', 'young').slice(0, 4), odd[0]!, ...rowOf(a!, 'I-1', 'young').slice(5)],
      [...rowOf(b!, 'I-2', 'young').slice(0, 4), odd[1]!, ...rowOf(b!, 'I-2', 'young').slice(5)],
      rowOf(seeded.find((x) => x.kind === 'young' && x !== a && x !== b)!, 'I-3', 'young'),
    ]);
    const r = await db.transaction((tx) =>
      importCounterpartList(ctx, tx, { exchangeId, bytes: Buffer.from(csv), filename: 'odd.csv' }),
    );
    expect(r.flagCounts.impossible_date).toBe(2);
    const detail = await loadListVersion(db.db, ctx, exchangeId, r.id);
    const fields = detail.entries.map((e) =>
      e.nomination.subject.kind === 'counterpart' ? e.nomination.subject.record.fields.birth_date : null,
    );
    expect(fields.slice(0, 2)).toEqual(odd);
    expect(detail.entries.map((e) => e.flags.includes('impossible_date'))).toEqual([true, true, false]);
    expect(detail.entries.map((e) => e.match?.kind === 'matched' && e.match.personId)).toEqual([
      a!.id,
      b!.id,
      expect.any(String),
    ]);
    const why = detail.entries[0]!.match;
    expect(why?.kind === 'matched' && why.explanation).toMatch(/birth_date=same_month/);
  });
});

const nominate = (s: Seeded, id = `n-${s.id.slice(0, 8)}`, category = 'young'): Nomination => ({
  id,
  subject: { kind: 'registry', personId: s.id },
  category,
  evidence: [],
  reserve: false,
  substitutionOf: null,
});

describe('list versions', () => {
  it('chains versions by hash, logs each signature, and the database refuses to change a signed one', async () => {
    const exchangeId = await newExchange();
    const pool = seeded.filter((s) => s.kind === 'young').slice(0, 30);
    const v1 = await db.transaction((tx) =>
      createListVersion(ctx, tx, {
        exchangeId,
        kind: 'our_request',
        entries: pool.slice(0, 20).map((s) => nominate(s)),
      }),
    );
    // No successor before the version is signed.
    await expect(
      db.transaction((tx) => createListVersion(ctx, tx, { exchangeId, kind: 'our_request', entries: [] })),
    ).rejects.toMatchObject({ details: { violation: 'STAGE_TRANSITION' } });
    const s1 = await db.transaction((tx) => signListVersion(ctx, tx, exchangeId, v1.id));
    expect(s1.signed).toBe(true);
    await expect(db.transaction((tx) => signListVersion(ctx, tx, exchangeId, v1.id))).rejects.toMatchObject({
      details: { violation: 'SIGNED_IMMUTABLE' },
    });
    const v2 = await db.transaction((tx) =>
      createListVersion(ctx, tx, {
        exchangeId,
        kind: 'our_request',
        entries: pool.slice(10, 30).map((s) => nominate(s)),
      }),
    );
    expect(v2.parentHash).toBe(v1.versionHash);
    const s2 = await db.transaction((tx) => signListVersion(ctx, tx, exchangeId, v2.id));
    const tooOld = seeded.find((s) => s.kind === 'too_old')!;
    const released = seeded.find((s) => s.kind === 'released')!;
    const v3 = await db.transaction((tx) =>
      createListVersion(ctx, tx, {
        exchangeId,
        kind: 'our_request',
        entries: [...pool.slice(0, 5).map((s) => nominate(s)), nominate(tooOld), nominate(released)],
      }),
    );
    // Our nominations are checked against the agreement's categories on what the registry says.
    const d3 = await loadListVersion(db.db, ctx, exchangeId, v3.id);
    expect(d3.entries.map((e) => e.flags)).toEqual([
      [],
      [],
      [],
      [],
      [],
      ['ineligible_for_category'],
      ['already_released'],
    ]);
    expect(d3.entries[5]!.eligibility?.reason).toMatch(/2025-06-02/);
    await expect(
      db.transaction((tx) =>
        createListVersion(testContext(['coordinator']), tx, {
          exchangeId,
          kind: 'our_offer',
          entries: [nominate(pool[0]!)],
        }),
      ),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const ghost = { ...pool[0]!, id: '00000000-0000-4000-8000-000000000000' };
    await expect(
      db.transaction((tx) =>
        createListVersion(ctx, tx, { exchangeId, kind: 'our_offer', entries: [nominate(ghost)] }),
      ),
    ).rejects.toMatchObject({ details: { violation: 'UNKNOWN_REFERENCE' } });
    expect(await verifyStoredListChain(db.db, ctx, exchangeId, 'our_request')).toEqual([
      v1.versionHash,
      v2.versionHash,
      v3.versionHash,
    ]);
    // The log holds each signed version's hash.
    for (const s of [s1, s2]) {
      const [entry] = await readEntries(db.db, s.logIndex!, s.logIndex! + 1);
      const e = decodeLogEntry(entry!);
      expect(e.kind).toBe(LIST_SIGNED_LOG_KIND);
      expect(Buffer.from(e.commitment).toString('hex')).toBe(s.versionHash);
    }
    // The trigger refuses any change to a signed version, its entries, or a new entry in it.
    await expect(
      sql`UPDATE exchange_list_versions SET version_hash = ${'0'.repeat(64)} WHERE id = ${v1.id}`.execute(
        db.db,
      ),
    ).rejects.toThrow(/signed and immutable/);
    await expect(
      sql`UPDATE exchange_list_versions SET signed_at = now() WHERE id = ${v1.id}`.execute(db.db),
    ).rejects.toThrow(/signed and immutable/);
    await expect(sql`DELETE FROM exchange_list_versions WHERE id = ${v1.id}`.execute(db.db)).rejects.toThrow(
      /never deleted/,
    );
    await expect(
      sql`UPDATE exchange_list_entries SET category = 'wounded' WHERE version_id = ${v1.id}`.execute(db.db),
    ).rejects.toThrow();
    await expect(
      sql`INSERT INTO exchange_list_entries (version_id, ord, nomination_id, person_id, nomination)
          VALUES (${v1.id}, 999, 'n-x', ${pool[29]!.id}, '{}'::jsonb)`.execute(db.db),
    ).rejects.toThrow(/signed and immutable/);
    // An unsigned version changes only by being signed.
    await expect(
      sql`UPDATE exchange_list_versions SET entry_count = 1 WHERE id = ${v3.id}`.execute(db.db),
    ).rejects.toThrow(/only by being signed/);

    // Responses: the counterpart's answers to a signed version; the latest per entry wins.
    const first = nominate(pool[10]!);
    const r = await db.transaction((tx) =>
      recordListResponses(ctx, tx, exchangeId, v2.id, {
        responder: 'party-b',
        entries: [
          { nominationId: first.id, response: 'not_held' },
          { nominationId: nominate(pool[11]!).id, response: 'accepted' },
        ],
      }),
    );
    expect(r.responses[first.id]).toBe('not_held');
    await expect(
      db.transaction((tx) =>
        recordListResponses(ctx, tx, exchangeId, v3.id, { responder: 'party-b', entries: [] }),
      ),
    ).rejects.toMatchObject({ details: { violation: 'STAGE_TRANSITION' } });
    await expect(
      db.transaction((tx) =>
        recordListResponses(ctx, tx, exchangeId, v2.id, {
          responder: 'party-a',
          entries: [{ nominationId: first.id, response: 'accepted' }],
        }),
      ),
    ).rejects.toMatchObject({ details: { violation: 'NOT_A_SIGNER' } });
    const d2 = await loadListVersion(db.db, ctx, exchangeId, v2.id);
    expect(d2.entries.find((e) => e.nomination.id === first.id)?.response).toBe('not_held');

    // Reading needs exchange:read; writing needs list:write.
    const other = { ...ctx, roles: ['auditor' as const] };
    expect((await listListVersions(db.db, other, exchangeId)).length).toBe(3);
    await expect(db.transaction((tx) => signListVersion(other, tx, exchangeId, v3.id))).rejects.toMatchObject(
      { code: 'FORBIDDEN' },
    );
  });

  it('property: diff(v1, v2) applied to v1 gives v2, and explains every entry of both', async () => {
    const pool = seeded.filter((s) => s.kind === 'young').slice(0, 12);
    const entrySet = fc.uniqueArray(
      fc.record({
        who: fc.integer({ min: 0, max: pool.length - 1 }),
        id: fc.constantFrom('a', 'b'),
        category: fc.constantFrom('young', 'wounded'),
        reserve: fc.boolean(),
      }),
      { selector: (e) => e.who, maxLength: pool.length },
    );
    await fc.assert(
      fc.asyncProperty(entrySet, entrySet, async (xs, ys) => {
        const exchangeId = await newExchange();
        const toEntries = (es: typeof xs) =>
          es.map((e) => ({
            ...nominate(pool[e.who]!, `n-${e.who}-${e.id}`, e.category),
            reserve: e.reserve,
          }));
        const a = await db.transaction(async (tx) => {
          const v = await createListVersion(ctx, tx, {
            exchangeId,
            kind: 'our_offer',
            entries: toEntries(xs),
          });
          return signListVersion(ctx, tx, exchangeId, v.id);
        });
        const b = await db.transaction((tx) =>
          createListVersion(ctx, tx, { exchangeId, kind: 'our_offer', entries: toEntries(ys) }),
        );
        const { diff } = await diffListVersions(db.db, ctx, exchangeId, a.id, b.id);
        const v1 = toEntries(xs);
        const v2 = toEntries(ys);
        // Every entry of v1 is removed, changed or unchanged; every entry of v2 is added, changed or unchanged.
        expect(diff.removed.length + diff.changed.length + diff.unchanged).toBe(v1.length);
        expect(diff.added.length + diff.changed.length + diff.unchanged).toBe(v2.length);
        // Applying the diff to v1 gives v2 exactly (by person).
        const applied = new Map(v1.map((n) => [subjectKey(n.subject), n]));
        for (const n of diff.removed) applied.delete(subjectKey(n.subject));
        for (const c of diff.changed) applied.set(c.key, c.after);
        for (const n of diff.added) applied.set(subjectKey(n.subject), n);
        const expected = new Map(v2.map((n) => [subjectKey(n.subject), n]));
        expect(new Map([...applied].sort())).toEqual(new Map([...expected].sort()));
      }),
      { numRuns: 20 },
    );
  }, 120_000);
});
