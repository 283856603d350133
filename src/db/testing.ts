import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { ensureNodeIdentity } from '../app/node-identity.ts';
import type { RequestContext, Role } from '../domain/access.ts';
import { type Database, openDatabase } from './open.ts';

/**
 * One database per test file: PGlite in memory by default, or a fresh schema on the PostgreSQL
 * server named by DATABASE_URL (dropped on close). Tests isolate themselves further by using their
 * own organisation id (every query is scoped by it). The node identity exists, as on a real node.
 */
export async function openTestDatabase(): Promise<Database & { schema?: string }> {
  const url = process.env.DATABASE_URL;
  if (!url) {
    const db = await openDatabase({ dataDir: 'memory://' });
    await ensureNodeIdentity(db.db, { name: 'test-node.example' });
    return db;
  }
  const schema = `test_${randomBytes(6).toString('hex')}`;
  const db = await openDatabase({ databaseUrl: url, schema });
  // Every node has an identity before it records anything: it signs the log's checkpoints.
  await ensureNodeIdentity(db.db, { name: 'test-node.example' });
  return {
    ...db,
    schema,
    close: async () => {
      await sql`DROP SCHEMA ${sql.id(schema)} CASCADE`.execute(db.db).catch(() => {});
      await db.close();
    },
  };
}

export function testContext(roles: Role[], orgId = `org-${randomBytes(4).toString('hex')}`): RequestContext {
  return { orgId, userId: null, actorName: `test:${roles.join('+')}`, roles };
}
