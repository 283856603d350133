import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { latestCheckpoint, readEntries } from '../../db/ledger.ts';
import { auditStoredLog } from '../../db/ledger-audit.ts';
import type { Database } from '../../db/open.ts';
import { openTestDatabase, testContext } from '../../db/testing.ts';
import { decodeLogEntry } from '../../ledger/entry.ts';
import { isLedgerError } from '../../ledger/errors.ts';
import { formatVerifierKey } from '../../ledger/keys.ts';
import { ed25519NoteSigner, type NoteSigner } from '../../ledger/note.ts';
import { createPackage, type EncodedPackage } from '../../ledger/package.ts';
import { ensureNodeIdentity } from '../node/node-identity.ts';
import { acceptPackages, checkPackage, pinKey, sendPackage } from './packages.ts';

let db: Database;
let self: string;
beforeAll(async () => {
  db = await openTestDatabase();
  self = (await ensureNodeIdentity(db.db)).name;
});
afterAll(async () => {
  await db?.close();
});

const ctx = testContext(['coordinator']);
let seed = 1;
async function counterpart(): Promise<NoteSigner> {
  const signer = ed25519NoteSigner(`party-${seed}.test`, new Uint8Array(32).fill(seed++));
  await db.transaction((tx) => pinKey(ctx, tx, formatVerifierKey(signer)));
  return signer;
}

function chain(signer: NoteSigner, n: number, recipients = [self]): EncodedPackage[] {
  const out: EncodedPackage[] = [];
  for (let i = 1; i <= n; i++) {
    out.push(
      createPackage(
        {
          type: 'manifest',
          version: 1,
          recipients,
          sequence: i,
          previous: out.at(-1)?.hash ?? null,
          createdAt: new Date('2025-05-23T08:00:00Z'),
          payload: { stage: 1, part: i },
        },
        signer,
      ),
    );
  }
  return out;
}

const codeOf = (e: unknown) => (isLedgerError(e) ? e.code : String(e));
const accept = (files: Uint8Array[]) => db.transaction((tx) => acceptPackages(ctx, tx, files));

describe('signed packages in the node', () => {
  it('accepts a chain in order and logs each package hash, never its payload', async () => {
    const b = await counterpart();
    const pkgs = chain(b, 3);
    const accepted = await accept(pkgs.map((p) => p.bytes));
    expect(accepted.map((a) => a.header.sequence)).toEqual([1, 2, 3]);
    const entries = await readEntries(db.db, accepted[0]!.logIndex, accepted[2]!.logIndex + 1);
    expect(entries.map((e) => decodeLogEntry(e))).toEqual(
      pkgs.map(() => ({ kind: 'package.accepted', commitment: expect.anything() })),
    );
    entries.forEach((e, i) => {
      expect(Buffer.from(decodeLogEntry(e).commitment)).toEqual(Buffer.from(pkgs[i]!.hash));
      expect(Buffer.from(e).toString('utf8')).not.toContain('stage');
    });
    // Then one `records` entry for the transaction: the package rows and the audit row.
    expect((await latestCheckpoint(db.db))!.size).toBe(accepted[2]!.logIndex + 2);
    const [after] = await readEntries(db.db, accepted[2]!.logIndex + 1, accepted[2]!.logIndex + 2);
    expect(decodeLogEntry(after!).kind).toBe('records');
    expect((await checkPackage(testContext(['auditor'], self), db.db, pkgs[1]!.bytes)).recorded).toEqual({
      direction: 'accepted',
      logIndex: accepted[1]!.logIndex,
    });
    // Another organisation's context finds nothing on this node's package side.
    await expect(checkPackage(testContext(['auditor']), db.db, pkgs[1]!.bytes)).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });

  it('refuses each kind of bad package with its own code and records nothing', async () => {
    const b = await counterpart();
    const stranger = ed25519NoteSigner('stranger.test', new Uint8Array(32).fill(200));
    const [p1, p2, p3] = chain(b, 3);
    const other = chain(b, 2)[1]!; // same chain, same bytes: fine; build a fork below
    expect(other.hash).toEqual(p2!.hash);
    const fork = createPackage(
      {
        type: 'manifest',
        version: 1,
        recipients: [self],
        sequence: 2,
        previous: p1!.hash,
        createdAt: new Date('2025-05-23T09:00:00Z'),
        payload: { stage: 1, part: 'forked' },
      },
      b,
    );
    const before = (await latestCheckpoint(db.db))!.size;
    const text = (p: EncodedPackage) => Buffer.from(p.bytes).toString('utf8');
    const cases: [Uint8Array, string][] = [
      [chain(stranger, 1)[0]!.bytes, 'PACKAGE_UNKNOWN_KEY'],
      [Buffer.from(text(p1!).replace('"part":1', '"part":9')), 'PACKAGE_PAYLOAD_ALTERED'],
      [Buffer.from(text(p1!).replace('"type":"manifest"', '"type":"manifesto"')), 'PACKAGE_BAD_SIGNATURE'],
      [Buffer.from(` ${text(p1!)}`), 'PACKAGE_NOT_CANONICAL'],
      [Buffer.from('not json'), 'PACKAGE_MALFORMED'],
      [chain(b, 1, ['someone-else.test'])[0]!.bytes, 'PACKAGE_WRONG_RECIPIENT'],
      [p2!.bytes, 'PACKAGE_GAP'],
    ];
    for (const [bytes, code] of cases) {
      await expect(accept([bytes]).catch(codeOf)).resolves.toBe(code);
    }
    await accept([p1!.bytes]);
    await expect(accept([p1!.bytes]).catch(codeOf)).resolves.toBe('PACKAGE_REPLAYED');
    await accept([fork.bytes]);
    await expect(accept([p3!.bytes]).catch(codeOf)).resolves.toBe('PACKAGE_CHAIN_BROKEN');
    await expect(accept([p2!.bytes]).catch(codeOf)).resolves.toBe('PACKAGE_REPLAYED');
    await expect(checkPackage(testContext(['auditor'], self), db.db, p2!.bytes).catch(codeOf)).resolves.toBe(
      'PACKAGE_REPLAYED',
    );
    // Two accepted, each with its `records` entry (package rows and audit row, one per transaction).
    expect((await latestCheckpoint(db.db))!.size).toBe(before + 4);
  });

  const confirmation = (stageId: string) => ({
    exchangeId: 'x-65',
    stageId,
    signer: 'party-a',
    role: 'party',
    reconciliationHash: 'ab'.repeat(32),
  });

  it('sends packages signed by the node, numbered in sequence and chained', async () => {
    const first = await db.transaction((tx) =>
      sendPackage(ctx, tx, {
        type: 'exchange.confirmation',
        version: 1,
        recipients: ['party-b.test'],
        payload: confirmation('s1'),
      }),
    );
    const second = await db.transaction((tx) =>
      sendPackage(ctx, tx, {
        type: 'exchange.confirmation',
        version: 1,
        recipients: ['party-b.test'],
        payload: confirmation('s2'),
      }),
    );
    expect(second.package.header.sequence).toBe(first.package.header.sequence + 1);
    expect(second.package.header.previous).toBe(Buffer.from(first.hash).toString('base64'));
    const check = await checkPackage(testContext(['auditor'], self), db.db, second.bytes);
    expect(check.recorded).toEqual({ direction: 'sent', logIndex: second.logIndex });
    const reader = testContext(['auditor']);
    await expect(
      db.transaction((tx) =>
        sendPackage(reader, tx, { type: 'offer', version: 1, recipients: ['x'], payload: 1 }),
      ),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  it('whatever order packages arrive in, exactly an in-order prefix is accepted, each once (property)', async () => {
    const b = await counterpart();
    const pkgs = chain(b, 6);
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 1, maxLength: 12 }),
        async (order) => {
          for (const i of order) {
            const result = await accept([pkgs[i]!.bytes]).then(
              () => 'ok',
              (e) => codeOf(e),
            );
            if (i === accepted) {
              expect(result).toBe('ok');
              accepted += 1;
            } else {
              expect(result).toBe(i < accepted ? 'PACKAGE_REPLAYED' : 'PACKAGE_GAP');
            }
          }
        },
      ),
      { numRuns: 15 },
    );
    const rows = await db.db
      .selectFrom('packages')
      .select('sequence')
      .where('sender', '=', `${b.name}+${b.keyId.toString(16).padStart(8, '0')}`)
      .orderBy('sequence')
      .execute();
    expect(rows.map((r) => Number(r.sequence))).toEqual(Array.from({ length: accepted }, (_, i) => i + 1));
    expect((await auditStoredLog(db.db, { workers: 0 })).ok).toBe(true);
  });
});
