// Setup of the database tests (vitest.config.ts): they create an account per role per file and
// more; argon2id at OWASP's cost makes each take tens of milliseconds of a shared core. Production
// parameters are checked in accounts.test.ts, which runs without this setup.
import { enableCheapPasswordHashingForTests } from './accounts.ts';

enableCheapPasswordHashingForTests();
