// Global setup of the database tests (vitest.config.ts): one migrated PGlite cluster, made once per
// run, that every test database starts from (src/db/testing.ts) instead of creating a cluster and
// running every migration again. On PostgreSQL (DATABASE_URL) each file migrates its own schema,
// which takes a fraction of a second, so nothing is prepared.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { openDatabase } from './open.ts';

declare module 'vitest' {
  interface ProvidedContext {
    /** A dump of the migrated PGlite cluster made here; unset on PostgreSQL. */
    homewardPgliteDump?: string;
    /** A migrated PGlite data directory (its pgdata), to copy into a CLI test node's --data. */
    homewardPgliteDir?: string;
  }
}

export default async function setup(project: TestProject): Promise<(() => void) | undefined> {
  if (process.env.DATABASE_URL) return undefined;
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'homeward-template-'));
  const dir = path.join(root, 'node');
  // Cluster, migrations, closed cleanly: no node identity, as on a freshly created node.
  await (await openDatabase({ dataDir: dir })).close();
  const { PGlite } = await import('@electric-sql/pglite');
  const pglite = await PGlite.create(path.join(dir, 'pgdata'));
  const dump = await pglite.dumpDataDir('none');
  await pglite.close();
  const file = path.join(root, 'pgdata.tar');
  fs.writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
  project.provide('homewardPgliteDump', file);
  project.provide('homewardPgliteDir', path.join(dir, 'pgdata'));
  return () => fs.rmSync(root, { recursive: true, force: true });
}
