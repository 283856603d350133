import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { checkpointAt, proveConsistency } from '../../db/ledger.ts';
import { auditStoredLog } from '../../db/ledger-audit.ts';
import { openCheckpoint } from '../../ledger/checkpoint.ts';
import { parseVerifierKey } from '../../ledger/keys.ts';
import {
  addLogWitness,
  cosignLatest,
  latestFinalCheckpoint,
  logStatus,
  setWitnessQuorum,
  startCosignLoop,
} from './log-cosign.ts';
import { type LogNode, openLogNode } from './log-testing.ts';
import { formatAddCheckpointBody, listWitnessEvidence, trustLog, witnessVerifierKey } from './witness.ts';

// Three nodes in one process, each on its own database and a real port: A keeps a log, B and C
// witness it; A needs both cosignatures (quorum 2) before a checkpoint is final.
let a: LogNode;
let b: LogNode;
let c: LogNode;
const nodes: LogNode[] = [];

beforeAll(async () => {
  a = await openLogNode('party-a.example', { listen: true });
  nodes.push(a);
  b = await openLogNode('party-b.example', { listen: true });
  nodes.push(b);
  c = await openLogNode('mediator-c.example', { listen: true });
  nodes.push(c);
});
afterAll(async () => {
  for (const n of nodes) await n.close().catch(() => {});
});

const witnessKeys = async () => [
  parseVerifierKey(await witnessVerifierKey(b.database.db)),
  parseVerifierKey(await witnessVerifierKey(c.database.db)),
];

describe('witness quorum across nodes', () => {
  // Sizes include A's three `records` entries for its trust changes (two witnesses added, the quorum set),
  // each committing the change with the audit row that records it (one entry per transaction).
  it('A reaches quorum 2 with cosignatures from B and C, and keeps reaching it as the log grows', async () => {
    for (const w of [b, c]) {
      await trustLog(w.database, { vkey: a.identity.verifierKey });
      await addLogWitness(a.database, {
        name: w.identity.name,
        vkey: await witnessVerifierKey(w.database.db),
        url: `${w.url}/log/witness/`,
      });
    }
    await setWitnessQuorum(a.database, 2);
    await a.append(5);
    expect(await logStatus(a.database.db)).toMatchObject({
      size: 8,
      final: false,
      quorum: 2,
      cosigned_by: [],
    });
    expect(await latestFinalCheckpoint(a.database.db)).toBeUndefined();

    const first = await cosignLatest(a.database);
    expect(first.outcomes.map((o) => o.result)).toEqual(['cosigned', 'cosigned']);
    expect(first).toMatchObject({ size: 8, final: true, quorum: 2 });

    // Grows by two batches before the next round: the witnesses get a consistency proof 5 → 12.
    await a.append(3);
    await a.append(4);
    const second = await cosignLatest(a.database);
    expect(second).toMatchObject({ size: 15, final: true });
    expect(second.cosigned_by).toEqual(['mediator-c.example', 'party-b.example']);
    // Asking again changes nothing.
    expect((await cosignLatest(a.database)).outcomes.map((o) => o.result)).toEqual(['already', 'already']);

    // The served checkpoint carries both cosignatures, each verifying; the header says final.
    const res = await fetch(`${a.url}/log/checkpoint`);
    expect(res.headers.get('x-homeward-final')).toBe('true');
    const note = await res.text();
    const opened = openCheckpoint(note, {
      origin: a.identity.name,
      logKeys: [parseVerifierKey(a.identity.verifierKey)],
      witnessKeys: await witnessKeys(),
    });
    expect(opened.checkpoint.size).toBe(15);
    expect(opened.cosignatures).toHaveLength(2);
    const status = (await (await fetch(`${a.url}/log/status`)).json()) as Record<string, unknown>;
    expect(status).toMatchObject({ size: 15, final: true, quorum: 2, final_size: 15 });

    expect(await auditStoredLog(a.database.db, { workers: 0 })).toMatchObject({ ok: true, cosignatures: 4 });
    // A forged cosignature line (someone lifting the append-only trigger) is found by the audit.
    const stored = await a.database.db
      .selectFrom('log_cosignatures')
      .select(['size', 'witness', 'signature_line'])
      .orderBy('size')
      .executeTakeFirstOrThrow();
    // Change one base64 character inside the signature bytes (not the padding).
    const at = stored.signature_line.length - 20;
    const ch = stored.signature_line[at] === 'A' ? 'B' : 'A';
    const forged = stored.signature_line.slice(0, at) + ch + stored.signature_line.slice(at + 1);
    const rewrite = (line: string) =>
      a.database.transaction(async (tx) => {
        await sql`ALTER TABLE log_cosignatures DISABLE TRIGGER USER`.execute(tx);
        await sql`UPDATE log_cosignatures SET signature_line = ${line}
                  WHERE size = ${stored.size} AND witness = ${stored.witness}`.execute(tx);
        await sql`ALTER TABLE log_cosignatures ENABLE TRIGGER USER`.execute(tx);
      });
    await rewrite(forged);
    const tampered = await auditStoredLog(a.database.db, { workers: 0 });
    expect(tampered.ok).toBe(false);
    expect(tampered.problems[0]!.message).toMatch(/cosignature by .* does not verify/);
    await rewrite(stored.signature_line);

    // B and C recorded A's log at 12.
    for (const w of [b, c]) {
      const row = await w.database.db.selectFrom('witnessed_logs').select('size').executeTakeFirstOrThrow();
      expect(Number(row.size)).toBe(15);
    }
  });

  it('a witness that lost track (409) is caught up with a proof from the size it names', async () => {
    // B cosigns 15 for another client (say, a monitor relaying A's checkpoint), so A's belief (B last
    // cosigned 12) is stale: A sends old 12, gets 409 "15", and retries with a proof from 15.
    await a.append(3); // 18
    const body15 = await requestBody(a, 15, 18);
    const direct = await fetch(`${b.url}/log/witness/add-checkpoint`, { method: 'POST', body: body15 });
    expect(direct.status).toBe(200);
    await a.append(2); // 20
    const r = await cosignLatest(a.database);
    expect(r).toMatchObject({ size: 20, final: true });
    expect(r.outcomes.every((o) => o.result === 'cosigned')).toBe(true);
  });

  it('without the quorum a checkpoint is not final, and the latest final one is still known', async () => {
    await c.app.close(); // C goes offline
    await a.append(1); // 21
    const r = await cosignLatest(a.database, { timeoutMs: 2000 });
    expect(r).toMatchObject({ size: 21, final: false, cosigned_by: ['party-b.example'] });
    const failed = r.outcomes.find((o) => o.witness === 'mediator-c.example');
    expect(failed?.result).toBe('failed');
    expect((await latestFinalCheckpoint(a.database.db))?.size).toBe(20);
    const res = await a.app.inject({ method: 'GET', url: '/log/checkpoint' });
    expect(res.headers['x-homeward-final']).toBe('false');
    // Quorum 1 makes it final.
    await setWitnessQuorum(a.database, 1);
    expect((await latestFinalCheckpoint(a.database.db))?.size).toBe(21);
    await setWitnessQuorum(a.database, 2);
  });

  it('a forked log (same key, other entries) is refused by the witness and never cosigned', async () => {
    // A' holds A's key and origin but a different history: a split view.
    const fork = await openLogNode('party-a.example', { sameKeyAs: a });
    nodes.push(fork);
    await fork.append(21, 'fork');
    await addLogWitness(fork.database, {
      name: b.identity.name,
      vkey: await witnessVerifierKey(b.database.db),
      url: `${b.url}/log/witness`,
    });
    await setWitnessQuorum(fork.database, 1);
    const r = await cosignLatest(fork.database);
    expect(r.size).toBe(23);
    const outcome = r.outcomes[0]!;
    expect(outcome.result).toBe('failed');
    // B says it recorded 21 (409), the retry from 21 carries a proof that cannot reach B's root: 422.
    expect(outcome.result === 'failed' && outcome.status).toBe(422);
    expect(r.final).toBe(false);
    expect(await fork.database.db.selectFrom('log_cosignatures').selectAll().execute()).toEqual([]);

    // B still holds A's true history at 21 and still cosigns A.
    const row = await b.database.db
      .selectFrom('witnessed_logs')
      .select(['size', 'root'])
      .executeTakeFirstOrThrow();
    expect(Number(row.size)).toBe(21);
    const cp21 = await checkpointAt(a.database.db, 21);
    expect(Buffer.from(row.root!)).toEqual(Buffer.from(cp21!.root));
  });

  it('a fork of exactly the recorded size is a 409 conflict at the witness', async () => {
    const fork = await openLogNode('party-a.example', { sameKeyAs: a });
    nodes.push(fork);
    await fork.append(21, 'fork-21');
    const cp = await checkpointAt(fork.database.db, 21);
    const res = await fetch(`${b.url}/log/witness/add-checkpoint`, {
      method: 'POST',
      body: `old 21\n\n${cp!.note}`,
    });
    expect(res.status).toBe(409);
    expect(res.headers.get('content-type')).not.toMatch(/x\.tlog\.size/);
    // B kept both refused requests, signed with A's key, as evidence of the split view.
    const evidence = await listWitnessEvidence(b.database.db, a.identity.name);
    expect(evidence.map((e) => [e.reason, e.recordedSize])).toEqual([
      ['inconsistent', 21],
      ['fork', 21],
    ]);
  });

  it('the background loop cosigns new checkpoints and survives a witness that is down', async () => {
    await setWitnessQuorum(a.database, 1);
    // The log grew by the quorum changes' `records` entries; the loop must reach whatever it is now plus 2.
    const expected = (await logSize(a)) + 2;
    const logs: string[] = [];
    const loop = startCosignLoop(a.database, {
      intervalMs: 50,
      log: (level, msg) => logs.push(`${level} ${msg}`),
    });
    try {
      await a.append(2);
      await vi.waitFor(
        async () => expect(await logStatus(a.database.db)).toMatchObject({ size: expected, final: true }),
        { timeout: 15_000, interval: 100 },
      );
      expect(logs).toContain('warn witness did not cosign'); // C is still down
      expect(logs).toContain('info checkpoint cosigned');
    } finally {
      await loop.stop();
    }
  });
});

async function logSize(node: LogNode): Promise<number> {
  const head = await node.database.db.selectFrom('log_head').select('size').executeTakeFirstOrThrow();
  return Number(head.size);
}

async function requestBody(node: LogNode, from: number, to: number): Promise<string> {
  const note = (
    await node.database.db
      .selectFrom('log_checkpoints')
      .select('note')
      .where('size', '=', String(to))
      .executeTakeFirstOrThrow()
  ).note;
  return formatAddCheckpointBody({
    oldSize: from,
    proof: await proveConsistency(node.database.db, from, to),
    note,
  });
}
