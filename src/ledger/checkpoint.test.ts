import { describe, expect, it } from 'vitest';
import { fromBase64, toHex } from './bytes.ts';
import {
  type CheckpointTrust,
  formatCheckpoint,
  openCheckpoint,
  parseCheckpoint,
  signCheckpoint,
} from './checkpoint.ts';
import { cosignatureSigner } from './cosignature.ts';
import { isLedgerError } from './errors.ts';
import { parseVerifierKey } from './keys.ts';
import { MemoryTree, verifyConsistency } from './merkle.ts';
import { ed25519NoteSigner, parseNote, signNote } from './note.ts';
import { hex, readVector } from './test-vectors.ts';

interface E2EVector {
  origin: string;
  logVkey: string;
  logSeedHex: string;
  witnessVkeys: string[];
  checkpoint8: string;
  checkpoint6: string;
  addCheckpointRequestBody: string;
}

const e2e = readVector<E2EVector>('e2e-checkpoint-cosign-proof.json');
const tree = MemoryTree.fromEntries(
  readVector<{ leafInputsHex: string[] }>('rfc6962-tree-8-leaves.json').leafInputsHex.map(hex),
);
const cosigners = readVector<{
  vectors: { name: string; witnessName: string; witnessSeedHex: string; timestamp: number }[];
}>('cosignature-v1.json').vectors.filter((w) => w.name.startsWith('8-leaf-tree'));

const trust: CheckpointTrust = {
  origin: e2e.origin,
  logKeys: [parseVerifierKey(e2e.logVkey)],
  witnessKeys: e2e.witnessVkeys.map(parseVerifierKey),
};

function codeOf(f: () => unknown): string {
  try {
    f();
    return 'ok';
  } catch (e) {
    if (isLedgerError(e)) return e.code;
    throw e;
  }
}

describe('the end-to-end checkpoint vector', () => {
  it('verifies the size-8 checkpoint, its log signature and both witness cosignatures', () => {
    const opened = openCheckpoint(e2e.checkpoint8, trust);
    expect(opened.checkpoint.size).toBe(8);
    expect(opened.checkpoint.root).toEqual(tree.root(8));
    expect(opened.logSignatures.map((s) => s.name)).toEqual([e2e.origin]);
    expect(opened.cosignatures.map((s) => s.name)).toEqual(cosigners.map((w) => w.witnessName));
  });

  it('reproduces the checkpoint byte for byte: log signature, then two timestamped cosignatures', () => {
    const log = ed25519NoteSigner(e2e.origin, hex(e2e.logSeedHex));
    const signed = signCheckpoint({ origin: e2e.origin, size: 8, root: tree.root(8), extensions: [] }, [log]);
    const witnesses = cosigners.map((w) =>
      cosignatureSigner(w.witnessName, hex(w.witnessSeedHex), () => w.timestamp),
    );
    const note = parseNote(signed);
    expect(signNote(note.text, witnesses, note.signatures)).toBe(e2e.checkpoint8);
  });

  it('verifies the size-6 checkpoint and the add-checkpoint consistency proof 6 → 8', () => {
    const six = openCheckpoint(e2e.checkpoint6, { ...trust, witnessKeys: [] });
    expect(six.checkpoint.root).toEqual(tree.root(6));
    // tlog-witness add-checkpoint body: "old <size>", proof lines, blank line, checkpoint.
    const [head = '', checkpoint] = e2e.addCheckpointRequestBody.split(/\n\n(.*)/s);
    const [oldLine, ...proofLines] = head.split('\n');
    expect(oldLine).toBe('old 6');
    const proof = proofLines.map((line) => fromBase64(line)!);
    expect(proof).toEqual(tree.consistencyProof(6, 8));
    const eight = openCheckpoint(checkpoint!, trust).checkpoint;
    verifyConsistency(6, eight.size, six.checkpoint.root, eight.root, proof);
  });

  it('needs the log signature, the right origin and intact signatures', () => {
    const witnessesOnly = { ...trust, logKeys: [], witnessKeys: trust.witnessKeys! };
    expect(codeOf(() => openCheckpoint(e2e.checkpoint8, witnessesOnly))).toBe('CHECKPOINT_NOT_SIGNED_BY_LOG');
    expect(codeOf(() => openCheckpoint(e2e.checkpoint8, { ...trust, origin: 'example.org/other' }))).toBe(
      'CHECKPOINT_WRONG_ORIGIN',
    );
    const altered = e2e.checkpoint8.replace('\n8\n', '\n9\n');
    expect(codeOf(() => openCheckpoint(altered, trust))).toBe('NOTE_BAD_SIGNATURE');
  });
});

describe('checkpoint bodies', () => {
  const root = tree.root(8);

  it('round-trip, extension lines included', () => {
    const checkpoint = { origin: 'example.org/log', size: 2 ** 53, root, extensions: ['ext one', 'ext two'] };
    expect(parseCheckpoint(formatCheckpoint(checkpoint))).toEqual(checkpoint);
    expect(toHex(parseCheckpoint(formatCheckpoint({ ...checkpoint, extensions: [] })).root)).toBe(
      toHex(root),
    );
  });

  it('refuses malformed bodies', () => {
    const rootLine = Buffer.from(root).toString('base64');
    const bad = {
      'two lines': `o\n8\n`,
      'leading zero': `o\n08\n${rootLine}\n`,
      'negative size': `o\n-1\n${rootLine}\n`,
      'size beyond 2^53': `o\n9007199254740993\n${rootLine}\n`,
      'short root': `o\n8\n${Buffer.from(root.subarray(1)).toString('base64')}\n`,
      'empty extension': `o\n8\n${rootLine}\n\n`,
      'empty origin': `\n8\n${rootLine}\n`,
      'no final newline': `o\n8\n${rootLine}`,
    };
    for (const [why, text] of Object.entries(bad))
      expect(
        codeOf(() => parseCheckpoint(text)),
        why,
      ).toBe('CHECKPOINT_MALFORMED');
  });
});
