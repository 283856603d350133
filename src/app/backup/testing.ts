import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { auditStoredLog } from '../../db/ledger-audit.ts';
import { type Database, openDatabase } from '../../db/open.ts';
import { demoLogins, seedDemo } from '../../demo/seed-demo.ts';
import { seedDemoExchange } from '../../demo/stage-board-demo.ts';
import { cliContext, type RequestContext } from '../../domain/access.ts';
import { isDomainError } from '../../domain/errors.ts';
import { readPersonFile } from '../../io/read-person-file.ts';
import { signIn } from '../accounts/accounts.ts';
import { ensureNodeIdentity } from '../node/node-identity.ts';
import { exportPersons } from '../registry/export-persons.ts';
import { importPersons } from '../registry/import-persons.ts';

/** Test helpers for backups: a node with data in every part, and what a restore must reproduce. */

export const tmpRoot = () => fs.mkdtempSync(path.join(os.tmpdir(), 'hw-bk-'));

export interface NodeLocation {
  dataDir?: string;
  databaseUrl?: string;
  schema?: string;
}

/** A fresh place for a node: a new schema on DATABASE_URL's server, else a new data directory. */
export function newLocation(root: string, name: string): NodeLocation {
  const url = process.env.DATABASE_URL;
  if (url) return { databaseUrl: url, schema: `bk_${name}_${randomBytes(4).toString('hex')}` };
  return { dataDir: path.join(root, name) };
}

export function openAt(loc: NodeLocation, migrate = true): Promise<Database> {
  return loc.databaseUrl
    ? openDatabase({ databaseUrl: loc.databaseUrl, schema: loc.schema, migrate })
    : openDatabase({ dataDir: loc.dataDir, migrate });
}

export async function dropLocation(loc: NodeLocation): Promise<void> {
  if (loc.databaseUrl && loc.schema) {
    const db = await openDatabase({ databaseUrl: loc.databaseUrl, migrate: false });
    await sql`DROP SCHEMA IF EXISTS ${sql.id(loc.schema)} CASCADE`.execute(db.db);
    await db.close();
  }
}

const CSV = [
  'id,family_name,given_name,patronymic,birth_date,birth_place,unit,service_number,sex,category',
  'BK-1,Коваленко,Олександр,Миколайович,1994-03-12,Харків,в/ч А0001,SN-1,male,servicemember',
  'BK-2,Шевчук,Марія,Іванівна,1988-11-02,Суми,,,female,detained_civilian',
  'BK-3,Бондар,Петро,,1979-01-30,,в/ч А0002,SN-3,male,servicemember',
].join('\n');

/** A demo node with synthetic persons, imported persons (the real import path), accounts and an exchange. */
export async function seedNode(database: Database): Promise<RequestContext> {
  const identity = await ensureNodeIdentity(database.db, { name: 'backup-test.example', demo: true });
  const ctx = cliContext(identity.orgId, ['coordinator'], 'test');
  const run = <T>(fn: Parameters<Database['transaction']>[0]) => database.transaction(fn) as Promise<T>;
  await seedDemo(run, ctx, { persons: 40, seed: 7 });
  const parsed = await readPersonFile(Buffer.from(CSV, 'utf8'), 'persons.csv');
  if (!parsed.ok) throw new Error('test CSV did not parse');
  const fileSha256 = createHash('sha256').update(CSV).digest('hex');
  await database.transaction((tx) => importPersons(ctx, tx, parsed.rows, { fileSha256 }));
  await seedDemoExchange(run, ctx, { fromRegistry: 10 });
  return ctx;
}

/** What must be identical after a restore or a move. */
export interface NodeState {
  csv: string;
  checkpoint: { size: string; note: string; root: string } | undefined;
  logAuditOk: boolean;
  logSize: number;
}

/**
 * An export is itself audited (and logged), so the source is read export first and a copy export
 * last: both then show the checkpoint the copy was made at.
 */
export async function stateOf(database: Database, order: 'source' | 'copy'): Promise<NodeState> {
  const identity = await ensureNodeIdentity(database.db);
  const ctx = cliContext(identity.orgId, ['coordinator'], 'test');
  const exportCsv = async () => (await database.transaction((tx) => exportPersons(ctx, tx, 'csv'))).body;
  const first = order === 'source' ? await exportCsv() : undefined;
  const cp = await database.db
    .selectFrom('log_checkpoints')
    .select(['size', 'note', 'root'])
    .orderBy('size', 'desc')
    .limit(1)
    .executeTakeFirst();
  const audit = await auditStoredLog(database.db, { workers: 1 });
  const body = first ?? (await exportCsv());
  return {
    csv: body.toString('utf8'),
    checkpoint: cp && { size: String(cp.size), note: cp.note, root: Buffer.from(cp.root).toString('hex') },
    logAuditOk: audit.ok,
    logSize: audit.size,
  };
}

/** A demo account signs in on the node. */
export async function demoUserSignsIn(database: Database): Promise<boolean> {
  const identity = await ensureNodeIdentity(database.db);
  const login = demoLogins[0]!;
  const r = await signIn(database, identity.orgId, {
    username: login.username,
    password: login.password,
    address: '127.0.0.1',
  }).catch((e: unknown) => {
    if (isDomainError(e) && e.code === 'UNAUTHENTICATED') return undefined;
    throw e;
  });
  return r !== undefined;
}
