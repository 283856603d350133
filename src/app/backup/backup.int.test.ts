import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countRelations } from '../../db/backup/table-copy.ts';
import { openDatabase } from '../../db/open.ts';
import { fromTemplate, openTestDatabase } from '../../db/testing.ts';
import { registerPerson } from '../registry/register-person.ts';
import { createBackup, listenForSnapshots } from './backup.ts';
import { writeEncrypted } from './envelope.ts';
import { BackupError, type BackupErrorCode, BackupErrorCodes } from './errors.ts';
import { moveToPostgres, restoreBackup } from './restore.ts';
import { snapshotLines } from './snapshot.ts';
import {
  demoUserSignsIn,
  dropLocation,
  type NodeLocation,
  type NodeState,
  newLocation,
  openAt,
  seedNode,
  stateOf,
  tmpRoot,
} from './testing.ts';

// Backup → restore on the database the suite runs on (PGlite, or PostgreSQL with DATABASE_URL).
// A low scrypt cost keeps each test fast; the CLI uses age's default.
const PASS = 'synthetic backup passphrase 1';
const LOG_N = 10;
const root = tmpRoot();
const locations: NodeLocation[] = [];
const fresh = (name: string) => {
  const loc = newLocation(root, name);
  locations.push(loc);
  return loc;
};

let source: NodeLocation;
let sourceState: NodeState;
let backupFile: string;

beforeAll(async () => {
  source = fresh('source');
  if (source.dataDir) fromTemplate(source.dataDir);
  const db = await openAt(source);
  try {
    await seedNode(db);
    sourceState = await stateOf(db, 'source');
  } finally {
    await db.close();
  }
  backupFile = path.join(root, 'node.hwbackup');
  await createBackup(source, backupFile, PASS, { scryptLogN: LOG_N });
}, 120_000);

afterAll(async () => {
  for (const l of locations) await dropLocation(l).catch(() => {});
  fs.rmSync(root, { recursive: true, force: true });
});

async function refused(p: Promise<unknown>): Promise<BackupErrorCode> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(BackupError);
  return (e as BackupError).code;
}

/** The target holds nothing: no data directory, or a schema without tables. */
async function isUntouched(loc: NodeLocation): Promise<boolean> {
  if (loc.dataDir) return !fs.existsSync(loc.dataDir);
  const db = await openDatabase({ databaseUrl: loc.databaseUrl, schema: loc.schema, migrate: false });
  try {
    return (await countRelations(db.db)) === 0;
  } finally {
    await db.close();
  }
}

describe('backup and restore', () => {
  it('writes a file only its owner reads, and restores a node that exports, audits, signs and signs in the same', async () => {
    expect(fs.statSync(backupFile).mode & 0o777).toBe(0o600);
    expect(fs.readFileSync(backupFile).subarray(0, 21).toString()).toBe('age-encryption.org/v1');
    const target = fresh('restored');
    const summary = await restoreBackup(backupFile, PASS, target);
    expect(summary.rows).toBeGreaterThan(100);
    const db = await openAt(target);
    try {
      const state = await stateOf(db, 'copy');
      expect(state.logAuditOk).toBe(true);
      expect(state.csv).toBe(sourceState.csv);
      expect(state.csv.split('\n').length).toBeGreaterThan(40);
      expect(state.checkpoint).toEqual(sourceState.checkpoint);
      expect(await demoUserSignsIn(db)).toBe(true);
    } finally {
      await db.close();
    }
  }, 120_000);

  it('refuses a target that is not empty and leaves it as it was', async () => {
    const target = fresh('occupied');
    if (target.dataDir) {
      fs.mkdirSync(target.dataDir);
      fs.writeFileSync(path.join(target.dataDir, 'notes.txt'), 'keep');
    } else {
      const db = await openAt(target);
      await db.close();
    }
    expect(await refused(restoreBackup(backupFile, PASS, target))).toBe(BackupErrorCodes.TARGET_NOT_EMPTY);
    if (target.dataDir) expect(fs.readdirSync(target.dataDir)).toEqual(['notes.txt']);
  }, 60_000);

  it('refuses a wrong passphrase, a cut-off file, a changed byte, a foreign file and an unknown version; nothing is created', async () => {
    const bytes = fs.readFileSync(backupFile);
    const variant = (name: string, data: Buffer) => {
      const f = path.join(root, name);
      fs.writeFileSync(f, data);
      return f;
    };
    const cases: [string, string, BackupErrorCode[]][] = [
      ['wrong passphrase', backupFile, [BackupErrorCodes.WRONG_PASSPHRASE]],
      [
        'truncated',
        variant('cut', bytes.subarray(0, Math.floor(bytes.length / 2))),
        [BackupErrorCodes.TRUNCATED],
      ],
      [
        'bit flip in the middle',
        variant(
          'flip',
          (() => {
            const b = Buffer.from(bytes);
            b[Math.floor(b.length / 2)]! ^= 0x04;
            return b;
          })(),
        ),
        [BackupErrorCodes.DAMAGED, BackupErrorCodes.TRUNCATED],
      ],
      [
        'a CSV file',
        variant('foreign.csv', Buffer.from('id,family_name\nX-1,Test\n')),
        [BackupErrorCodes.NOT_A_BACKUP],
      ],
    ];
    for (const [label, file, codes] of cases) {
      const target = fresh('refused');
      const code = await refused(
        restoreBackup(file, label === 'wrong passphrase' ? `${PASS}x` : PASS, target),
      );
      expect(codes, label).toContain(code);
      expect(await isUntouched(target), label).toBe(true);
    }
    // Authentic age files with the right passphrase that are not (this version of) a Homeward backup.
    const lines = async function* (first: string) {
      yield first;
      yield '{"manifest":{}}';
    };
    const other = path.join(root, 'other.age');
    await writeEncrypted(lines('{"hello":"world"}'), other, PASS, { scryptLogN: LOG_N });
    expect(await refused(restoreBackup(other, PASS, fresh('other')))).toBe(BackupErrorCodes.NOT_A_BACKUP);
    const v2 = path.join(root, 'v2.age');
    await writeEncrypted(lines('{"format":"homeward-backup","version":2}'), v2, PASS, { scryptLogN: LOG_N });
    const t = fresh('v2');
    expect(await refused(restoreBackup(v2, PASS, t))).toBe(BackupErrorCodes.UNSUPPORTED_VERSION);
    expect(await isUntouched(t)).toBe(true);
  }, 120_000);

  it('refuses a backup in which any single byte was changed', async () => {
    const mem = await openTestDatabase();
    const small = path.join(root, 'small.age');
    try {
      await writeEncrypted(snapshotLines(mem), small, PASS, { scryptLogN: LOG_N });
    } finally {
      await mem.close();
    }
    const bytes = fs.readFileSync(small);
    const dir = path.join(root, 'never');
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: bytes.length - 1 }), fc.integer({ min: 1, max: 255 }), async (at, x) => {
        const b = Buffer.from(bytes);
        b[at]! ^= x;
        const f = path.join(root, 'flipped.age');
        fs.writeFileSync(f, b);
        const e = await restoreBackup(f, PASS, { dataDir: dir }).then(
          () => undefined,
          (err: unknown) => err,
        );
        return e instanceof BackupError && !fs.existsSync(dir);
      }),
      { numRuns: 60 },
    );
  }, 120_000);
});

describe('while the node serves', () => {
  it('copies one consistent state while persons are being registered, through the serving process', async () => {
    const loc = fresh('serving');
    if (loc.dataDir) fromTemplate(loc.dataDir);
    const db = await openAt(loc);
    const ctx = await seedNode(db);
    const stop = loc.dataDir ? await listenForSnapshots(db, loc.dataDir) : undefined;
    let writing = true;
    let written = 0;
    const writer = (async () => {
      while (writing) {
        await db.transaction((tx) =>
          registerPerson(ctx, tx, {
            names: [{ script: 'Latn', lang: 'en', family: `Synthetic${written}`, given: 'Test' }],
            sex: 'unknown',
          }),
        );
        written++;
        // Requests reach a real server through I/O; an in-process PGlite answers in microtasks only,
        // so a tight loop here would never let the socket (or anything else) run. A few ms between
        // registrations keep them going through the whole backup without making the copy huge (each
        // registration also writes its audit row and record commitments).
        await new Promise((r) => setTimeout(r, 5));
      }
    })();
    const file = path.join(root, 'serving.age');
    try {
      const s = await createBackup(loc, file, PASS, { scryptLogN: LOG_N });
      expect(s.via).toBe(loc.dataDir ? 'serving node' : 'database');
    } finally {
      writing = false;
      await writer;
      await stop?.close();
      await db.close();
    }
    expect(written).toBeGreaterThan(0);
    const target = fresh('from-serving');
    await restoreBackup(file, PASS, target);
    const copy = await openAt(target);
    try {
      const state = await stateOf(copy, 'copy');
      expect(state.logAuditOk).toBe(true);
      const persons = await copy.db
        .selectFrom('persons')
        .select(copy.db.fn.countAll<string>().as('n'))
        .executeTakeFirstOrThrow();
      // Every person in the copy is in its log and every log entry's record is in the copy.
      expect(Number(persons.n)).toBeGreaterThanOrEqual(43);
    } finally {
      await copy.close();
    }
  }, 180_000);
});

// The move needs a PostgreSQL server as its target: it runs in the PostgreSQL pass of the suite.
if (process.env.DATABASE_URL) {
  describe('embedded → PostgreSQL', () => {
    it('moves a stopped embedded node onto an empty schema that exports, audits and signs in the same', async () => {
      const dir = path.join(root, 'embedded');
      const db = await openDatabase({ dataDir: dir });
      let before: NodeState;
      try {
        await seedNode(db);
        before = await stateOf(db, 'source');
      } finally {
        await db.close();
      }
      const target = fresh('moved');
      const s = await moveToPostgres(dir, { databaseUrl: target.databaseUrl!, schema: target.schema });
      expect(s.filesLeft).toEqual([]);
      const moved = await openAt(target);
      try {
        const state = await stateOf(moved, 'copy');
        expect(state.logAuditOk).toBe(true);
        expect(state.csv).toBe(before.csv);
        expect(state.checkpoint).toEqual(before.checkpoint);
        expect(await demoUserSignsIn(moved)).toBe(true);
      } finally {
        await moved.close();
      }
      // A second move into the now occupied schema is refused.
      expect(
        await refused(moveToPostgres(dir, { databaseUrl: target.databaseUrl!, schema: target.schema })),
      ).toBe(BackupErrorCodes.TARGET_NOT_EMPTY);
    }, 180_000);
  });
}
