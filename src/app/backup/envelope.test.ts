// Runs without the database tests' setup (src/app/test-setup.ts), as a node does: a backup's key
// costs age's scrypt at 2^18 unless a test suite switches it.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  DEFAULT_SCRYPT_LOG_N,
  enableCheapBackupKeysForTests,
  openEncrypted,
  writeEncrypted,
} from './envelope.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'homeward-envelope-'));
const vitestFlag = process.env.VITEST;
const PASS = 'synthetic envelope passphrase';
afterEach(() => {
  process.env.VITEST = vitestFlag;
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function* lines() {
  yield '{"hello":"world"}';
}
/** The work factor named in the file's scrypt stanza (`-> scrypt SALT N`). */
const workFactorOf = (file: string) =>
  Number(/^-> scrypt \S+ (\d+)$/m.exec(fs.readFileSync(file).subarray(0, 200).toString('latin1'))?.[1]);

describe('backup keys', () => {
  it("cost age's scrypt at 2^18 unless a test suite switches it; the switch is refused outside Vitest", async () => {
    expect(DEFAULT_SCRYPT_LOG_N).toBe(18);
    // Refused outside Vitest; the file written afterwards still costs 2^18 (one derivation at 2^18
    // here and one to open it: each takes seconds).
    delete process.env.VITEST;
    expect(() => enableCheapBackupKeysForTests()).toThrow(/test suites only/);
    const strong = path.join(dir, 'strong.age');
    await writeEncrypted(lines(), strong, PASS);
    expect(workFactorOf(strong)).toBe(18);
    process.env.VITEST = vitestFlag;

    enableCheapBackupKeysForTests();
    const cheap = path.join(dir, 'cheap.age');
    await writeEncrypted(lines(), cheap, PASS);
    expect(workFactorOf(cheap)).toBe(10);
    // Each file names its own cost: both open.
    for (const f of [strong, cheap]) {
      const opened = await openEncrypted(f, PASS);
      const got: string[] = [];
      for await (const l of opened.lines()) got.push(l);
      expect(got).toEqual(['{"hello":"world"}']);
    }
  }, 60_000);
});
