// The streaming XLSX reader: the same table and problems as the whole-workbook reader over exceljs
// (property test on generated workbooks), the same from a file as from bytes, rows handed out in
// batches; and the archive checks: not a zip, not a workbook, truncated, a directory pointing
// outside the file, a decompression bomb (declared, or lying about its size). Synthetic data only.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { constants, deflateRawSync, inflateRawSync } from 'node:zlib';
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

  describe('a zip bomb of 1 MB inflating to 1 GB', () => {
    const sheetHead = '<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>id</t></is></c></row>';
    const part = (name: string, text: string) => ({
      name,
      data: deflateRawSync(text),
      size: Buffer.byteLength(text),
    });
    const workbook = [
      part('xl/workbook.xml', '<workbook><sheets><sheet name="a" r:id="r1"/></sheets></workbook>'),
      part(
        'xl/_rels/workbook.xml.rels',
        '<Relationships><Relationship Id="r1" Target="worksheets/sheet1.xml"/></Relationships>',
      ),
    ];

    it('is what it claims: about 1 MB of deflate that inflates to 1 GB (checked on a small copy)', async () => {
      // The same archive with a small honest worksheet is read: only the sizes make the difference.
      const ok = bombZip([
        ...workbook,
        part('xl/worksheets/sheet1.xml', `${sheetHead}</sheetData></worksheet>`),
      ]);
      expect((await readXlsxStream({ bytes: ok })).sheet).toEqual({ header: ['id'], records: [] });
      const small = deflateBomb(sheetHead, 3);
      expect(inflateRawSync(small).length).toBe(sheetHead.length + 3 * MB);
      const bomb = deflateBomb(sheetHead, 1024);
      expect(bomb.length).toBeLessThan(1.1 * MB);
      expect(bomb.length).toBeGreaterThan(0.9 * MB);
    });

    const variants: [string, (bomb: Buffer) => Buffer][] = [
      [
        'declaring its size',
        (b) => bombZip([...workbook, { name: 'xl/worksheets/sheet1.xml', data: b, size: GB }]),
      ],
      [
        'declaring 1 KB',
        (b) => bombZip([...workbook, { name: 'xl/worksheets/sheet1.xml', data: b, size: 1024 }]),
      ],
      [
        'in Zip64, declaring its size',
        (b) => bombZip([...workbook, { name: 'xl/worksheets/sheet1.xml', data: b, size: GB, zip64: true }]),
      ],
      [
        'in Zip64, declaring 1 KB',
        (b) => bombZip([...workbook, { name: 'xl/worksheets/sheet1.xml', data: b, size: 1024, zip64: true }]),
      ],
      [
        'declaring 150 MB, under the fixed 200 MB cap but 150 times its size',
        () =>
          bombZip([
            ...workbook,
            { name: 'xl/worksheets/sheet1.xml', data: deflateBomb(sheetHead, 150), size: 150 * MB },
          ]),
      ],
      [
        'layered: ten parts of 100 MB each, the worksheet and the shared strings among them',
        () => {
          const part = deflateBomb('<sst>', 100);
          const sheet = deflateBomb(sheetHead, 100);
          return bombZip([
            ...workbook,
            { name: 'xl/worksheets/sheet1.xml', data: sheet, size: 100 * MB },
            { name: 'xl/sharedStrings.xml', data: part, size: 100 * MB },
            ...Array.from({ length: 8 }, (_, i) => ({
              name: `xl/media/p${i}.xml`,
              data: part,
              size: 100 * MB,
            })),
          ]);
        },
      ],
    ];
    it.each(variants)('%s: refused within 1 s and 100 MB of memory', async (_name, make) => {
      const zip = make(deflateBomb(sheetHead, 1024));
      expect(zip.length).toBeLessThan(1.2 * MB);
      const file = path.join(dir, 'bomb.xlsx');
      fs.writeFileSync(file, zip);
      for (const source of [{ bytes: zip }, { file }]) {
        const before = process.memoryUsage();
        const t0 = performance.now();
        const r = await readXlsxStream(source);
        const elapsed = performance.now() - t0;
        const after = process.memoryUsage();
        expect(r.sheet).toBeNull();
        expect(r.errors.map((e) => e.message).join()).toMatch(
          /too large when unpacked|damaged|not a readable/,
        );
        expect(elapsed).toBeLessThan(1000);
        expect(after.rss - before.rss).toBeLessThan(100 * MB);
        expect(after.arrayBuffers - before.arrayBuffers).toBeLessThan(100 * MB);
      }
    });
  });

  it('holds shared strings only up to their limit', async () => {
    const buf = await toXlsx(['id'], [['x'.repeat(5000)]]);
    expect(await whole(buf, { maxSharedStringsBytes: 1000 })).toMatch(/too large when unpacked/);
  });
});

const GB = 1024 * MB;

/**
 * A raw deflate stream of `head` and then `megabytes` MB of spaces, made from one compressed
 * megabyte repeated: a full flush resets the history, so every copy is the same valid block run.
 */
function deflateBomb(head: string, megabytes: number): Buffer {
  const full = { finishFlush: constants.Z_FULL_FLUSH };
  const start = deflateRawSync(Buffer.from(head), full);
  const mb = deflateRawSync(Buffer.alloc(MB, 0x20), full);
  return Buffer.concat([
    start,
    ...Array.from({ length: megabytes }, () => mb),
    deflateRawSync(Buffer.alloc(0)),
  ]);
}

/**
 * A zip of deflated entries with the unpacked sizes given (true or not); in Zip64 the sizes sit in
 * the Zip64 extra field of the local header and the directory. No CRC (the reader never gets far).
 */
function bombZip(entries: { name: string; data: Buffer; size: number; zip64?: boolean }[]): Buffer {
  const parts: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name);
    const extra = Buffer.alloc(e.zip64 ? 20 : 0);
    if (e.zip64) {
      extra.writeUInt16LE(0x0001, 0);
      extra.writeUInt16LE(16, 2);
      extra.writeBigUInt64LE(BigInt(e.size), 4);
      extra.writeBigUInt64LE(BigInt(e.data.length), 12);
    }
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(e.zip64 ? 45 : 20, 4);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(e.zip64 ? 0xffffffff : e.data.length, 18);
    local.writeUInt32LE(e.zip64 ? 0xffffffff : e.size, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(extra.length, 28);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(e.zip64 ? 45 : 20, 4);
    central.writeUInt16LE(e.zip64 ? 45 : 20, 6);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(e.zip64 ? 0xffffffff : e.data.length, 20);
    central.writeUInt32LE(e.zip64 ? 0xffffffff : e.size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt16LE(extra.length, 30);
    central.writeUInt32LE(offset, 42);
    parts.push(local, name, extra, e.data);
    centrals.push(central, name, extra);
    offset += 30 + name.length + extra.length + e.data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, directory, end]);
}

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
