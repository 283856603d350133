import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { inject } from 'vitest';
import { ensureNodeIdentity } from '../app/node/node-identity.ts';
import { cliContext, type RequestContext, type Role } from '../domain/access.ts';
import { A } from '../domain/exchange/testing.ts';
import { type Database, openDatabase } from './open.ts';

let dump: Blob | undefined;
/** The migrated template of the database tests, or undefined (PostgreSQL, or outside their setup). */
function pgliteTemplate(): Blob | undefined {
  const file = inject('homewardPgliteDump');
  if (!file) return undefined;
  dump ??= new Blob([fs.readFileSync(file)]);
  return dump;
}

/**
 * A new temp directory holding a copy of the run's migrated PGlite data directory under each of
 * `nodes` (DIR/NODE/pgdata), or undefined when there is no template (PostgreSQL). The caller removes it.
 */
export function dataDirsFromTemplate(nodes: readonly string[]): string | undefined {
  const template = inject('homewardPgliteDir');
  if (!template || process.env.DATABASE_URL) return undefined;
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'homeward-nodes-'));
  for (const n of nodes) fs.cpSync(template, path.join(root, n, 'pgdata'), { recursive: true });
  return root;
}

/**
 * Starts the embedded node directory `dataDir` (its pgdata) as a copy of the run's migrated template,
 * as `homeward init` leaves it before the node identity exists, instead of creating a cluster and
 * running every migration (seconds each). Nothing on PostgreSQL, outside the database tests' setup,
 * or when the directory holds a cluster already. Returns `dataDir`.
 */
export function fromTemplate(dataDir: string): string {
  const template = inject('homewardPgliteDir');
  const pgdata = path.join(dataDir, 'pgdata');
  if (template && !process.env.DATABASE_URL && !fs.existsSync(pgdata))
    fs.cpSync(template, pgdata, { recursive: true });
  return dataDir;
}

/**
 * One database per test file: PGlite in memory by default, or a fresh schema on the PostgreSQL
 * server named by DATABASE_URL (dropped on close). Tests isolate themselves further by using their
 * own organisation id (every query is scoped by it). The node identity exists, as on a real node,
 * named `name`.
 */
export async function openTestDatabase(name = 'test-node.example'): Promise<Database & { schema?: string }> {
  const url = process.env.DATABASE_URL;
  if (!url) {
    // Started from the migrated template when the test setup made one: creating a cluster and
    // running every migration costs seconds per file; open still checks for pending migrations.
    const db = await openDatabase({ dataDir: 'memory://', loadDataDir: pgliteTemplate() });
    await ensureNodeIdentity(db.db, { name, party: TEST_NODE_PARTY });
    return db;
  }
  const schema = `test_${randomBytes(6).toString('hex')}`;
  const db = await openDatabase({ databaseUrl: url, schema });
  // Every node has an identity before it records anything: it signs the log's checkpoints.
  await ensureNodeIdentity(db.db, { name, party: TEST_NODE_PARTY });
  return {
    ...db,
    schema,
    close: async () => {
      await sql`DROP SCHEMA ${sql.id(schema)} CASCADE`.execute(db.db).catch(() => {});
      await db.close();
    },
  };
}

/** The party the test node acts as (its party setting): Party A of the test agreements. */
export const TEST_NODE_PARTY = A;

export function testContext(roles: Role[], orgId = `org-${randomBytes(4).toString('hex')}`): RequestContext {
  return cliContext(orgId, roles, `test:${roles.join('+')}`);
}
