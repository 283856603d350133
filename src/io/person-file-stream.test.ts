import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { scanPersonFile } from './person-file-stream.ts';
import type { PersonImportRow } from './person-rows.ts';
import { checkPersonRows } from './person-rows.ts';
import { readPersonFile } from './read-person-file.ts';
import { RowErrorCodes } from './row-error.ts';
import { toXlsx } from './xlsx.ts';
import { readXlsxWhole } from './xlsx-reference.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hw-stream-test-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
let n = 0;
const fileOf = (bytes: Uint8Array) => {
  const f = path.join(dir, `f${n++}.csv`);
  fs.writeFileSync(f, bytes);
  return f;
};

async function scan(bytes: Uint8Array, pieceBytes: number, maxBytes = 50 * 1024 * 1024) {
  const rows: PersonImportRow[] = [];
  const result = await scanPersonFile(fileOf(bytes), 'list.csv', (b) => void rows.push(...b), {
    maxBytes,
    pieceBytes,
  });
  return { result, rows };
}

// Cells drawn from what makes CSV reading hard: quotes, delimiters, line breaks, Cyrillic, spaces.
const cell = fc
  .array(fc.constantFrom('a', 'Б', 'ї', ' ', ',', ';', '"', '\n', '\r\n', '1', '-', "'", '='), {
    maxLength: 8,
  })
  .map((cs) => cs.join(''));
const quoted = (s: string) => (/[",;\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s);

describe('scanPersonFile', () => {
  it('reads what readPersonFile reads, rows and errors alike, whatever the piece size', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.nat(30), cell, cell, fc.constantFrom('', '1990-01-02', 'x', '1990')), {
          maxLength: 12,
        }),
        fc.boolean(),
        fc.constantFrom('\n', '\r\n', '\r'),
        fc.integer({ min: 1, max: 64 }),
        async (records, raw, eol, pieceBytes) => {
          const lines = ['id,family_name,given_name,birth_date'];
          for (const [id, family, given, birth] of records) {
            // `raw` leaves quotes unescaped now and then: stray and unterminated quotes.
            const f = raw ? family : quoted(family);
            lines.push([`P${id}`, f, quoted(given), birth].join(','));
          }
          const bytes = Buffer.from(lines.join(eol) + eol, 'utf8');
          const whole = await readPersonFile(bytes, 'list.csv');
          const { result, rows } = await scan(bytes, pieceBytes);
          if (whole.ok) {
            expect(result).toEqual({ ok: true, rows: whole.rows.length });
            expect(rows).toEqual(whole.rows);
          } else {
            expect(result).toEqual(whole);
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it('reads a large file piece by piece and reports a bad row far into it by line and column', async () => {
    const lines = ['id,family_name,birth_date'];
    for (let i = 0; i < 20_000; i++) lines.push(`P${i},Коваленко${i},1990-01-02`);
    lines[15_001] = 'P15000x,,1990-13-40';
    const bytes = Buffer.from(`${lines.join('\n')}\n`, 'utf8');
    const { result } = await scan(bytes, 4096);
    expect(result).toEqual({
      ok: false,
      errors: [
        expect.objectContaining({ line: 15_002, column: 'family_name', code: RowErrorCodes.REQUIRED }),
        expect.objectContaining({ line: 15_002, column: 'birth_date', code: RowErrorCodes.INVALID_DATE }),
      ],
    });
    const good = await scan(Buffer.from(`${lines.filter((_, i) => i !== 15_001).join('\n')}\n`), 4096);
    expect(good.result).toEqual({ ok: true, rows: 19_999 });
    expect(good.rows.at(-1)?.externalRef).toBe('P19999');
  });

  it('refuses a file above the limit without reading it', async () => {
    const { result, rows } = await scan(Buffer.from('id,family_name\nP1,Bondar\n'), 64, 10);
    expect(result).toEqual({
      ok: false,
      errors: [expect.objectContaining({ line: 0, code: RowErrorCodes.FILE_TOO_LARGE })],
    });
    expect(rows).toEqual([]);
  });

  it('reports bytes that are not UTF-8 by line, as the whole-file reader does', async () => {
    const bytes = Buffer.concat([
      Buffer.from('id,family_name\nP1,Bondar\nP2,'),
      Buffer.from([0xca, 0xee]),
      Buffer.from('\n'),
    ]);
    const { result } = await scan(bytes, 8);
    expect(result).toEqual(await readPersonFile(bytes, 'list.csv'));
    expect(result.ok).toBe(false);
  });

  it('streams XLSX with the rows and errors of readPersonFile (and of the exceljs reader), in batches', async () => {
    const xcell = fc.constantFrom('', ' ', 'Коваленко', 'Bondar', '1990-01-02', '1990-13-40', 'P1', 'x');
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(
          ['id', 'family_name', 'birth_date'],
          ['id', 'family_name', '', 'birth_date'],
          ['id', 'given_name', 'unit'],
          ['id', 'nickname'],
        ),
        fc.array(fc.array(xcell, { maxLength: 5 }), { maxLength: 30 }),
        fc.integer({ min: 0, max: 40 }),
        async (header, body, ids) => {
          const rows = body.map((cells, i) => [i < ids ? `P${i}` : (cells[0] ?? ''), ...cells.slice(1)]);
          const width = Math.max(header.length, ...rows.map((r) => r.length));
          const pad = (r: readonly string[]) => [...r, ...Array(width - r.length).fill('')];
          const bytes = await toXlsx(pad(header), rows.map(pad));
          const f = path.join(dir, `x${n++}.xlsx`);
          fs.writeFileSync(f, bytes);
          const got: PersonImportRow[] = [];
          const result = await scanPersonFile(f, 'list.xlsx', (b) => void got.push(...b), {
            maxBytes: 50 * 1024 * 1024,
            batchRows: 7,
          });
          const whole = await readPersonFile(bytes, 'list.xlsx');
          if (whole.ok) {
            expect(result).toEqual({ ok: true, rows: whole.rows.length });
            expect(got).toEqual(whole.rows);
          } else expect(result).toEqual(whole);
          // The reference: the whole-workbook reader over exceljs, checked the same way.
          const reference = await readXlsxWhole(bytes);
          const checked =
            reference.sheet && checkPersonRows(reference.sheet, { requireRows: reference.total === 0 });
          if (whole.ok) expect(checked?.rows).toEqual(whole.rows);
        },
      ),
      { numRuns: 60 },
    );
  });
});
