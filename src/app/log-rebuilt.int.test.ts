// Tamper probe "log rebuilt and re-signed with what the database holds", on a log node and a real
// witness node (in-process Fastify on real ports). The database alone holds no key that signs as
// the node; and even a rebuild re-signed with the real key is caught by the witness check.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { latestCheckpoint, loadLogKeys } from '../db/ledger.ts';
import { auditStoredLog } from '../db/ledger-audit.ts';
import { fromBase64 } from '../ledger/bytes.ts';
import { openCheckpoint, signCheckpoint } from '../ledger/checkpoint.ts';
import { EncryptedKeyStore } from '../ledger/key-store.ts';
import { ed25519NoteSigner, ed25519NoteVerifier } from '../ledger/note.ts';
import { addLogWitness, cosignLatest, quorumReport, setWitnessQuorum } from './log-cosign.ts';
import { rebuildLog } from './log-tamper-testing.ts';
import { type LogNode, openLogNode } from './log-testing.ts';
import { checkWithWitnesses } from './log-witness-check.ts';
import { ensureNodeIdentity } from './node-identity.ts';
import { trustLog, witnessVerifierKey } from './witness.ts';

let log: LogNode;
let witness: LogNode;
let witnessUrl: string;

beforeAll(async () => {
  log = await openLogNode('rebuilt-log.example', { listen: true });
  witness = await openLogNode('rebuilt-witness.example', { listen: true });
  witnessUrl = `${witness.url}/log/witness`;
  await trustLog(witness.database, { vkey: log.identity.verifierKey });
  await addLogWitness(log.database, {
    name: witness.identity.name,
    vkey: await witnessVerifierKey(witness.database.db),
    url: witnessUrl,
  });
  await setWitnessQuorum(log.database, 1);
});
afterAll(async () => {
  await log?.close().catch(() => {});
  await witness?.close().catch(() => {});
});

describe('log rebuilt and re-signed with what the database holds', () => {
  it('a checkpoint is final only with its quorum; the witness serves what it cosigned, consistent with the log', async () => {
    await log.append(3);
    await log.append(4);
    expect(await quorumReport(log.database.db)).toEqual({
      quorum: 1,
      newestFinal: null,
      notFinal: { size: 7, cosigners: [] },
    });
    expect((await cosignLatest(log.database)).final).toBe(true);
    expect(await quorumReport(log.database.db)).toEqual({ quorum: 1, newestFinal: 7, notFinal: undefined });
    await log.append(2);
    expect((await quorumReport(log.database.db)).notFinal).toEqual({ size: 9, cosigners: [] });

    const res = await fetch(`${witnessUrl}/latest/${encodeURIComponent(log.identity.name)}`);
    expect(res.status).toBe(200);
    const note = await res.text();
    const opened = openCheckpoint(note, {
      origin: log.identity.name,
      logKeys: [(await loadLogKeys(log.database.db)).verifier],
      witnessKeys: [
        (await import('../ledger/keys.ts')).parseVerifierKey(await witnessVerifierKey(witness.database.db)),
      ],
    });
    expect(opened.checkpoint.size).toBe(7);
    expect(opened.cosignatures).toHaveLength(1);
    expect((await fetch(`${witnessUrl}/latest/unknown-log.example`)).status).toBe(404);
    // A NUL or line break in the origin is refused at the edge, never passed to the database.
    for (const bad of ['%00x', 'a%0Ab'])
      expect(
        (await witness.app.inject({ method: 'GET', url: `/log/witness/latest/${bad}` })).statusCode,
      ).toBe(404);

    const [check] = await checkWithWitnesses(log.database.db, [witnessUrl]);
    expect(check).toMatchObject({
      result: 'consistent',
      witness: 'rebuilt-witness.example',
      size: 7,
      cosignatureVerified: true,
    });
  });

  it('the database alone yields no key that signs as the node', async () => {
    const db = log.database.db;
    const row = await db.selectFrom('node_identity').selectAll().executeTakeFirstOrThrow();
    expect(row.private_key).toBeNull();
    const nodeKey = ed25519NoteVerifier(row.name, fromBase64(row.public_key)!);
    const latest = (await latestCheckpoint(db))!;
    // Every 32 bytes the row holds, taken as an Ed25519 seed, signs a checkpoint the node key refuses.
    const candidates: Uint8Array[] = [];
    for (const value of Object.values(row)) {
      if (typeof value !== 'string') continue;
      for (const part of value.split(/[ \n]/)) {
        const bytes = Buffer.from(part, 'base64');
        for (let at = 0; at + 32 <= bytes.length; at++)
          candidates.push(new Uint8Array(bytes.subarray(at, at + 32)));
      }
    }
    expect(candidates.length).toBeGreaterThan(10);
    for (const seed of candidates) {
      const forged = signCheckpoint(
        { origin: row.name, size: latest.size, root: latest.root, extensions: [] },
        [ed25519NoteSigner(row.name, seed)],
      );
      expect(() => openCheckpoint(forged, { origin: row.name, logKeys: [nodeKey] })).toThrow();
    }
    // Nor does the sealed key open without the key file.
    expect(() =>
      EncryptedKeyStore.unlock(row.name, fromBase64(row.public_key)!, row.sealed_key!, {
        kind: 'file',
        key: new Uint8Array(32),
      }),
    ).toThrow(/does not open/);

    // Swapping in the attacker's own key (and re-signing with it) makes a node that no longer starts:
    // its key file opens no key for that public key.
    const attacker = ed25519NoteSigner(row.name, new Uint8Array(32).fill(9));
    await log.database
      .transaction(async (tx) => {
        await tx
          .updateTable('node_identity')
          .set({ public_key: Buffer.from(attacker.publicKey).toString('base64') })
          .execute();
        await expect(loadLogKeys(tx)).rejects.toThrow(/does not open this node's signing key/);
        await expect(ensureNodeIdentity(tx as never)).rejects.toThrow(
          /does not open this node's signing key/,
        );
        await sql`SELECT 1`.execute(tx);
        throw new RollBack();
      })
      .catch((e) => {
        if (!(e instanceof RollBack)) throw e;
      });
    expect((await loadLogKeys(db)).verifier.keyId).toBe(nodeKey.keyId);
  });

  it('a rebuild re-signed with the real key passes the local audit, and the witness check reports the fork with evidence', async () => {
    const db = log.database.db;
    const before = (await latestCheckpoint(db))!;
    await rebuildLog(log.database, (entries) =>
      entries.map((e, i) => (i === 4 ? { ...e, commitment: new Uint8Array(32).fill(0xee) } : e)),
    );
    const after = (await latestCheckpoint(db))!;
    expect(after.size).toBe(before.size);
    expect(Buffer.from(after.root).equals(Buffer.from(before.root))).toBe(false);
    // Everything the database holds agrees with itself, under the node's real key.
    const audit = await auditStoredLog(db, { workers: 0 });
    expect(audit.problems).toEqual([]);

    const [check] = await checkWithWitnesses(db, [witnessUrl]);
    expect(check).toMatchObject({ result: 'fork', witness: 'rebuilt-witness.example', size: 7 });
    expect(check!.message).toMatch(/root differs from the root of the stored entries/);
    const evidence = check!.evidence!;
    const cosigned = openCheckpoint(evidence.witnessNote, {
      origin: log.identity.name,
      logKeys: [(await loadLogKeys(db)).verifier],
    }).checkpoint;
    expect(evidence.localSize).toBe(7);
    expect(evidence.localRoot).not.toBe(Buffer.from(cosigned.root).toString('base64'));

    // Truncated instead: the witness saw more than the log now holds.
    await rebuildLog(log.database, (entries) => entries.slice(0, 3));
    const [short] = await checkWithWitnesses(db, [witnessUrl]);
    expect(short).toMatchObject({ result: 'fork', size: 7 });
    expect(short!.message).toMatch(/ends at checkpoint 3: it was truncated or rebuilt/);
  });
});

class RollBack extends Error {}
