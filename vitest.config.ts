import { defineConfig } from 'vitest/config';

// Two projects: fast unit tests, and database tests (*.int.test.ts) that run on PGlite by default
// and on PostgreSQL when DATABASE_URL is set (see .ci/run).
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['src/**/*.test.ts', 'web/src/**/*.test.ts', 'bench/**/*.test.ts', 'scripts/**/*.test.ts'],
          exclude: ['src/**/*.int.test.ts', 'node_modules/**'],
          testTimeout: 30_000,
          // Vitest's default in a run is one worker fewer than the cores: one, on this 2-core machine.
          maxWorkers: 2,
          // The files of a worker share its loaded modules (no state is kept between files that a
          // test relies on): the whole unit pass takes about 20 s of a core less.
          isolate: false,
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          name: 'db',
          include: ['src/**/*.int.test.ts'],
          // One migrated PGlite cluster per run, copied by every test database (src/db/testing.ts).
          globalSetup: ['./src/db/test-template.ts'],
          // Cheap argon2 for the accounts these tests create (production parameters: accounts.test.ts).
          setupFiles: ['./src/app/test-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          // Each file opens its own database; two at a time keeps memory in check on 2 cores.
          maxWorkers: 2,
          // Each file opens its own database and node; they share the worker's loaded modules
          // (the database pass: about 200 s -> 140 s on this machine).
          isolate: false,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
