// The streaming XLSX reader: the same table and problems as the whole-workbook reader over exceljs
// (property test on generated workbooks), the same from a file as from bytes, rows handed out in
// batches; and the archive checks: not a zip, not a workbook, truncated, a directory pointing
// outside the file, a decompression bomb (declared, or lying about its size). Synthetic data only.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { deflateRawSync } from 'node:zlib';
import ExcelJS from 'exceljs';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { ErrorSink } from './row-error.ts';
import type { SheetRecord } from './sheet.ts';
import { makeZip, seededBytes } from './test-fixtures.ts';
import { toXlsx } from './xlsx.ts';
import { readXlsxWhole } from './xlsx-reference.ts';
import { readXlsxStream, streamXlsx } from './xlsx-stream.ts';

const MB = 1024 * 1024;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'homeward-xlsx-stream-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

type CellSpec =
  | { k: 'empty' }
  | { k: 'text'; v: string }
  | { k: 'number'; v: number; fmt?: string }
  | { k: 'date'; v: Date }
  | { k: 'bool'; v: boolean }
  | { k: 'formula'; result?: string | number }
  | { k: 'rich'; runs: string[] }
  | { k: 'error' }
  | { k: 'link'; text: string };

const text = fc.oneof(
  fc.string({ maxLength: 8 }),
  fc.constantFrom('Коваленко', ' padded ', 'a_x0041_b', '<&>"\'', 'line\nbreak', ''),
);
const cell: fc.Arbitrary<CellSpec> = fc.oneof(
  { weight: 3, arbitrary: fc.constant({ k: 'empty' as const }) },
  { weight: 5, arbitrary: text.map((v) => ({ k: 'text' as const, v })) },
  {
    weight: 2,
    arbitrary: fc.record({
      k: fc.constant('number' as const),
      v: fc.oneof(fc.integer({ min: -1e6, max: 1e9 }), fc.double({ min: -1e12, max: 1e12, noNaN: true })),
      fmt: fc.constantFrom(undefined, '000000', '0.00', 'dd.mm.yyyy', '@'),
    }),
  },
  {
    weight: 1,
    arbitrary: fc
      .date({ min: new Date(Date.UTC(1901, 0, 1)), max: new Date(Date.UTC(2090, 0, 1)), noInvalidDate: true })
      .map((d) => ({ k: 'date' as const, v: new Date(Math.round(d.getTime() / 86_400_000) * 86_400_000) })),
  },
  { weight: 1, arbitrary: fc.boolean().map((v) => ({ k: 'bool' as const, v })) },
  {
    weight: 1,
    arbitrary: fc
      .option(fc.oneof(fc.string({ maxLength: 5 }), fc.integer()), { nil: undefined })
      .map((result) => ({ k: 'formula' as const, result })),
  },
  {
    weight: 1,
    arbitrary: fc.array(text, { minLength: 1, maxLength: 3 }).map((runs) => ({ k: 'rich' as const, runs })),
  },
  { weight: 1, arbitrary: fc.constant({ k: 'error' as const }) },
  { weight: 1, arbitrary: text.map((t) => ({ k: 'link' as const, text: t })) },
);

interface BookSpec {
  hiddenFirst: boolean;
  rows: { at: number; cells: CellSpec[] }[];
  merges: { top: number; left: number; h: number; w: number }[];
  shared: boolean;
}

const book: fc.Arbitrary<BookSpec> = fc.record({
  hiddenFirst: fc.boolean(),
  rows: fc.array(fc.record({ at: fc.integer({ min: 1, max: 3 }), cells: fc.array(cell, { maxLength: 6 }) }), {
    maxLength: 8,
  }),
  merges: fc.array(
    fc.record({
      top: fc.integer({ min: 1, max: 12 }),
      left: fc.integer({ min: 1, max: 7 }),
      h: fc.integer({ min: 1, max: 2 }),
      w: fc.integer({ min: 1, max: 2 }),
    }),
    { maxLength: 2 },
  ),
  shared: fc.boolean(),
});

function set(c: ExcelJS.Cell, spec: CellSpec): void {
  switch (spec.k) {
    case 'empty':
      return;
    case 'text':
      c.value = spec.v;
      return;
    case 'number':
      c.value = spec.v;
      if (spec.fmt) c.numFmt = spec.fmt;
      return;
    case 'date':
      c.value = spec.v;
      return;
    case 'bool':
      c.value = spec.v;
      return;
    case 'formula':
      c.value = spec.result === undefined ? { formula: 'A1' } : { formula: 'A1', result: spec.result };
      return;
    case 'rich':
      c.value = { richText: spec.runs.map((t) => ({ text: t, font: { bold: true } })) };
      return;
    case 'error':
      c.value = { error: '#N/A' } as ExcelJS.CellErrorValue;
      return;
    case 'link':
      c.value = { text: spec.text, hyperlink: 'https://example.invalid/' };
      return;
  }
}

async function build(spec: BookSpec): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  if (spec.hiddenFirst) {
    const hidden = wb.addWorksheet('Hidden', { state: 'hidden' });
    hidden.getCell('A1').value = 'not this one';
  }
  const ws = wb.addWorksheet('Persons');
  let line = 0;
  for (const r of spec.rows) {
    line += r.at;
    r.cells.forEach((c, i) => {
      set(ws.getCell(line, i + 1), c);
    });
  }
  const taken: { top: number; left: number; bottom: number; right: number }[] = [];
  for (const m of spec.merges) {
    const r = { top: m.top, left: m.left, bottom: m.top + m.h - 1, right: m.left + m.w - 1 };
    if (taken.some((t) => t.left <= r.right && t.right >= r.left && t.top <= r.bottom && t.bottom >= r.top))
      continue;
    if (r.bottom === r.top && r.right === r.left) continue;
    taken.push(r);
    ws.mergeCells(r.top, r.left, r.bottom, r.right);
  }
  const out = await wb.xlsx.writeBuffer({ useSharedStrings: spec.shared } as never);
  return Buffer.from(out as unknown as Uint8Array);
}

describe('readXlsxStream', () => {
  it('reads what the whole-workbook reader reads, table and problems alike, from bytes and from a file', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(book, async (spec) => {
        const buf = await build(spec);
        const whole = await readXlsxWhole(buf);
        expect(await readXlsxStream({ bytes: buf })).toEqual(whole);
        const file = path.join(dir, `p${n++}.xlsx`);
        fs.writeFileSync(file, buf);
        expect(await readXlsxStream({ file })).toEqual(whole);
      }),
      { numRuns: 150 },
    );
  });

  it('hands out the header, then the rows in batches, and a big sheet with few shared strings', async () => {
    const rows = Array.from({ length: 2500 }, (_, i) => [`R${i}`, `Синтетичний${i % 7}`, String(i)]);
    const buf = await toXlsx(['id', 'family_name', 'n'], rows);
    const file = path.join(dir, 'big.xlsx');
    fs.writeFileSync(file, buf);
    const batches: SheetRecord[][] = [];
    const fractions: number[] = [];
    let header: string[] = [];
    const sink = new ErrorSink();
    const ok = await streamXlsx(
      { file },
      sink,
      {
        header: (h) => {
          header = h;
        },
        records: (r, fraction) => {
          batches.push(r);
          fractions.push(fraction);
        },
      },
      { batchRows: 1000 },
    );
    expect(ok).toBe(true);
    expect(sink.total).toBe(0);
    expect(header).toEqual(['id', 'family_name', 'n']);
    expect(batches.every((b) => b.length <= 1000 + 200)).toBe(true);
    expect(batches.length).toBeGreaterThan(1);
    // Progress: how far through the worksheet, never backwards, complete at the end.
    expect(fractions.every((f, i) => f >= 0 && f <= 1 && (i === 0 || f >= fractions[i - 1]!))).toBe(true);
    expect(fractions[0]).toBeLessThan(1);
    expect(fractions.at(-1)).toBe(1);
    const all = batches.flat();
    expect(all.length).toBe(2500);
    expect(all[2499]).toEqual({ line: 2501, cells: ['R2499', 'Синтетичний0', '2499'] });
  });
});

describe('the archive checks', () => {
  const whole = async (bytes: Buffer, opts = {}) => {
    const r = await readXlsxStream({ bytes }, opts);
    expect(r.sheet).toBeNull();
    expect(r.errors).toHaveLength(1);
    return r.errors[0]!.message;
  };

  it('refuses bytes that are not a zip archive, and a zip that is not a workbook', async () => {
    expect(await whole(seededBytes(1000, 7))).toMatch(/not an XLSX workbook/);
    expect(await whole(Buffer.from('PK\x03\x04'))).toMatch(/damaged or incomplete/);
    expect(await whole(makeZip([{ name: 'word/document.xml', data: '<w:document/>' }]))).toMatch(
      /zip archive but not an Excel workbook/,
    );
  });

  it('refuses a truncated archive and one whose directory points outside the file', async () => {
    const xlsx = await toXlsx(['id'], [['A1']]);
    expect(await whole(xlsx.subarray(0, xlsx.length - 30))).toMatch(/damaged or incomplete/);
    const zip = makeZip([{ name: 'xl/workbook.xml', data: '<workbook/>' }]);
    zip.writeUInt32LE(zip.length, zip.length - 6);
    expect(await whole(zip)).toMatch(/damaged or incomplete/);
  });

  it('refuses a workbook that declares more unpacked data than allowed (a decompression bomb)', async () => {
    const bomb = deflatedZip([
      { name: 'xl/workbook.xml', data: Buffer.from('<workbook/>') },
      { name: 'xl/worksheets/sheet1.xml', data: Buffer.from('x'), declaredSize: 4000 * MB },
    ]);
    expect(await whole(bomb, { maxUnpackedBytes: 512 * MB })).toMatch(/too large when unpacked/);
  });

  it('stops inflating at the limit when an entry unpacks to more than it declares', async () => {
    // A worksheet of 40 MB of zeros in about 40 KB, declaring 1 KB: refused before 40 MB are inflated.
    const big = Buffer.alloc(40 * MB, 0x20);
    const zip = deflatedZip([
      {
        name: 'xl/workbook.xml',
        data: Buffer.from('<workbook><sheets><sheet name="a" r:id="r1"/></sheets></workbook>'),
      },
      {
        name: 'xl/_rels/workbook.xml.rels',
        data: Buffer.from(
          '<Relationships><Relationship Id="r1" Target="worksheets/sheet1.xml"/></Relationships>',
        ),
      },
      { name: 'xl/worksheets/sheet1.xml', data: big, declaredSize: 1024 },
    ]);
    expect(zip.length).toBeLessThan(MB);
    expect(await whole(zip, { maxUnpackedBytes: 4 * MB })).toMatch(/damaged|too large|not a readable/);
  });

  it('refuses a small worksheet whose merged ranges cover billions of cells, and reads a plain minimal one', async () => {
    const sheet = (extra: string) =>
      makeZip([
        {
          name: 'xl/workbook.xml',
          data: '<workbook><sheets><sheet name="a" r:id="r1"/></sheets></workbook>',
        },
        {
          name: 'xl/_rels/workbook.xml.rels',
          data: '<Relationships><Relationship Id="r1" Target="worksheets/sheet1.xml"/></Relationships>',
        },
        {
          name: 'xl/worksheets/sheet1.xml',
          data: `<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>id</t></is></c></row><row r="2"><c r="A2"><v>7</v></c></row></sheetData>${extra}</worksheet>`,
        },
      ]);
    expect(await readXlsxStream({ bytes: sheet('') })).toEqual({
      sheet: { header: ['id'], records: [{ line: 2, cells: ['7'] }] },
      errors: [],
      total: 0,
    });
    const t0 = Date.now();
    expect(await whole(sheet('<mergeCells><mergeCell ref="B3:XFD1048576"/></mergeCells>'))).toMatch(
      /too many merged cells/,
    );
    expect(Date.now() - t0).toBeLessThan(5000);
  });

  it('holds shared strings only up to their limit', async () => {
    const buf = await toXlsx(['id'], [['x'.repeat(5000)]]);
    expect(await whole(buf, { maxSharedStringsBytes: 1000 })).toMatch(/too large when unpacked/);
  });
});

/** A zip with deflated entries; `declaredSize` can lie about an entry's unpacked size. */
function deflatedZip(entries: { name: string; data: Buffer; declaredSize?: number }[]): Buffer {
  const zip = makeZip(entries.map((e) => ({ name: e.name, data: deflateRawSync(e.data) })));
  // Patch method (8 = deflate) and the unpacked sizes in the local headers and the directory.
  let p = 0;
  for (const e of entries) {
    const nameLength = zip.readUInt16LE(p + 26);
    const packed = zip.readUInt32LE(p + 18);
    zip.writeUInt16LE(8, p + 8);
    zip.writeUInt32LE(e.declaredSize ?? e.data.length, p + 22);
    p += 30 + nameLength + packed;
  }
  for (const e of entries) {
    const nameLength = zip.readUInt16LE(p + 28);
    zip.writeUInt16LE(8, p + 10);
    zip.writeUInt32LE(e.declaredSize ?? e.data.length, p + 24);
    p += 46 + nameLength;
  }
  return zip;
}
