import type { Migration, MigrationProvider } from 'kysely';
import * as m001 from './001_foundation.ts';

/** Versioned migrations, applied in name order at start; each runs once (tracked by Kysely). */
const migrations: Record<string, Migration> = {
  '001_foundation': m001,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => migrations,
};
