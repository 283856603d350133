import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromHex, toBase64, utf8 } from '../../ledger/bytes.ts';
import { parseCheckpoint, signCheckpoint } from '../../ledger/checkpoint.ts';
import { cosignatureVerifier } from '../../ledger/cosignature.ts';
import { formatVerifierKey, parseVerifierKey } from '../../ledger/keys.ts';
import { MemoryTree } from '../../ledger/merkle.ts';
import { ed25519NoteSigner, openNote } from '../../ledger/note.ts';
import { readVector } from '../../ledger/test-vectors.ts';
import { type LogNode, openLogNode } from './log-testing.ts';
import {
  addCheckpoint,
  formatAddCheckpointBody,
  listWitnessEvidence,
  parseAddCheckpointBody,
  trustLog,
  WitnessRefusal,
  witnessVerifierKey,
} from './witness.ts';

interface E2EVector {
  origin: string;
  logVkey: string;
  logSeedHex: string;
  checkpoint6: string;
  checkpoint8: string;
  addCheckpointRequestBody: string;
}
const vector = readVector<E2EVector>('e2e-checkpoint-cosign-proof.json');
const logSigner = ed25519NoteSigner(vector.origin, fromHex(vector.logSeedHex));

let witness: LogNode;

beforeAll(async () => {
  witness = await openLogNode('witness-test.example');
});
afterAll(async () => {
  await witness?.close();
});

const post = (body: string | Uint8Array, headers: Record<string, string> = {}) =>
  witness.app.inject({
    method: 'POST',
    url: '/log/witness/add-checkpoint',
    payload: typeof body === 'string' ? Buffer.from(body, 'utf8') : Buffer.from(body),
    headers: { 'content-type': 'text/plain', ...headers },
  });

/** The vector's request with the old-size line and proof replaced. */
function withOld(oldLine: string, proof?: string[]): string {
  const body = vector.addCheckpointRequestBody;
  const lines = body.slice(0, body.indexOf('\n\n')).split('\n');
  return (
    [oldLine, ...(proof ?? lines.slice(1))].map((l) => `${l}\n`).join('') +
    body.slice(body.indexOf('\n\n') + 1)
  );
}

/** A checkpoint of the vector's log for another tree, signed with the vector's (published) log seed. */
function forgedCheckpoint(size: number, seed: string): string {
  const root = createHash('sha256').update(seed).digest();
  return signCheckpoint({ origin: vector.origin, size, root, extensions: [] }, [logSigner]);
}

describe('tlog-witness add-checkpoint', () => {
  it('parses and formats the request body of the spec', () => {
    const req = parseAddCheckpointBody(utf8(vector.addCheckpointRequestBody));
    expect(req.oldSize).toBe(6);
    expect(req.proof).toHaveLength(3);
    expect(formatAddCheckpointBody(req)).toBe(vector.addCheckpointRequestBody);
    for (const bad of [
      '',
      'old 6\n',
      'old 06\n\nx',
      'old -1\n\nx',
      'new 6\n\nx',
      'old 6\nnot base64!\n\nx',
      'old 6\nAAAA\n\nx',
      'old 6\n\n',
      `old 1\n${'DrxdNDf74tsVi58Sah0RjjCBgQMdCpSfje3t68VY72o=\n'.repeat(64)}\nx`,
    ])
      expect(() => parseAddCheckpointBody(utf8(bad)), JSON.stringify(bad)).toThrow(WitnessRefusal);
  });

  it('refuses oversized bodies with 413, not 500', async () => {
    const res = await post(`old 0\n\n${'x'.repeat(70_000)}`);
    expect(res.statusCode).toBe(413);
  });

  it('refuses a log it does not witness with 404', async () => {
    const res = await post(vector.addCheckpointRequestBody);
    expect(res.statusCode).toBe(404);
  });

  it("cosigns the vector's 6 → 8 checkpoint when it trusts the log at size 6", async () => {
    await trustLog(witness.database, { vkey: vector.logVkey, checkpoint: vector.checkpoint6 });

    // Each refusal, in the spec's order, before the good request (none may change the record).
    const noLogSig = `${vector.checkpoint8.slice(0, vector.checkpoint8.indexOf('\n\n') + 2)}${vector.checkpoint8
      .split('\n')
      .filter((l) => l.startsWith('— example.org/research/witness'))
      .map((l) => `${l}\n`)
      .join('')}`;
    const forged403 = signCheckpoint(parseCheckpoint(`${vector.checkpoint8.split('\n\n')[0]!}\n`), [
      ed25519NoteSigner(vector.origin, new Uint8Array(32).fill(7)),
    ]);
    const cases: [string, string, number][] = [
      ['only witness signatures', `old 6\n\n${noLogSig}`, 403],
      ['signed by another key of the same name', `old 6\n\n${forged403}`, 403],
      ['old size beyond the checkpoint', withOld('old 9', []), 400],
      ['malformed', 'old 6\nAAAA\n\n', 400],
      [
        'proof hash altered',
        withOld('old 6', [
          'DrxdNDf74tsVi58Sah0RjjCBgQMdCpSfje3t68VY72o=',
          'yoVOoSjtBQtBs1/8G4e46yveRh6eO1WW7Oa51ZdaCuA=',
          'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=',
        ]),
        422,
      ],
      ['proof too short', withOld('old 6', ['DrxdNDf74tsVi58Sah0RjjCBgQMdCpSfje3t68VY72o=']), 422],
    ];
    for (const [what, body, status] of cases) {
      const res = await post(body);
      expect(res.statusCode, what).toBe(status);
      expect(res.json(), what).toMatchObject({ error: { code: expect.any(String) } });
    }
    const conflict = await post(withOld('old 5'));
    expect(conflict.statusCode).toBe(409);
    expect(conflict.headers['content-type']).toBe('text/x.tlog.size');
    expect(conflict.body).toBe('6\n');

    // No content type at all, as some Go clients send it: still accepted.
    const res = await witness.app.inject({
      method: 'POST',
      url: '/log/witness/add-checkpoint',
      payload: Buffer.from(vector.addCheckpointRequestBody),
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(res.body).toMatch(/^— witness-test\.example [A-Za-z0-9+/]+=*\n$/);

    // The cosignature verifies as cosignature/v1 by the node's identity key, over the checkpoint text.
    const wvkey = await witnessVerifierKey(witness.database.db);
    expect(wvkey).toMatch(/^witness-test\.example\+[0-9a-f]{8}\+B[A-P]/); // 0x04 ‖ key
    const verifier = parseVerifierKey(wvkey);
    const raw = Buffer.from(witness.identity.publicKey, 'base64');
    expect(verifier.keyId).toBe(cosignatureVerifier(witness.identity.name, raw).keyId);
    const opened = openNote(vector.checkpoint8 + res.body, [cosignatureVerifier(witness.identity.name, raw)]);
    expect(opened.verified).toHaveLength(1);
    expect(opened.unknown.map((u) => u.name).sort()).toEqual([
      vector.origin,
      'example.org/research/witness-a',
      'example.org/research/witness-b',
    ]);

    const row = await witness.database.db
      .selectFrom('witnessed_logs')
      .selectAll()
      .where('origin', '=', vector.origin)
      .executeTakeFirstOrThrow();
    expect(Number(row.size)).toBe(8);
    expect(toBase64(row.root!)).toBe('XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=');

    // Now at 8: the same request again is a size conflict; the same checkpoint from 8 is cosigned again;
    // another tree of size 8 is a fork (409 without a size).
    const again = await post(vector.addCheckpointRequestBody);
    expect(again.statusCode).toBe(409);
    expect(again.body).toBe('8\n');
    const cp8 = vector.addCheckpointRequestBody.slice(vector.addCheckpointRequestBody.indexOf('\n\n') + 2);
    expect((await post(`old 8\n\n${cp8}`)).statusCode).toBe(200);
    const fork = await post(`old 8\n\n${forgedCheckpoint(8, 'fork')}`);
    expect(fork.statusCode).toBe(409);
    expect(fork.headers['content-type']).toMatch(/json/);
    // The refused requests the log's key signed are kept as evidence; unsigned ones are not.
    const evidence = await listWitnessEvidence(witness.database.db, vector.origin);
    expect(evidence.map((e) => [e.reason, e.recordedSize])).toEqual([
      ['inconsistent', 6],
      ['inconsistent', 6],
      ['fork', 8],
    ]);
    expect(Buffer.from(evidence[2]!.request).toString('utf8')).toBe(
      `old 8\n\n${forgedCheckpoint(8, 'fork')}`,
    );
    expect(evidence[2]!.recordedCheckpoint).toContain('\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n');

    // Nor can the operator reset the record to another checkpoint.
    await expect(
      trustLog(witness.database, { vkey: vector.logVkey, checkpoint: vector.checkpoint6 }),
    ).rejects.toThrow(/already cosigned/);
    // A smaller tree can never be cosigned after a larger one.
    expect((await post(`old 8\n\n${vector.checkpoint6}`)).statusCode).toBe(400);
  });

  it('two concurrent requests from the same size: one is cosigned, the other gets 409 (row lock)', async () => {
    const origin = 'example.org/concurrent-log';
    const signer = ed25519NoteSigner(origin, new Uint8Array(32).fill(3));
    await trustLog(witness.database, { vkey: formatVerifierKey(signer) });
    const tree = MemoryTree.fromEntries(Array.from({ length: 9 }, (_, i) => utf8(`entry ${i}`)));
    const note = (n: number) =>
      signCheckpoint({ origin, size: n, root: tree.root(n), extensions: [] }, [signer]);
    const [a, b] = await Promise.all([post(`old 0\n\n${note(5)}`), post(`old 0\n\n${note(9)}`)]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([200, 409]);
    const loser = a.statusCode === 409 ? a : b;
    expect(['5\n', '9\n']).toContain(loser.body);
  });

  it('cosigns exactly the checkpoints consistent with the last one it cosigned (property)', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 40 }),
        fc.integer({ min: 0, max: 40 }),
        fc.nat(),
        fc.nat(7),
        async (a, b, pick, bit) => {
          const [m, n] = a <= b ? [a, b] : [b, a];
          run += 1;
          const origin = `example.org/prop-log-${run}`;
          const signer = ed25519NoteSigner(origin, createHash('sha256').update(origin).digest());
          const tree = MemoryTree.fromEntries(Array.from({ length: n }, (_, i) => utf8(`${origin} ${i}`)));
          const note = (s: number) =>
            signCheckpoint({ origin, size: s, root: tree.root(s), extensions: [] }, [signer]);
          await trustLog(witness.database, {
            vkey: formatVerifierKey(signer),
            ...(m > 0 ? { checkpoint: note(m) } : {}),
          });
          const proof = m === 0 ? [] : tree.consistencyProof(m, n);
          const attempt = async (oldSize: number, p: Uint8Array[]) => {
            try {
              await addCheckpoint(
                witness.database,
                utf8(formatAddCheckpointBody({ oldSize, proof: p, note: note(n) })),
              );
              return 200;
            } catch (e) {
              if (e instanceof WitnessRefusal) return e.status;
              throw e;
            }
          };
          // Any single-bit change in any proof hash is refused with 422, and changes nothing.
          if (proof.length > 0) {
            const bad = proof.map((h) => new Uint8Array(h));
            const i = pick % bad.length;
            bad[i]![pick % 32]! ^= 1 << bit;
            expect(await attempt(m, bad)).toBe(422);
          }
          // An extra hash (or any hash from the empty tree) is refused.
          if (m !== n || m === 0) expect(await attempt(m, [...proof, new Uint8Array(32)])).toBe(422);
          // A wrong old size is a conflict naming the recorded one.
          if (m !== n) expect(await attempt(m + 1, proof)).toBe(409);
          expect(await attempt(m, proof)).toBe(200);
          const row = await witness.database.db
            .selectFrom('witnessed_logs')
            .select('size')
            .where('origin', '=', origin)
            .executeTakeFirstOrThrow();
          expect(Number(row.size)).toBe(n);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('the witness vkey is a cosignature/v1 key under the node name', async () => {
    const line = await witnessVerifierKey(witness.database.db);
    const v = parseVerifierKey(line);
    expect(v.type).toBe(0x04);
    expect(v.name).toBe(witness.identity.name);
    expect(Buffer.from(v.publicKey).toString('base64')).toBe(witness.identity.publicKey);
  });
});
