import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureNodeIdentity } from '../app/node/node-identity.ts';
import { openCheckpoint } from '../ledger/checkpoint.ts';
import { decodeLogEntry, encodeLogEntry, type LogEntry } from '../ledger/entry.ts';
import { parseVerifierKey } from '../ledger/keys.ts';
import { hashLeaf, MemoryTree, verifyConsistency, verifyInclusion } from '../ledger/merkle.ts';
import {
  appendLogEntries,
  checkpointAt,
  latestCheckpoint,
  loadLogKeys,
  logSize,
  proveConsistency,
  proveInclusion,
  readEntries,
  readLevel,
} from './ledger.ts';
import { auditStoredLog } from './ledger-audit.ts';
import type { Database } from './open.ts';
import { openTestDatabase } from './testing.ts';

let db: Database;
let origin: string;
let vkey: string;
const appended: Uint8Array[] = [];

beforeAll(async () => {
  db = await openTestDatabase();
  const identity = await ensureNodeIdentity(db.db);
  origin = identity.name;
  vkey = identity.verifierKey;
});
afterAll(async () => {
  await db?.close();
});

let counter = 0;
function entry(kind = 'notarized'): LogEntry {
  counter += 1;
  return { kind, commitment: createHash('sha256').update(`synthetic evidence ${counter}`).digest() };
}

async function append(n: number) {
  const batch = Array.from({ length: n }, () => entry());
  const result = await db.transaction((tx) => appendLogEntries(tx, batch));
  appended.push(...batch.map(encodeLogEntry));
  return result;
}

/** Rewrites one stored row as an attacker with the power to lift the append-only triggers would. */
async function tamper(statement: ReturnType<typeof sql>, table: string) {
  await db.transaction(async (tx) => {
    await sql`ALTER TABLE ${sql.table(table)} DISABLE TRIGGER USER`.execute(tx);
    await statement.execute(tx);
    await sql`ALTER TABLE ${sql.table(table)} ENABLE TRIGGER USER`.execute(tx);
  });
}

describe('transparency log storage', () => {
  it('appends in batches, signs a checkpoint per batch, and proves inclusion and consistency', async () => {
    const verifier = parseVerifierKey(vkey);
    const sizes: number[] = [];
    for (const n of [1, 2, 5, 1, 300, 17]) sizes.push((await append(n)).size);
    expect(sizes).toEqual([1, 3, 8, 9, 309, 326]);
    expect(await logSize(db.db)).toBe(326);

    const memory = MemoryTree.fromEntries(appended);
    const latest = await latestCheckpoint(db.db);
    const opened = openCheckpoint(latest!.note, { origin, logKeys: [verifier] });
    expect(opened.checkpoint.size).toBe(326);
    expect(Buffer.from(opened.checkpoint.root)).toEqual(Buffer.from(memory.root()));

    for (const size of sizes) {
      const cp = await checkpointAt(db.db, size);
      const body = openCheckpoint(cp!.note, { origin, logKeys: [verifier] }).checkpoint;
      expect(Buffer.from(body.root)).toEqual(Buffer.from(memory.root(size)));
      for (const index of [0, size - 1, Math.floor(size / 2)]) {
        const p = await proveInclusion(db.db, index, size);
        expect(Buffer.from(p.leafHash)).toEqual(Buffer.from(hashLeaf(appended[index]!)));
        expect(() => verifyInclusion(index, size, p.leafHash, p.proof, body.root)).not.toThrow();
      }
      const c = await proveConsistency(db.db, size, 326);
      expect(() => verifyConsistency(size, 326, body.root, opened.checkpoint.root, c)).not.toThrow();
    }
    // Default size: the latest checkpoint.
    expect((await proveInclusion(db.db, 3)).size).toBe(326);
    expect(decodeLogEntry((await readEntries(db.db, 0, 1))[0]!).kind).toBe('notarized');
    expect(Buffer.from((await readLevel(db.db, 8, 0, 1))[0]!)).toEqual(Buffer.from(memory.node(8, 0)));
  });

  it('refuses proofs outside the log with OUT_OF_RANGE', async () => {
    const size = await logSize(db.db);
    await expect(proveInclusion(db.db, size, size)).rejects.toMatchObject({ code: 'OUT_OF_RANGE' });
    await expect(proveInclusion(db.db, 0, size + 1)).rejects.toMatchObject({ code: 'OUT_OF_RANGE' });
    await expect(proveConsistency(db.db, 5, 3)).rejects.toMatchObject({ code: 'OUT_OF_RANGE' });
    await expect(proveInclusion(db.db, -1)).rejects.toMatchObject({ code: 'OUT_OF_RANGE' });
  });

  it('is append-only: the database refuses to update, delete or truncate log rows', async () => {
    for (const statement of [
      sql`UPDATE log_entries SET kind = 'x' WHERE idx = 0`,
      sql`DELETE FROM log_nodes WHERE level = 0 AND idx = 0`,
      sql`DELETE FROM log_checkpoints`,
      sql`TRUNCATE log_entries CASCADE`,
    ]) {
      await expect(db.transaction((tx) => statement.execute(tx))).rejects.toThrow(/append-only/);
    }
    expect(await logSize(db.db)).toBe(appended.length);
  });

  it('a rolled-back transaction leaves no entry and no checkpoint', async () => {
    const before = await latestCheckpoint(db.db);
    await expect(
      db.transaction(async (tx) => {
        await appendLogEntries(tx, [entry()]);
        throw new Error('the recorded event failed');
      }),
    ).rejects.toThrow('the recorded event failed');
    expect(await logSize(db.db)).toBe(before!.size);
    expect((await latestCheckpoint(db.db))!.note).toBe(before!.note);
  });

  it('audit passes on the untouched log', async () => {
    const report = await auditStoredLog(db.db, { workers: 0 });
    expect(report).toMatchObject({ ok: true, size: appended.length, checkpoints: 6, problems: [] });
  });

  it('audit names the first altered entry, whatever entry is altered (property)', async () => {
    const size = appended.length;
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: size - 1 }), fc.boolean(), async (index, rewriteLeaf) => {
        const original = appended[index]!;
        const forged = encodeLogEntry({
          kind: 'notarized',
          commitment: createHash('sha256').update('forged').digest(),
        });
        await tamper(
          sql`UPDATE log_entries SET data = ${Buffer.from(forged)} WHERE idx = ${index}`,
          'log_entries',
        );
        if (rewriteLeaf)
          await tamper(
            sql`UPDATE log_nodes SET hash = ${Buffer.from(hashLeaf(forged))} WHERE level = 0 AND idx = ${index}`,
            'log_nodes',
          );
        try {
          const report = await auditStoredLog(db.db, { workers: 0 });
          expect(report.ok).toBe(false);
          if (rewriteLeaf) {
            // The leaf hashes agree with the forgery; the signed checkpoints do not, and bound it.
            const before = [1, 3, 8, 9, 309, 326].filter((s) => s <= index).at(-1) ?? 0;
            expect(report.firstBadEntry).toBe(before);
          } else {
            expect(report.firstBadEntry).toBe(index);
          }
        } finally {
          await tamper(
            sql`UPDATE log_entries SET data = ${Buffer.from(original)} WHERE idx = ${index}`,
            'log_entries',
          );
          await tamper(
            sql`UPDATE log_nodes SET hash = ${Buffer.from(hashLeaf(original))} WHERE level = 0 AND idx = ${index}`,
            'log_nodes',
          );
        }
      }),
      { numRuns: 8 },
    );
    expect((await auditStoredLog(db.db, { workers: 0 })).ok).toBe(true);
  });

  it('audit finds a deleted entry, a forged checkpoint signature and a checkpoint beyond the entries', async () => {
    const keys = await loadLogKeys(db.db);
    const last = appended.length - 1;
    await tamper(sql`DELETE FROM log_entries WHERE idx = ${last}`, 'log_entries');
    let report = await auditStoredLog(db.db, { workers: 0 });
    expect(report.ok).toBe(false);
    expect(report.firstBadEntry).toBe(last);
    expect(report.problems.map((p) => p.message).join('\n')).toMatch(/entries were removed/);
    await tamper(
      sql`INSERT INTO log_entries (idx, kind, data) VALUES (${last}, 'notarized', ${Buffer.from(appended[last]!)})`,
      'log_entries',
    );
    const cp = await checkpointAt(db.db, 9);
    const forged = cp!.note.replace(
      /— \S+ (\S)/,
      (_m, c: string) => `— ${keys.origin} ${c === 'A' ? 'B' : 'A'}`,
    );
    await tamper(sql`UPDATE log_checkpoints SET note = ${forged} WHERE size = 9`, 'log_checkpoints');
    report = await auditStoredLog(db.db, { workers: 0 });
    expect(report.problems).toEqual([expect.objectContaining({ checkpoint: 9 }), expect.anything()]);
    expect(report.problems[0]!.message).toMatch(/signature does not verify/);
    await tamper(sql`UPDATE log_checkpoints SET note = ${cp!.note} WHERE size = 9`, 'log_checkpoints');
    expect((await auditStoredLog(db.db, { workers: 2 })).ok).toBe(true);
  });
});
