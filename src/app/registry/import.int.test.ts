import { createHash } from 'node:crypto';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../db/open.ts';
import { loadPersons } from '../../db/persons.ts';
import { openTestDatabase, testContext } from '../../db/testing.ts';
import type { RequestContext } from '../../domain/access.ts';
import { type PersonInput, PersonInputSchema } from '../../domain/person.ts';
import { parseCsvText } from '../../io/csv.ts';
import { MAX_IMPORT_BYTES, readPersonFile } from '../../io/read-person-file.ts';
import type { RowError } from '../../io/row-error.ts';
import { seededBytes } from '../../io/test-fixtures.ts';
import { toXlsx } from '../../io/xlsx.ts';
import { EXPORT_COLUMNS, exportPersons } from './export-persons.ts';
import { type ImportSummary, importPersons, mergeImportedRow } from './import-persons.ts';
import { registerPerson } from './register-person.ts';

let database: Database;
beforeAll(async () => {
  database = await openTestDatabase();
});
afterAll(async () => {
  await database?.close();
});

const HEADER = [
  'id',
  'family_name',
  'given_name',
  'patronymic',
  'birth_date',
  'birth_place',
  'unit',
  'service_number',
  'sex',
  'category',
];
const GOOD_ROWS = [
  [
    'UA-001',
    'Коваленко',
    'Олександр',
    'Миколайович',
    '12.03.1994',
    'Київ',
    'в/ч А0001',
    'SN-1',
    'ч',
    'servicemember',
  ],
  ['UA-002', 'Шевчук', 'Ірина', '', '1985-03', 'Львів', '', '', 'f', 'civilian_internee'],
  ['UA-003', 'Smith', 'John', '', '~1970', 'London, UK', '', '', 'male', 'foreign_national'],
  [
    'UA-004',
    'Ёлкин',
    'Пётр',
    'Ильич',
    '1980',
    'Донецьк; Будьонівський р-н',
    '',
    '',
    'м',
    'detained_civilian',
  ],
  ['UA-005', "O'Neil-Petrenko", 'Mary "Masha"', '', '2001-12-31', '', '', '', '', 'civilian_internee'],
];

const csvOf = (rows: string[][], header = HEADER) =>
  [header, ...rows]
    .map((r) => `${r.map((c) => (/[",;\r\n]/.test(c) ? `"${c.replaceAll('"', '""')}"` : c)).join(',')}\r\n`)
    .join('');
const utf8 = (s: string) => Buffer.from(s, 'utf8');
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

type Outcome = { ok: true; summary: ImportSummary } | { ok: false; errors: RowError[] };

/** Read, validate and import a file, all or nothing, as the CLI and the HTTP route do. */
async function importFile(
  ctx: RequestContext,
  bytes: Uint8Array,
  name: string,
  onProgress?: (done: number, total: number) => void,
): Promise<Outcome> {
  const parsed = await readPersonFile(bytes, name);
  if (!parsed.ok) return parsed;
  const summary = await database.transaction((tx) =>
    importPersons(ctx, tx, parsed.rows, { fileSha256: sha256(bytes), onProgress }),
  );
  return { ok: true, summary };
}

async function imported(ctx: RequestContext, bytes: Uint8Array, name: string): Promise<ImportSummary> {
  const r = await importFile(ctx, bytes, name);
  if (!r.ok) throw new Error(`expected the file to import: ${JSON.stringify(r.errors.slice(0, 5))}`);
  return r.summary;
}

async function rejected(ctx: RequestContext, bytes: Uint8Array, name: string): Promise<RowError[]> {
  const r = await importFile(ctx, bytes, name);
  if (r.ok) throw new Error('expected the file to be rejected');
  return r.errors;
}

/** Everything an import could change for one organisation, including record versions. */
async function snapshot(ctx: RequestContext) {
  const count = async (table: 'persons' | 'external_refs' | 'audit_events' | 'status_events') =>
    Number(
      (
        await database.db
          .selectFrom(table)
          .select(database.db.fn.countAll<string>().as('n'))
          .where('org_id', '=', ctx.orgId)
          .executeTakeFirstOrThrow()
      ).n,
    );
  const names = await database.db
    .selectFrom('person_names')
    .innerJoin('persons', 'persons.id', 'person_names.person_id')
    .select(['person_names.person_id', 'person_names.ord', 'family', 'given', 'patronymic', 'source'])
    .where('persons.org_id', '=', ctx.orgId)
    .orderBy('person_names.person_id')
    .orderBy('person_names.ord')
    .execute();
  const versions = await database.db
    .selectFrom('persons')
    .select(['id', 'version', 'birth_date', 'birth_place'])
    .where('org_id', '=', ctx.orgId)
    .orderBy('id')
    .execute();
  return {
    persons: await count('persons'),
    refs: await count('external_refs'),
    audit: await count('audit_events'),
    events: await count('status_events'),
    names,
    versions,
  };
}

async function personsByRef(ctx: RequestContext) {
  const refs = await database.db
    .selectFrom('external_refs')
    .select(['value', 'person_id'])
    .where('org_id', '=', ctx.orgId)
    .execute();
  const records = await database.transaction((tx) =>
    loadPersons(
      tx,
      ctx,
      refs.map((r) => r.person_id),
    ),
  );
  return new Map(refs.map((r) => [r.value, records.find((p) => p.id === r.person_id)!]));
}

/**
 * Garbage files: 8 MB in `npm test`; the whole import limit (50 MB) in `.ci/run`'s PostgreSQL pass
 * (HOMEWARD_GARBAGE_MB=50), where the time it takes does not hold up every run.
 */
const GARBAGE_BYTES = Math.min(Number(process.env.HOMEWARD_GARBAGE_MB ?? 8) * 1024 * 1024, MAX_IMPORT_BYTES);

describe('import: good files', () => {
  it('imports a CSV with Cyrillic and Latin names exactly as written, tagged with the file as source', async () => {
    const ctx = testContext(['coordinator']);
    const bytes = utf8(csvOf(GOOD_ROWS));
    expect(await imported(ctx, bytes, 'список.csv')).toEqual({
      total: 5,
      created: 5,
      updated: 0,
      unchanged: 0,
    });
    const byRef = await personsByRef(ctx);
    expect([...byRef.keys()].sort()).toEqual(['UA-001', 'UA-002', 'UA-003', 'UA-004', 'UA-005']);
    const k = byRef.get('UA-001')!;
    expect(k.names).toEqual([
      {
        script: 'Cyrl',
        lang: 'uk',
        family: 'Коваленко',
        given: 'Олександр',
        patronymic: 'Миколайович',
        raw: null,
        scheme: null,
        source: `file sha256:${sha256(bytes)}`,
      },
    ]);
    expect(k.birth).toEqual({ date: '1994-03-12', precision: 'day' });
    expect(k.sex).toBe('male');
    expect(k.military).toMatchObject({ unit: 'в/ч А0001', serviceNumber: 'SN-1' });
    expect(byRef.get('UA-002')!.birth).toEqual({ date: '1985-03-01', precision: 'month' });
    expect(byRef.get('UA-003')!.names[0]).toMatchObject({ script: 'Latn', family: 'Smith', given: 'John' });
    expect(byRef.get('UA-003')!.birthPlace).toBe('London, UK');
    expect(byRef.get('UA-003')!.birth).toEqual({ date: '1970-01-01', precision: 'approximate' });
    expect(byRef.get('UA-004')!.names[0]).toMatchObject({ script: 'Cyrl', lang: 'ru', family: 'Ёлкин' });
    expect(byRef.get('UA-005')!.names[0]).toMatchObject({ family: "O'Neil-Petrenko", given: 'Mary "Masha"' });
    const audit = await database.db
      .selectFrom('audit_events')
      .select('action')
      .where('org_id', '=', ctx.orgId)
      .execute();
    expect(audit.map((a) => a.action).sort()).toEqual([
      ...Array(5).fill('person.created'),
      'registry.imported',
    ]);
  });

  it('imports the same list as XLSX to the same records', async () => {
    const fromCsv = testContext(['coordinator']);
    const fromXlsx = testContext(['list_officer']);
    await imported(fromCsv, utf8(csvOf(GOOD_ROWS)), 'list.csv');
    const xlsx = await toXlsx(HEADER, GOOD_ROWS);
    expect(await imported(fromXlsx, xlsx, 'list.xlsx')).toEqual({
      total: 5,
      created: 5,
      updated: 0,
      unchanged: 0,
    });
    const strip = (
      m: Map<string, Awaited<ReturnType<typeof personsByRef>> extends Map<string, infer P> ? P : never>,
    ) =>
      [...m.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([ref, p]) => ({
          ref,
          names: p.names.map((n) => ({ ...n, source: null })),
          birth: p.birth,
          birthPlace: p.birthPlace,
          sex: p.sex,
          category: p.category,
          military: p.military,
        }));
    expect(strip(await personsByRef(fromXlsx))).toEqual(strip(await personsByRef(fromCsv)));
  });

  it('a re-run of the same file is a no-op: all unchanged, same persons, same versions', async () => {
    const ctx = testContext(['coordinator']);
    const bytes = utf8(csvOf(GOOD_ROWS));
    await imported(ctx, bytes, 'list.csv');
    const before = await snapshot(ctx);
    expect(await imported(ctx, bytes, 'list.csv')).toEqual({
      total: 5,
      created: 0,
      updated: 0,
      unchanged: 5,
    });
    const xlsx = await toXlsx(HEADER, GOOD_ROWS);
    // Same content in another format: new file hash, but nothing new about any person.
    expect(await imported(ctx, xlsx, 'list.xlsx')).toEqual({
      total: 5,
      created: 0,
      updated: 0,
      unchanged: 5,
    });
    const after = await snapshot(ctx);
    // Only the two import summaries were added to the trail.
    expect({ ...after, audit: after.audit - 2 }).toEqual(before);
  });

  it('a changed row updates the person and adds the new spelling without dropping the old one', async () => {
    const ctx = testContext(['coordinator']);
    const first = utf8(csvOf(GOOD_ROWS));
    await imported(ctx, first, 'list.csv');
    const changed = GOOD_ROWS.map((r) => [...r]);
    changed[0] = ['UA-001', 'Kovalenko', 'Oleksandr', '', '', 'Київ, Оболонь', '', '', '', ''];
    const second = utf8(csvOf(changed));
    expect(await imported(ctx, second, 'list-v2.csv')).toEqual({
      total: 5,
      created: 0,
      updated: 1,
      unchanged: 4,
    });
    const k = (await personsByRef(ctx)).get('UA-001')!;
    expect(k.names.map((n) => [n.script, n.family, n.given, n.patronymic, n.source])).toEqual([
      ['Cyrl', 'Коваленко', 'Олександр', 'Миколайович', `file sha256:${sha256(first)}`],
      ['Latn', 'Kovalenko', 'Oleksandr', null, `file sha256:${sha256(second)}`],
    ]);
    expect(k.displayName).toBe('Коваленко Олександр Миколайович');
    expect(k.birthPlace).toBe('Київ, Оболонь');
    // Empty cells do not erase what is known.
    expect(k.birth).toEqual({ date: '1994-03-12', precision: 'day' });
    expect(k.military).toMatchObject({ unit: 'в/ч А0001', serviceNumber: 'SN-1' });
    expect(k.version).toBe(2);
    const updates = await database.db
      .selectFrom('audit_events')
      .select(['entity_id', 'detail'])
      .where('org_id', '=', ctx.orgId)
      .where('action', '=', 'person.updated')
      .execute();
    expect(updates).toEqual([
      { entity_id: k.id, detail: { via: 'import', source: `file sha256:${sha256(second)}` } },
    ]);
  });
});

describe('import: malformed files are rejected whole and change nothing', () => {
  let ctx: RequestContext;
  let before: Awaited<ReturnType<typeof snapshot>>;
  beforeAll(async () => {
    ctx = testContext(['coordinator']);
    await imported(ctx, utf8(csvOf(GOOD_ROWS)), 'list.csv');
    before = await snapshot(ctx);
  });

  const expectUnchanged = async () => expect(await snapshot(ctx)).toEqual(before);
  const where = (errors: RowError[]) => errors.map((e) => [e.line, e.column, e.code]);

  it('bad dates: every bad cell by line and column, good rows not imported either', async () => {
    const rows = [
      ['UA-101', 'Петренко', '', '', '31.02.1990', '', '', '', '', ''],
      ['UA-102', 'Петренко', '', '', '1990-01-01', '', '', '', '', ''],
      ['UA-103', 'Петренко', '', '', '2024-13-01', '', '', '', 'x', ''],
      ['UA-001', 'Коваленко', 'Олександр', '', '1799', '', '', '', '', ''],
    ];
    const errors = await rejected(ctx, utf8(csvOf(rows)), 'dates.csv');
    expect(where(errors)).toEqual([
      [2, 'birth_date', 'INVALID_DATE'],
      [4, 'birth_date', 'INVALID_DATE'],
      [4, 'sex', 'INVALID_SEX'],
      [5, 'birth_date', 'INVALID_DATE'],
    ]);
    for (const e of errors) expect(e.message).not.toMatch(/Петренко|Коваленко|1990|2024/);
    await expectUnchanged();
  });

  it('unknown and missing columns are reported on line 1 by column name', async () => {
    const header = ['id', 'surname', 'given_name', 'birth_date'];
    const errors = await rejected(
      ctx,
      utf8(csvOf([['UA-201', 'Бондар', 'Олег', '1990']], header)),
      'cols.csv',
    );
    expect(where(errors)).toEqual([
      [1, 'surname', 'UNKNOWN_COLUMN'],
      [1, 'family_name', 'MISSING_COLUMN'],
    ]);
    await expectUnchanged();
  });

  it('broken UTF-8 is reported at its line and position', async () => {
    const good = utf8(csvOf([['UA-301', 'Мельник', '', '', '', '', '', '', '', '']]));
    const broken = Buffer.concat([
      good,
      Buffer.from('UA-302,Мел'),
      Buffer.from([0xd0, 0x28]),
      Buffer.from('ник\r\n'),
    ]);
    const errors = await rejected(ctx, broken, 'utf8.csv');
    expect(errors).toEqual([
      expect.objectContaining({ line: 3, code: 'INVALID_ENCODING', position: expect.any(Number) }),
    ]);
    await expectUnchanged();
  });

  it('a header without rows, and an empty file, are refused', async () => {
    expect(where(await rejected(ctx, utf8(`${HEADER.join(',')}\r\n`), 'empty.csv'))).toEqual([
      [2, null, 'NO_ROWS'],
    ]);
    expect(where(await rejected(ctx, Buffer.alloc(0), 'empty.csv'))).toEqual([[0, null, 'EMPTY_FILE']]);
    expect(where(await rejected(ctx, await toXlsx(HEADER, []), 'empty.xlsx'))).toEqual([
      [2, null, 'NO_ROWS'],
    ]);
    await expectUnchanged();
  });

  it('one bad row deep in a large good file keeps the whole file out', async () => {
    const rows = Array.from({ length: 3000 }, (_, i) => [
      `BIG-${i}`,
      `Прізвище${i}`,
      'Ім’я',
      '',
      '1990',
      '',
      '',
      '',
      '',
      '',
    ]);
    rows[2718] = ['BIG-2718', '', 'Ім’я', '', '1990', '', '', '', '', ''];
    expect(where(await rejected(ctx, utf8(csvOf(rows)), 'big.csv'))).toEqual([
      [2720, 'family_name', 'REQUIRED'],
    ]);
    await expectUnchanged();
  });

  it(`${GARBAGE_BYTES / 1024 / 1024} MB of seeded random garbage as .csv and as .xlsx`, async () => {
    const garbage = seededBytes(GARBAGE_BYTES, 0x5eed);
    const asZip = Buffer.from(garbage);
    asZip.set([0x50, 0x4b, 0x03, 0x04], 0);
    for (const [bytes, name] of [
      [garbage, 'garbage.csv'],
      [garbage, 'garbage.xlsx'],
      [asZip, 'garbage.xlsx'],
    ] as const) {
      const errors = await rejected(ctx, bytes, name);
      expect(errors.length, name).toBeGreaterThan(0);
      for (const e of errors) {
        expect(e.line).toEqual(expect.any(Number));
        expect(e).toHaveProperty('column');
      }
    }
    // Garbage that decodes as text (valid UTF-8): broken rows by the thousand, reported up to the cap.
    const tokens = ['a', 'b', ',', ';', '"', '\r', '\n', 'Ж', 'ї', '0', '1', '-', '='].map((t) => utf8(t));
    const textual = Buffer.alloc(GARBAGE_BYTES, 0x61);
    for (let i = 0, at = 0; at < textual.length - 1; i++) {
      const token = tokens[garbage[i]! % tokens.length]!;
      if (at + token.length > textual.length) break;
      token.copy(textual, at);
      at += token.length;
    }
    const errors = await rejected(ctx, textual, 'garbage.csv');
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.every((e) => Number.isInteger(e.line))).toBe(true);
    await expectUnchanged();
  });

  it('a file over the size limit is refused without being read', async () => {
    const errors = await rejected(ctx, Buffer.alloc(MAX_IMPORT_BYTES + 1, 0x41), 'huge.csv');
    expect(where(errors)).toEqual([[0, null, 'FILE_TOO_LARGE']]);
    await expectUnchanged();
  });
});

describe('import: a failure inside the database rolls everything back', () => {
  const bigFile = () =>
    utf8(
      csvOf(
        Array.from({ length: 2500 }, (_, i) => [
          `TX-${i}`,
          `Ткаченко${i}`,
          'Андрій',
          '',
          '1988-05',
          '',
          '',
          '',
          'm',
          '',
        ]),
      ),
    );

  it('a duplicate external reference in the second chunk undoes the first chunk too', async () => {
    const ctx = testContext(['coordinator']);
    await imported(ctx, utf8(csvOf(GOOD_ROWS)), 'list.csv');
    const before = await snapshot(ctx);
    const parsed = await readPersonFile(bigFile(), 'big.csv');
    if (!parsed.ok) throw new Error('the big file should be valid');
    // Two new rows with one reference: both are "new", and the second insert collides.
    parsed.rows[2200]!.externalRef = parsed.rows[2100]!.externalRef;
    const progress: number[] = [];
    await expect(
      database.transaction((tx) =>
        importPersons(ctx, tx, parsed.rows, {
          fileSha256: 'f'.repeat(64),
          onProgress: (d) => progress.push(d),
        }),
      ),
    ).rejects.toMatchObject({ code: 'DUPLICATE' });
    // The first 2,000 persons had been written before the collision...
    expect(progress).toEqual([2000]);
    // ...and none of them, nor their audit rows, survived.
    expect(await snapshot(ctx)).toEqual(before);
  });

  it('an error thrown from onProgress after the first chunk rolls back everything', async () => {
    const ctx = testContext(['coordinator']);
    await imported(ctx, utf8(csvOf(GOOD_ROWS)), 'list.csv');
    const before = await snapshot(ctx);
    const r = importFile(ctx, bigFile(), 'big.csv', () => {
      throw new Error('the client went away');
    });
    await expect(r).rejects.toThrow('the client went away');
    expect(await snapshot(ctx)).toEqual(before);
    // The same file then imports in full.
    expect(await imported(ctx, bigFile(), 'big.csv')).toEqual({
      total: 2500,
      created: 2500,
      updated: 0,
      unchanged: 0,
    });
  });

  it('an updating import that fails leaves the updated persons as they were', async () => {
    const ctx = testContext(['coordinator']);
    await imported(ctx, utf8(csvOf(GOOD_ROWS)), 'list.csv');
    const before = await snapshot(ctx);
    const changed = GOOD_ROWS.map((r) => [...r]);
    changed[1] = ['UA-002', 'Shevchuk', 'Iryna', '', '', 'Lviv', '', '', '', ''];
    await expect(
      importFile(ctx, utf8(csvOf(changed)), 'v2.csv', () => {
        throw new Error('disk full');
      }),
    ).rejects.toThrow('disk full');
    expect(await snapshot(ctx)).toEqual(before);
  });
});

/** Cells that a spreadsheet would run as formulas (OWASP CSV injection). */
const DANGEROUS = /^[=+\-@\t\r]/;

describe('export', () => {
  let ctx: RequestContext;
  const restricted: PersonInput = {
    names: [
      { script: 'Latn', lang: 'en', family: '=HYPERLINK("http://evil.example","x")', given: '+SUM(1,2)' },
    ],
    sex: 'male',
    birthPlace: '@SUM(A1:A9)',
    military: { unit: '\tcmd|/c calc', serviceNumber: '\r=1+1', branch: 'Navy', rank: 'Sailor' },
    externalRefs: [{ system: 'ref', value: '-2+3' }],
    contacts: [{ name: 'Secret Contact (synthetic)', phone: '+380 99 999 9999' }],
    health: [{ flag: 'seriously_wounded', determination: 'CONFIDENTIAL-HEALTH' }],
    marks: 'CONFIDENTIAL-MARK tattoo',
    photos: [{ sha256: 'b'.repeat(64), caption: 'CONFIDENTIAL-PHOTO' }],
  };
  const SECRETS = /Secret Contact|\+380 99|CONFIDENTIAL|seriously_wounded|bbbbbbbb/;

  beforeAll(async () => {
    ctx = testContext(['coordinator']);
    await imported(ctx, utf8(csvOf(GOOD_ROWS)), 'list.csv');
    // Between them, these two roles may write every restricted field.
    const writer: RequestContext = { ...ctx, roles: ['coordinator', 'identity_analyst'] };
    await database.transaction((tx) => registerPerson(writer, tx, restricted));
    await database.transaction((tx) =>
      registerPerson(writer, tx, {
        names: [{ script: 'Cyrl', lang: 'uk', family: '-Дефіс', patronymic: '=Формула' }],
        externalRefs: [],
        marks: 'CONFIDENTIAL-MARK 2',
      }),
    );
  });

  it('CSV: the import columns, every person, formula cells neutralised, no restricted fields', async () => {
    const { body, rows } = await database.transaction((tx) => exportPersons(ctx, tx, 'csv'));
    expect(rows).toBe(7);
    const text = body.toString('utf8');
    expect(text).not.toMatch(SECRETS);
    const read = parseCsvText(text);
    expect(read.errors).toEqual([]);
    expect(read.sheet!.header).toEqual([...EXPORT_COLUMNS]);
    expect(read.sheet!.records).toHaveLength(7);
    const cells = read.sheet!.records.flatMap((r) => r.cells);
    for (const c of cells) expect(c, JSON.stringify(c)).not.toMatch(DANGEROUS);
    const evil = read.sheet!.records.find((r) => r.cells[0] === "'-2+3")!;
    expect(evil.cells).toEqual([
      "'-2+3",
      `'=HYPERLINK("http://evil.example","x")`,
      "'+SUM(1,2)",
      '',
      '',
      "'@SUM(A1:A9)",
      "'\tcmd|/c calc",
      "'\r=1+1",
      'male',
      '',
    ]);
    const other = read.sheet!.records.find((r) => r.cells[1] === "'-Дефіс")!;
    expect(other.cells[0]).toMatch(/^hw:[0-9a-f-]{36}$/);
    expect(other.cells[3]).toBe("'=Формула");
    const audit = await database.db
      .selectFrom('audit_events')
      .select('detail')
      .where('org_id', '=', ctx.orgId)
      .where('action', '=', 'person.exported')
      .execute();
    expect(audit).toContainEqual({ detail: { format: 'csv', rows: 7 } });
  });

  it('XLSX: string cells only, no formulas, formula-like text neutralised, no restricted fields', async () => {
    const { body, rows } = await database.transaction((tx) => exportPersons(ctx, tx, 'xlsx'));
    expect(rows).toBe(7);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(new Uint8Array(body).buffer);
    const ws = wb.worksheets[0]!;
    const values: string[][] = [];
    ws.eachRow((row) => {
      const line: string[] = [];
      row.eachCell({ includeEmpty: true }, (cell) => {
        expect(cell.type, cell.address).not.toBe(ExcelJS.ValueType.Formula);
        expect(cell.formula, cell.address).toBeFalsy();
        if (cell.value !== null && cell.value !== undefined)
          expect(typeof cell.value, cell.address).toBe('string');
        line.push(cell.value == null ? '' : String(cell.value));
      });
      values.push(line);
    });
    expect(values[0]).toEqual([...EXPORT_COLUMNS]);
    expect(values).toHaveLength(8);
    for (const c of values.flat()) expect(c, JSON.stringify(c)).not.toMatch(DANGEROUS);
    expect(values.flat().join('\n')).not.toMatch(SECRETS);
    const evil = values.find((r) => r[0] === "'-2+3")!;
    expect(evil.slice(1, 3)).toEqual([`'=HYPERLINK("http://evil.example","x")`, "'+SUM(1,2)"]);
    expect(evil[5]).toBe("'@SUM(A1:A9)");
    expect(evil[6]).toBe("'\tcmd|/c calc");
  });

  it('an exported CSV or XLSX imported back changes nothing', async () => {
    const c = testContext(['coordinator']);
    await imported(c, utf8(csvOf(GOOD_ROWS)), 'list.csv');
    // Persons entered by hand: no list reference, partial birth dates, more military details.
    const byHand: PersonInput[] = [
      {
        names: [
          { script: 'Cyrl', lang: 'uk', family: 'Гнатюк', given: 'Василь', patronymic: 'Іванович' },
          { script: 'Latn', lang: 'en', family: 'Hnatiuk', given: 'Vasyl', scheme: 'uk-2010' },
        ],
        sex: 'male',
        birth: { date: '1979-11-05', precision: 'day' },
        birthPlace: 'Маріуполь',
        category: 'servicemember',
        military: { branch: 'НГУ', unit: 'в/ч 3057', rank: 'сержант', serviceNumber: 'ВС-777' },
        externalRefs: [{ system: 'icrc', value: 'ICRC-77' }],
        contacts: [{ name: 'Гнатюк Олена (synthetic)' }],
      },
      {
        names: [{ script: 'Cyrl', lang: 'uk', family: 'Лисенко' }],
        birth: { date: '1990-06-15', precision: 'month' },
        citizenships: ['UA'],
      },
      {
        names: [{ script: 'Cyrl', lang: 'uk', family: 'Мороз', given: 'Ганна' }],
        sex: 'female',
        birth: { date: '1966-08-20', precision: 'approximate' },
        category: 'civilian_internee',
      },
      {
        names: [{ script: 'Latn', lang: 'en', family: 'Ivanenko' }],
        birth: { date: '2002-04-09', precision: 'year' },
      },
    ];
    for (const p of byHand) await database.transaction((tx) => registerPerson(c, tx, p));
    const before = await snapshot(c);
    for (const format of ['csv', 'xlsx'] as const) {
      const { body } = await database.transaction((tx) => exportPersons(c, tx, format));
      expect(await imported(c, body, `export.${format}`), format).toEqual({
        total: 9,
        created: 0,
        updated: 0,
        unchanged: 9,
      });
    }
    const after = await snapshot(c);
    // Two exports and two import summaries were audited; nothing else changed.
    expect({ ...after, audit: after.audit - 4 }).toEqual(before);
  });
});

describe('mergeImportedRow', () => {
  const stored = PersonInputSchema.parse({
    names: [{ script: 'Cyrl', lang: 'uk', family: 'Лисенко' }],
    birth: { date: '1990-06-15', precision: 'month' },
  });
  const row = (birth: { date: string; precision: string } | null) =>
    PersonInputSchema.parse({ names: [{ script: 'Cyrl', lang: 'uk', family: 'Лисенко' }], birth });

  it('changes a birth date only when the row says something new about it', () => {
    // What an export of the stored person says, read back.
    expect(mergeImportedRow(stored, row({ date: '1990-06-01', precision: 'month' }))).toBeUndefined();
    expect(mergeImportedRow(stored, row(null))).toBeUndefined();
    expect(mergeImportedRow(stored, row({ date: '1990-07-01', precision: 'month' }))?.birth).toEqual({
      date: '1990-07-01',
      precision: 'month',
    });
    expect(mergeImportedRow(stored, row({ date: '1990-06-15', precision: 'day' }))?.birth).toEqual({
      date: '1990-06-15',
      precision: 'day',
    });
  });
});
