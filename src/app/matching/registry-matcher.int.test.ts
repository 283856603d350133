// The engine over the registry: name keys and match index in step with registrations, edits and
// imports; search across scripts, transliterations, Russian forms and typos. Synthetic names only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../db/open.ts';
import { openTestDatabase, testContext } from '../../db/testing.ts';
import type { PersonInput } from '../../domain/person.ts';
import { validatePersonRows } from '../../io/person-rows.ts';
import { explain } from '../../matching/engine.ts';
import { nameKey } from '../../matching/keys.ts';
import { importPersons } from '../registry/import-persons.ts';
import { registerPerson } from '../registry/register-person.ts';
import { searchPersons, searchQueryRecord } from '../registry/search-persons.ts';
import { updatePerson } from '../registry/update-person.ts';
import { buildRegistryIndex, RegistryMatcher } from './registry-matcher.ts';

let db: Database;
beforeAll(async () => {
  db = await openTestDatabase();
});
afterAll(async () => {
  await db?.close();
});

const person = (family: string, given: string, patronymic: string, date: string): PersonInput => ({
  names: [{ script: 'Cyrl', lang: 'uk', family, given, patronymic }],
  sex: 'male',
  birth: { date, precision: 'day' },
  category: 'servicemember',
});

const FILLER: [string, string, string, string][] = [
  ['Шевчук', 'Андрій', 'Петрович', '1988-07-01'],
  ['Бондаренко', 'Іван', 'Сергійович', '1979-11-23'],
  ['Ткаченко', 'Василь', 'Іванович', '1991-02-14'],
  ['Мельник', 'Олег', 'Богданович', '1985-05-30'],
  ['Коваль', 'Олександр', 'Миколайович', '1994-03-12'],
];

async function seed(ctx: ReturnType<typeof testContext>) {
  const target = await db.transaction((tx) =>
    registerPerson(ctx, tx, person('Коваленко', 'Олександр', 'Миколайович', '1994-03-12')),
  );
  for (const f of FILLER) await db.transaction((tx) => registerPerson(ctx, tx, person(...f)));
  return target;
}

const search = (
  matcher: RegistryMatcher,
  ctx: ReturnType<typeof testContext>,
  q: string,
  extra: Partial<Parameters<typeof searchPersons>[2]> = {},
) => db.transaction((tx) => searchPersons(ctx, tx, { q, limit: 10, offset: 0, ...extra }, matcher));

describe('registry search through the matching engine', () => {
  it('finds a Cyrillic record from Latin, transliterated, Russian-form and typo’d queries, with reasons', async () => {
    const ctx = testContext(['coordinator']);
    const target = await seed(ctx);
    const matcher = new RegistryMatcher(db);
    await matcher.prepare(ctx.orgId);
    for (const q of [
      'Oleksandr Kovalenko',
      'Aleksandr Kovalenko',
      'Kowalenko Olexandr',
      'Коваленко Александр Николаевич',
      'Kovalneko Oleksandr',
      'Aleksandr Nikolaevich Kovalenko',
    ]) {
      const r = await search(matcher, ctx, q);
      expect(r.items[0]?.id, q).toBe(target.id);
      const m = r.items[0]!.match!;
      expect(m.score, q).toBeGreaterThan(0);
      expect(m.score, q).toBeLessThanOrEqual(1);
      expect(['likely', 'possible'], q).toContain(m.band);
      expect(m.explanation, q).toMatch(/family_name=/);
      expect(m.fields.map((f) => f.field)).toContain('family_name');
    }
    const withYear = await search(matcher, ctx, 'Oleksandr Kovalenko', { birthYear: 1994 });
    expect(withYear.items[0]?.id).toBe(target.id);
    expect(withYear.items[0]?.match?.fields.map((f) => f.field)).toContain('birth_date');
    // Birth year, category and status still filter.
    expect((await search(matcher, ctx, 'Oleksandr Kovalenko', { birthYear: 1995 })).items).toEqual([]);
    expect((await search(matcher, ctx, 'Oleksandr Kovalenko', { category: 'child' })).items).toEqual([]);
    // Prefix hits follow the engine's, without a score.
    const prefix = await search(matcher, ctx, 'Ковал');
    expect(prefix.items.map((i) => i.id)).toContain(target.id);
  });

  it('another organisation’s persons are never candidates', async () => {
    const ctx = testContext(['coordinator']);
    await seed(ctx);
    const other = testContext(['coordinator']);
    const matcher = new RegistryMatcher(db);
    const r = await search(matcher, other, 'Oleksandr Kovalenko');
    expect(r.items).toEqual([]);
  });

  it('keys and index stay in step with register, edit and import, across matchers (processes)', async () => {
    const ctx = testContext(['coordinator']);
    const target = await seed(ctx);
    // Two servers over one database: one searches, the other writes.
    const reader = new RegistryMatcher(db, { rebuildWholeUpTo: 0 });
    await reader.prepare(ctx.orgId);
    expect((await search(reader, ctx, 'Oleksandr Kovalenko')).items[0]?.id).toBe(target.id);

    const edited = await db.transaction((tx) =>
      updatePerson(ctx, tx, target.id, person('Ткачук', 'Олександр', 'Миколайович', '1994-03-12'), 1),
    );
    expect(edited.version).toBe(2);
    const keys = await db.db
      .selectFrom('person_names')
      .select(['family', 'family_key', 'given_key', 'patronymic_key'])
      .where('person_id', '=', target.id)
      .execute();
    expect(keys).toEqual([
      {
        family: 'Ткачук',
        family_key: nameKey('Ткачук'),
        given_key: nameKey('Олександр'),
        patronymic_key: nameKey('Миколайович'),
      },
    ]);
    // The reader's index was built before the edit: the change is found through match_txid.
    const after = await search(reader, ctx, 'Oleksandr Kovalenko');
    expect(after.items.map((i) => i.id)).not.toContain(target.id);
    expect((await search(reader, ctx, 'Oleksandr Tkachuk')).items[0]?.id).toBe(target.id);

    // A status-only change does not count as a change for matching.
    const before = await db.db
      .selectFrom('persons')
      .select('match_txid')
      .where('id', '=', target.id)
      .executeTakeFirstOrThrow();
    await db.db.updateTable('persons').set({ fate_status: 'missing' }).where('id', '=', target.id).execute();
    const still = await db.db
      .selectFrom('persons')
      .select('match_txid')
      .where('id', '=', target.id)
      .executeTakeFirstOrThrow();
    expect(still.match_txid).toBe(before.match_txid);

    // An import that adds a person, then a new spelling of them (the repository rewrites names).
    const importRows = async (family: string, given: string, sha: string) => {
      const rows = validatePersonRows({
        header: ['id', 'family_name', 'given_name', 'birth_date'],
        records: [{ line: 2, cells: ['IMP-1', family, given, '1980-01-01'] }],
      });
      if (!rows.ok) throw new Error('fixture');
      await db.transaction((tx) => importPersons(ctx, tx, rows.rows, { fileSha256: sha, refSystem: 'test' }));
    };
    await importRows('Petrenko', 'Mykola', 'a'.repeat(64));
    const found = (await search(reader, ctx, 'Петренко Микола')).items[0];
    expect(found?.displayName).toBe('Petrenko Mykola');
    await importRows('Пєтрєнко', 'Мікола', 'b'.repeat(64));
    const names = await db.db
      .selectFrom('person_names')
      .select(['family', 'family_key'])
      .where('person_id', '=', found!.id)
      .orderBy('ord')
      .execute();
    expect(names).toEqual([
      { family: 'Petrenko', family_key: nameKey('Petrenko') },
      { family: 'Пєтрєнко', family_key: nameKey('Пєтрєнко') },
    ]);
    expect((await search(reader, ctx, 'Pietrienko Mikola')).items[0]?.id).toBe(found!.id);
  });

  it('a large registry re-indexes in the background; scores then equal a fresh index’s', async () => {
    const ctx = testContext(['coordinator']);
    const target = await seed(ctx);
    const matcher = new RegistryMatcher(db, { rebuildWholeUpTo: 0, rebuildAfterChanges: 1 });
    await matcher.prepare(ctx.orgId);
    await db.transaction((tx) =>
      updatePerson(ctx, tx, target.id, person('Коваленко', 'Олександр', 'Миколайович', '1994-03-21'), 1),
    );
    const q = 'Oleksandr Kovalenko';
    const viaDelta = await search(matcher, ctx, q, { birthYear: 1994 });
    expect(viaDelta.items[0]?.id).toBe(target.id);
    await matcher.prepare(ctx.orgId);
    await matcher.idle(ctx.orgId);
    const rebuilt = await search(matcher, ctx, q, { birthYear: 1994 });
    const fresh = await buildRegistryIndex(db.db, ctx);
    const want = fresh.index.search(searchQueryRecord(q, 1994), 1)[0]!;
    expect(rebuilt.items[0]?.id).toBe(target.id);
    expect(rebuilt.items[0]?.match?.score).toBe(want.score);
    expect(rebuilt.items[0]?.match?.explanation).toBe(explain(want.fields));
  });

  it('settled() waits for every build in flight, first and background (servers await it on close)', async () => {
    const ctx = testContext(['coordinator']);
    const target = await seed(ctx);
    const matcher = new RegistryMatcher(db, { rebuildWholeUpTo: 0, rebuildAfterChanges: 1 });
    // Its private state, read to see what is in flight (no public accessor: a test-only view).
    const inside = matcher as unknown as {
      first: Map<string, Promise<void>>;
      orgs: Map<string, { rebuilding?: Promise<void>; delta?: unknown }>;
    };
    void matcher.prepare(ctx.orgId);
    expect(inside.first.size).toBe(1);
    await matcher.settled();
    expect(inside.first.size).toBe(0);
    expect(inside.orgs.has(ctx.orgId)).toBe(true);
    await db.transaction((tx) =>
      updatePerson(ctx, tx, target.id, person('Коваленко', 'Олександр', 'Миколайович', '1994-03-21'), 1),
    );
    await search(matcher, ctx, 'Oleksandr Kovalenko', { birthYear: 1994 });
    const before = inside.orgs.get(ctx.orgId)!;
    expect(before.delta).toBeDefined();
    void matcher.prepare(ctx.orgId);
    expect(before.rebuilding).toBeDefined();
    await matcher.settled();
    expect(before.rebuilding).toBeUndefined();
    // The rebuilt index replaced the state: no delta left over.
    expect(inside.orgs.get(ctx.orgId)!.delta).toBeUndefined();
  });

  it('an index built in a worker thread answers exactly like one built here', async () => {
    const ctx = testContext(['coordinator']);
    const target = await seed(ctx);
    const offThread = new RegistryMatcher(db, { buildOffThreadFrom: 0 });
    await offThread.prepare(ctx.orgId);
    const here = new RegistryMatcher(db, { buildOffThreadFrom: Number.POSITIVE_INFINITY });
    await here.prepare(ctx.orgId);
    for (const q of ['Oleksandr Kovalenko', 'Коваленко Александр Николаевич', 'Kovalneko']) {
      const a = await search(offThread, ctx, q);
      const b = await search(here, ctx, q);
      expect(
        a.items.map((i) => [i.id, i.match]),
        q,
      ).toEqual(b.items.map((i) => [i.id, i.match]));
    }
    expect((await search(offThread, ctx, 'Oleksandr Kovalenko')).items[0]?.id).toBe(target.id);
  });

  it('a search in a transaction that wrote sees its own writes, and they do not outlive a rollback', async () => {
    const ctx = testContext(['coordinator']);
    await seed(ctx);
    const matcher = new RegistryMatcher(db);
    await matcher.prepare(ctx.orgId);
    await db
      .transaction(async (tx) => {
        await registerPerson(ctx, tx, person('Зінченко', 'Тарас', 'Олегович', '1990-01-01'));
        const r = await searchPersons(ctx, tx, { q: 'Taras Zinchenko', limit: 5, offset: 0 }, matcher);
        expect(r.items).toHaveLength(1);
        throw new Error('roll back');
      })
      .catch((e: Error) => expect(e.message).toBe('roll back'));
    expect((await search(matcher, ctx, 'Taras Zinchenko')).items).toEqual([]);
  });
});
