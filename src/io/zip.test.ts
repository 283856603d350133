// Sniffing a zip archive by its first bytes; the archive checks themselves are in xlsx-stream.test.ts.
import { describe, expect, it } from 'vitest';
import { makeZip, seededBytes } from './test-fixtures.ts';
import { toXlsx } from './xlsx.ts';
import { startsLikeZip } from './zip.ts';

describe('startsLikeZip', () => {
  it('knows a workbook and a zip by their first bytes, and nothing else', async () => {
    expect(startsLikeZip(await toXlsx(['id'], [['A1']]))).toBe(true);
    expect(startsLikeZip(makeZip([{ name: 'a.txt', data: 'a' }]))).toBe(true);
    expect(startsLikeZip(seededBytes(1000, 7))).toBe(false);
    expect(startsLikeZip(Buffer.from('PK\x03'))).toBe(false);
    expect(startsLikeZip(Buffer.from('id,family_name\n'))).toBe(false);
  });
});
