import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadLogKeys } from '../../db/ledger.ts';
import { testContext } from '../../db/testing.ts';
import { roleOf, runStage } from '../../demo/exchange-stages.ts';
import { startExchange } from '../../domain/exchange/operation.ts';
import { A, B, M, numericAgreement } from '../../domain/exchange/testing.ts';
import { signRotation } from '../../ledger/key-rotation.ts';
import { ed25519NoteSigner } from '../../ledger/note.ts';
import { createExchange, recordExchangeEvents } from '../exchange/exchange.ts';
import { addLogWitness, cosignLatest, setWitnessQuorum } from '../ledger/log-cosign.ts';
import { type LogNode, openLogNode } from '../ledger/log-testing.ts';
import { trustLog, witnessVerifierKey } from '../ledger/witness.ts';
import { followKeyRotations } from '../node/key-follow.ts';
import { rotateNodeKey } from '../node/key-rotation.ts';
import { AGREEMENT_SIGNATURE_PACKAGE_TYPE, CONFIRMATION_PACKAGE_TYPE } from '../peers/package-types.ts';
import { acceptPackages, pinKey, sendPackage } from '../peers/packages.ts';
import { publishBulletin, verifiableBulletin } from './bulletin.ts';
import { type VerifiableBulletin, verifyVerifiableBulletin } from './bulletin-verify.ts';

// Party A's node records a small two-stage exchange and publishes its bulletin; B's and the
// mediator's nodes sign their stage confirmations (packages A accepts) and witness A's log.
let a: LogNode;
let b: LogNode;
let m: LogNode;
let file: VerifiableBulletin;
const ctx = (n: LogNode) => testContext(['coordinator'], n.identity.orgId);

beforeAll(async () => {
  a = await openLogNode('party-a.test');
  b = await openLogNode('party-b.test', { listen: true });
  m = await openLogNode('mediator-m.test', { listen: true });
  for (const w of [b, m]) {
    await trustLog(w.database, { vkey: a.identity.verifierKey });
    await addLogWitness(a.database, {
      name: w.identity.name,
      vkey: await witnessVerifierKey(w.database.db),
      url: `${w.url}/log/witness`,
    });
    await a.database.transaction((tx) => pinKey(ctx(a), tx, w.identity.verifierKey));
    await w.database.transaction((tx) => pinKey(ctx(w), tx, a.identity.verifierKey));
  }
  await setWitnessQuorum(a.database, 2);

  const agreement = numericAgreement(20);
  await a.database.transaction((tx) => createExchange(ctx(a), tx, { id: 'ex-1', agreement }));
  const nodeOf: Record<string, LogNode> = { [A]: a, [B]: b, [M]: m };
  // Each signs the agreement's hash as a package; A keeps its own and accepts the others'.
  for (const s of agreement.signatures) {
    const node = nodeOf[s.signer]!;
    const pkg = {
      type: AGREEMENT_SIGNATURE_PACKAGE_TYPE,
      version: 1,
      payload: { agreementHash: s.contentHash, signature: { ...s } },
    };
    if (node === a)
      await a.database.transaction((tx) =>
        sendPackage(ctx(a), tx, { ...pkg, recipients: [b.identity.name, m.identity.name] }),
      );
    else {
      const sent = await node.database.transaction((tx) =>
        sendPackage(ctx(node), tx, { ...pkg, recipients: [a.identity.name] }),
      );
      await a.database.transaction((tx) => acceptPackages(ctx(a), tx, [sent.bytes]));
    }
  }
  let state = startExchange(agreement);
  const submit = async (author: string, events: Parameters<typeof recordExchangeEvents>[3]) => {
    const confirmation = events[0]?.kind === 'stage.confirmation_signed' ? events[0] : undefined;
    const node = nodeOf[author]!;
    const pkg = confirmation && {
      type: CONFIRMATION_PACKAGE_TYPE,
      version: 1,
      payload: {
        exchangeId: 'ex-1',
        stageId: confirmation.stageId,
        signer: author,
        role: roleOf(author),
        reconciliationHash: confirmation.signature.contentHash,
      },
    };
    // The author signs the reconciliation as a package to A (A signs its own and sends it out).
    const received =
      pkg && node !== a
        ? await node.database.transaction((t2) =>
            sendPackage(ctx(node), t2, { ...pkg, recipients: [a.identity.name] }),
          )
        : undefined;
    return a.database.transaction(async (tx) => {
      if (pkg && node === a)
        await sendPackage(ctx(a), tx, { ...pkg, recipients: [b.identity.name, m.identity.name] });
      if (received) await acceptPackages(ctx(a), tx, [received.bytes]);
      return (await recordExchangeEvents(ctx(a), tx, 'ex-1', events)).state;
    });
  };
  state = await runStage(
    state,
    {
      stageId: 's1',
      date: '2025-05-23',
      counts: [
        { direction: A, category: 'military', count: 8 },
        { direction: A, category: 'civilian', count: 5 },
        { direction: B, category: 'military', count: 8 },
        { direction: B, category: 'civilian', count: 5 },
      ],
    },
    submit,
  );
  state = await runStage(
    state,
    {
      stageId: 's2',
      date: '2025-05-24',
      counts: [
        { direction: A, category: 'military', count: 7 },
        { direction: B, category: 'military', count: 6 },
        { direction: B, category: 'civilian', count: 1 },
      ],
    },
    submit,
  );
  await a.database.transaction((tx) => publishBulletin(ctx(a), tx, 'ex-1'));
  expect((await cosignLatest(a.database)).final).toBe(true);
  file = await verifiableBulletin(a.database.db, ctx(a), 'ex-1');
});
afterAll(async () => {
  for (const n of [a, b, m]) await n?.close().catch(() => {});
});

const clone = (): VerifiableBulletin => JSON.parse(JSON.stringify(file));

describe('verifiable bulletin', () => {
  it('verifies: counts, commitments, the cosigned checkpoint, inclusion and every confirmation', () => {
    const r = verifyVerifiableBulletin(clone());
    expect(r).toMatchObject({ ok: true, problems: [] });
    expect(r.summary).toMatch(/20 to Party A, 20 to Party B/);
    expect(r.summary).toMatch(/cosigned by 2 witness/);
    expect(file.confirmations.map((c) => c.packages.length)).toEqual([3, 3]);
    expect(file.agreementSignatures).toHaveLength(3);
    // Small cells (1 civilian to B on s2) are withheld, and never in the clear in the file.
    expect(JSON.stringify(file.bulletin)).toContain('"value":null');
  });

  it('fails with the trusted key of another log, or a quorum the checkpoint lacks', async () => {
    const other = verifyVerifiableBulletin(clone(), { logKey: b.identity.verifierKey });
    expect(other.ok).toBe(false);
    expect(verifyVerifiableBulletin(clone(), { quorum: 3 }).problems).toEqual([
      'log: checkpoint cosigned by 2 witness(es), quorum 3',
    ]);
    expect((await loadLogKeys(a.database.db)).origin).toBe('party-a.test');
  });

  it('fails when any count, commitment, signature byte, proof line or confirmation is altered', () => {
    type Mutation = (f: VerifiableBulletin, pick: number, pick2: number) => boolean;
    const flip = (s: string, at: number, alphabet: string) => {
      const c = s[at]!;
      const r = alphabet[(alphabet.indexOf(c) + 1) % alphabet.length]!;
      return s.slice(0, at) + r + s.slice(at + 1);
    };
    const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
    // biome-ignore lint/suspicious/noExplicitAny: mutating parsed JSON in place
    const bul = (f: VerifiableBulletin) => f.bulletin as any;
    const mutations: Record<string, Mutation> = {
      stageCount: (f, i, j) => {
        const st = bul(f).stages[i % bul(f).stages.length];
        const cell = st.cells[j % st.cells.length];
        cell.value = cell.value === null ? 7 : cell.value + 1;
        return true;
      },
      cumulativeCount: (f, i) => {
        const cell = bul(f).cumulative[i % bul(f).cumulative.length];
        cell.value = cell.value === null ? 7 : cell.value + 1;
        return true;
      },
      records: (f, i) => {
        bul(f).stages[i % bul(f).stages.length].records += 1;
        return true;
      },
      commitment: (f, i, j) => {
        const st = bul(f).stages[i % bul(f).stages.length];
        st.commitment = flip(st.commitment, j % 64, '0123456789abcdef');
        return true;
      },
      confirmationHash: (f, i, j) => {
        const st = bul(f).stages[i % bul(f).stages.length];
        st.confirmation = flip(st.confirmation, j % 64, '0123456789abcdef');
        return true;
      },
      leaf: (f, i, j) => {
        // biome-ignore lint/suspicious/noExplicitAny: parsed JSON
        const d = (f.disclosures as any)[i % 2];
        const leaf = d.leaves[j % d.leaves.length];
        leaf.salt = flip(leaf.salt, j % 64, '0123456789abcdef');
        return true;
      },
      checkpointSignature: (f, i, j) => {
        // Signature lines: "— <name> <base64(keyid ‖ signature)>"; flip a byte of the signature proper.
        const lines = f.log.proof.split('\n');
        const sigs = lines.map((l, k) => [l, k] as const).filter(([l]) => l.startsWith('— '));
        const [line, k] = sigs[i % sigs.length]!;
        const b64start = line.lastIndexOf(' ') + 1;
        const at = b64start + 8 + (j % 40);
        lines[k] = flip(line, at, B64);
        f.log.proof = lines.join('\n');
        return true;
      },
      proofLine: (f, i, j) => {
        const lines = f.log.proof.split('\n');
        const blank = lines.indexOf('');
        const proofLines = blank - 2; // after the header and the index line
        if (proofLines <= 0) return false;
        const k = 2 + (i % proofLines);
        lines[k] = flip(lines[k]!, j % 40, B64);
        f.log.proof = lines.join('\n');
        return true;
      },
      proofIndex: (f, i) => {
        f.log.proof = f.log.proof.replace(/^index (\d+)$/m, (_, n) => `index ${Number(n) + 1 + (i % 3)}`);
        return true;
      },
      checkpointSize: (f) => {
        const lines = f.log.proof.split('\n');
        const blank = lines.indexOf('');
        lines[blank + 2] = String(Number(lines[blank + 2]) + 1);
        f.log.proof = lines.join('\n');
        return true;
      },
      confirmationPackage: (f, i, j) => {
        const c = f.confirmations[i % f.confirmations.length]!;
        const k = j % c.packages.length;
        const pkg = JSON.parse(c.packages[k]!);
        if (j % 2 === 0) {
          const sig = pkg.signatures[0].signature as string;
          pkg.signatures[0].signature = flip(sig, (j >> 1) % 80, B64);
        } else pkg.payload.reconciliationHash = flip(pkg.payload.reconciliationHash, 3, '0123456789abcdef');
        c.packages[k] = JSON.stringify(pkg);
        return true;
      },
      agreementSignature: (f, i, j) => {
        const k = i % f.agreementSignatures.length;
        if (j % 2 === 0) f.agreementSignatures.splice(k, 1);
        else {
          const pkg = JSON.parse(f.agreementSignatures[k]!);
          pkg.payload.agreementHash = flip(pkg.payload.agreementHash, j % 64, '0123456789abcdef');
          f.agreementSignatures[k] = JSON.stringify(pkg);
        }
        return true;
      },
      signerKey: (f, i) => {
        // Another key for a signer: its packages no longer verify.
        const s = f.signers[i % f.signers.length]!;
        s.key = f.signers[(i + 1) % f.signers.length]!.key;
        return true;
      },
      dropConfirmation: (f, i, j) => {
        const c = f.confirmations[i % f.confirmations.length]!;
        c.packages.splice(j % c.packages.length, 1);
        return true;
      },
    };
    fc.assert(
      fc.property(fc.constantFrom(...Object.keys(mutations)), fc.nat(100), fc.nat(1000), (name, i, j) => {
        const f = clone();
        if (!mutations[name]!(f, i, j)) return;
        const r = verifyVerifiableBulletin(f);
        expect(r.ok, `${name} ${i} ${j}`).toBe(false);
        expect(r.problems.length).toBeGreaterThan(0);
      }),
      { numRuns: 300 },
    );
  });

  it('after A rotates its key, a verifier that trusted the old key follows the notes in the file; forged notes fail', async () => {
    const oldKey = a.identity.verifierKey;
    const rotation = await rotateNodeKey(ctx(a), a.database, {
      kind: 'file',
      key: new Uint8Array(32).fill(4),
    });
    const published = { origin: a.identity.name, current: rotation.newKey, rotations: [rotation.note] };
    for (const w of [b, m]) await w.database.transaction((tx) => followKeyRotations(ctx(w), tx, published));
    await a.append(1);
    expect((await cosignLatest(a.database)).final).toBe(true);
    const rotated = await verifiableBulletin(a.database.db, ctx(a), 'ex-1');
    expect(rotated.log.key).toBe(rotation.newKey);
    expect(rotated.log.rotations).toEqual([rotation.note]);
    expect(verifyVerifiableBulletin(rotated, { logKey: oldKey })).toMatchObject({ ok: true, problems: [] });
    expect(verifyVerifiableBulletin(rotated)).toMatchObject({ ok: true, problems: [] });
    // Without the notes, or with a note not signed by the trusted key, the old key does not lead to it.
    const bare = JSON.parse(JSON.stringify(rotated)) as VerifiableBulletin;
    delete bare.log.rotations;
    expect(verifyVerifiableBulletin(bare, { logKey: oldKey }).ok).toBe(false);
    const stranger = ed25519NoteSigner(a.identity.name, new Uint8Array(32).fill(6));
    const forged = JSON.parse(JSON.stringify(rotated)) as VerifiableBulletin;
    forged.log.rotations = [
      signRotation({ origin: a.identity.name, seq: 1, logSize: 1 }, stranger, stranger),
    ];
    const r = verifyVerifiableBulletin(forged, { logKey: oldKey });
    expect(r.ok).toBe(false);
    expect(r.problems.join('\n')).toMatch(/does not start from the key held now/);
  });
});
