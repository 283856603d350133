// Setup of the database tests (vitest.config.ts): they create an account per role per file and
// more; argon2id at OWASP's cost makes each take tens of milliseconds of a shared core. Production
// parameters are checked in accounts.test.ts, which runs without this setup. Backups likewise: age's
// scrypt at 2^18 costs a second or more per backup written and opened (envelope.test.ts checks the
// default).
import { afterAll } from 'vitest';
import { runFileEnd } from '../db/test-cleanups.ts';
import { enableCheapKeySealingForTests } from '../ledger/key-store.ts';
import { enableCheapPasswordHashingForTests } from './accounts/accounts.ts';
import { enableCheapBackupKeysForTests } from './backup/envelope.ts';
import { enableInMemoryKeyFileForTests } from './node/node-identity.ts';

enableCheapPasswordHashingForTests();
enableCheapBackupKeysForTests();
// Nodes opened by in-process helpers seal their signing key under a key held in memory (one per
// process); passphrase sealing uses a cheap scrypt (key-store.test.ts checks the default).
enableInMemoryKeyFileForTests();
enableCheapKeySealingForTests();
// What the ending file's helpers left to clean up (src/db/test-cleanups.ts).
afterAll(runFileEnd);
