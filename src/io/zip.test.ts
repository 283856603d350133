import { describe, expect, it } from 'vitest';
import { makeZip, seededBytes } from './test-fixtures.ts';
import { toXlsx } from './xlsx.ts';
import { checkXlsxArchive, startsLikeZip } from './zip.ts';

const MB = 1024 * 1024;

describe('checkXlsxArchive', () => {
  it('accepts a workbook written by the XLSX writer', async () => {
    const xlsx = await toXlsx(['id'], [['A1']]);
    expect(startsLikeZip(xlsx)).toBe(true);
    expect(checkXlsxArchive(xlsx, 10 * MB)).toBeNull();
  });

  it('refuses bytes that are not a zip archive', () => {
    expect(startsLikeZip(seededBytes(1000, 7))).toBe(false);
    expect(checkXlsxArchive(seededBytes(1000, 7), MB)).toMatch(/not an XLSX workbook/);
    expect(checkXlsxArchive(Buffer.from('PK\x03\x04'), MB)).toMatch(/not an XLSX workbook/);
  });

  it('refuses a zip that is not a workbook (a document, say)', () => {
    const docx = makeZip([{ name: 'word/document.xml', data: '<w:document/>' }]);
    expect(checkXlsxArchive(docx, MB)).toMatch(/zip archive but not an Excel workbook/);
  });

  it('refuses a truncated archive whose directory is missing', async () => {
    const xlsx = await toXlsx(['id'], [['A1']]);
    expect(checkXlsxArchive(xlsx.subarray(0, xlsx.length - 30), MB)).toMatch(/damaged or incomplete/);
  });

  it('refuses an archive whose directory points outside the file', () => {
    const zip = makeZip([{ name: 'xl/workbook.xml', data: '<workbook/>' }]);
    zip.writeUInt32LE(zip.length, zip.length - 6); // directory offset past the end
    expect(checkXlsxArchive(zip, MB)).toMatch(/damaged or incomplete/);
  });

  it('refuses a workbook that declares more unpacked data than allowed (a decompression bomb)', () => {
    const bomb = makeZip([
      { name: 'xl/workbook.xml', data: '<workbook/>' },
      { name: 'xl/worksheets/sheet1.xml', data: 'x', declaredSize: 4000 * MB },
    ]);
    expect(checkXlsxArchive(bomb, 512 * MB)).toMatch(/too large when unpacked/);
  });
});
