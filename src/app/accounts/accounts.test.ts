import { afterEach, describe, expect, it } from 'vitest';
import {
  ARGON2_OWASP,
  enableCheapPasswordHashingForTests,
  hashPassword,
  verifyPassword,
} from './accounts.ts';

const PASSWORD = 'correct horse battery staple';
const vitestFlag = process.env.VITEST;

afterEach(() => {
  process.env.VITEST = vitestFlag;
});

// This file runs without the database tests' setup (src/app/test-setup.ts), as a node does.
describe('password hashing', () => {
  it("is argon2id at OWASP's parameters unless a test suite switches it", async () => {
    expect(ARGON2_OWASP).toEqual({ algorithm: 2, memoryCost: 19456, timeCost: 2, parallelism: 1 });
    const owasp = await hashPassword(PASSWORD);
    expect(owasp).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await verifyPassword(owasp, PASSWORD)).toBe(true);
    expect(await verifyPassword(owasp, `${PASSWORD}!`)).toBe(false);

    // Outside Vitest the switch is refused and the parameters stay.
    delete process.env.VITEST;
    expect(() => enableCheapPasswordHashingForTests()).toThrow(/test suites only/);
    expect(await hashPassword(PASSWORD)).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    process.env.VITEST = vitestFlag;

    // Switched: new hashes are cheap, and hashes made at OWASP's cost still verify.
    enableCheapPasswordHashingForTests();
    const cheap = await hashPassword(PASSWORD);
    expect(cheap).toMatch(/^\$argon2id\$v=19\$m=64,t=1,p=1\$/);
    expect(await verifyPassword(cheap, PASSWORD)).toBe(true);
    expect(await verifyPassword(owasp, PASSWORD)).toBe(true);
    expect(await verifyPassword(owasp, 'wrong password here')).toBe(false);
    expect(await verifyPassword('not a hash', PASSWORD)).toBe(false);
  });
});
