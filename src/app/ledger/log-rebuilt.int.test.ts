// Tamper probe "log rebuilt and re-signed with what the database holds", on a log node and a real
// witness node (in-process Fastify on real ports). The database alone holds no key that signs as
// the node; and even a rebuild re-signed with the real key is caught by the witness check.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { latestCheckpoint, loadLogKeys } from '../../db/ledger.ts';
import { auditStoredLog } from '../../db/ledger-audit.ts';
import { RECORDS_LOG_KIND } from '../../db/records.ts';
import { fromBase64 } from '../../ledger/bytes.ts';
import { openCheckpoint, signCheckpoint } from '../../ledger/checkpoint.ts';
import { EncryptedKeyStore } from '../../ledger/key-store.ts';
import { ed25519NoteSigner, ed25519NoteVerifier } from '../../ledger/note.ts';
import { ensureNodeIdentity } from '../node/node-identity.ts';
import { addLogWitness, cosignLatest, quorumReport, setWitnessQuorum } from './log-cosign.ts';
import { rebuildLog } from './log-tamper-testing.ts';
import { type LogNode, openLogNode } from './log-testing.ts';
import { checkWithWitnesses } from './log-witness-check.ts';
import { trustLog, witnessVerifierKey } from './witness.ts';

let log: LogNode;
let witness: LogNode;
let witnessUrl: string;
/** The size the witness cosigned (the first test): the witness setup is itself in the log before it. */
let cosignedSize: number;

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
    cosignedSize = await log.append(4);
    expect(await quorumReport(log.database.db)).toEqual({
      quorum: 1,
      newestFinal: null,
      notFinal: { size: cosignedSize, cosigners: [] },
    });
    expect((await cosignLatest(log.database)).final).toBe(true);
    expect(await quorumReport(log.database.db)).toEqual({
      quorum: 1,
      newestFinal: cosignedSize,
      notFinal: undefined,
    });
    const grown = await log.append(2);
    expect(grown).toBe(cosignedSize + 2);
    expect((await quorumReport(log.database.db)).notFinal).toEqual({ size: grown, cosigners: [] });

    const res = await fetch(`${witnessUrl}/latest/${encodeURIComponent(log.identity.name)}`);
    expect(res.status).toBe(200);
    const note = await res.text();
    const opened = openCheckpoint(note, {
      origin: log.identity.name,
      logKeys: [(await loadLogKeys(log.database.db)).verifier],
      witnessKeys: [
        (await import('../../ledger/keys.ts')).parseVerifierKey(
          await witnessVerifierKey(witness.database.db),
        ),
      ],
    });
    expect(opened.checkpoint.size).toBe(cosignedSize);
    expect(opened.cosignatures).toHaveLength(1);
    expect((await fetch(`${witnessUrl}/latest/unknown-log.example`)).status).toBe(404);
    // A NUL or line break in the origin is refused at the edge (422, as on every route), never
    // passed to the database.
    for (const bad of ['%00x', 'a%0Ab']) {
      const refused = await witness.app.inject({ method: 'GET', url: `/log/witness/latest/${bad}` });
      expect(refused.statusCode, bad).toBe(422);
      expect((refused.json() as { error: { code: string } }).error.code).toBe('VALIDATION_FAILED');
    }

    const [check] = await checkWithWitnesses(log.database.db, [witnessUrl]);
    expect(check).toMatchObject({
      result: 'consistent',
      witness: 'rebuilt-witness.example',
      size: cosignedSize,
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
        await expect(ensureNodeIdentity(tx)).rejects.toThrow(/does not open this node's signing key/);
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
    // The attacker alters a notarized entry the witness cosigned (the records entries around it stay).
    let altered = -1;
    await rebuildLog(log.database, (entries) => {
      altered = entries.findIndex((e) => e.kind === 'notarized');
      return entries.map((e, i) => (i === altered ? { ...e, commitment: new Uint8Array(32).fill(0xee) } : e));
    });
    expect(altered).toBeGreaterThanOrEqual(0);
    expect(altered).toBeLessThan(cosignedSize);
    const after = (await latestCheckpoint(db))!;
    expect(after.size).toBe(before.size);
    expect(Buffer.from(after.root).equals(Buffer.from(before.root))).toBe(false);
    // Everything the database holds agrees with itself, under the node's real key.
    const audit = await auditStoredLog(db, { workers: 0 });
    expect(audit.problems).toEqual([]);

    const [check] = await checkWithWitnesses(db, [witnessUrl]);
    expect(check).toMatchObject({ result: 'fork', witness: 'rebuilt-witness.example', size: cosignedSize });
    expect(check!.message).toMatch(/root differs from the root of the stored entries/);
    const evidence = check!.evidence!;
    const cosigned = openCheckpoint(evidence.witnessNote, {
      origin: log.identity.name,
      logKeys: [(await loadLogKeys(db)).verifier],
    }).checkpoint;
    expect(evidence.localSize).toBe(cosignedSize);
    expect(evidence.localRoot).not.toBe(Buffer.from(cosigned.root).toString('base64'));

    // Altering a records entry instead is caught by the local audit alone: the record commitments
    // stored for it no longer match it.
    let records = -1;
    await rebuildLog(log.database, (entries) => {
      records = entries.findIndex((e) => e.kind === RECORDS_LOG_KIND);
      return entries.map((e, i) => (i === records ? { ...e, commitment: new Uint8Array(32).fill(0xdd) } : e));
    });
    expect(records).toBeGreaterThanOrEqual(0);
    const caught = await auditStoredLog(db, { workers: 0 });
    expect(caught.problems.map((p) => p.message)).toContainEqual(
      expect.stringMatching(
        new RegExp(`^entry ${records}: the record commitments stored for it do not match the entry`),
      ),
    );

    // Truncated instead: the witness saw more than the log now holds.
    await rebuildLog(log.database, (entries) => entries.slice(0, 3));
    const [short] = await checkWithWitnesses(db, [witnessUrl]);
    expect(short).toMatchObject({ result: 'fork', size: cosignedSize });
    expect(short!.message).toMatch(/ends at checkpoint 3: it was truncated or rebuilt/);
  });
});

class RollBack extends Error {}
