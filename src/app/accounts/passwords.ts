import { hash, verify } from '@node-rs/argon2';

/** argon2id with OWASP's minimum memory cost (19 MiB, 2 passes): what every node uses. */
export const ARGON2_OWASP = { algorithm: 2, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;
/** Test suites only (see enableCheapPasswordHashingForTests): argon2id at 64 KiB, 1 pass. */
const ARGON2_TEST = { algorithm: 2, memoryCost: 64, timeCost: 1, parallelism: 1 } as const;
let argon2: typeof ARGON2_OWASP | typeof ARGON2_TEST = ARGON2_OWASP;

/**
 * Hash new passwords cheaply, for test suites that create many accounts. Refused unless the process
 * runs under Vitest, so no node can weaken its hashes by accident. Verification is unchanged: every
 * hash carries its own parameters, so hashes made at OWASP's cost still verify.
 */
export function enableCheapPasswordHashingForTests(): void {
  if (!process.env.VITEST) throw new Error('cheap password hashing is for test suites only');
  argon2 = ARGON2_TEST;
}

export async function hashPassword(password: string): Promise<string> {
  return hash(password, argon2);
}

/** Whether `password` matches `passwordHash` (an argon2 PHC string, which names its own parameters). */
export function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  return verify(passwordHash, password).catch(() => false);
}
