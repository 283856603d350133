import { describe, expect, it } from 'vitest';
import type { CheckpointTrust } from './checkpoint.ts';
import { isLedgerError } from './errors.ts';
import { parseVerifierKey } from './keys.ts';
import { hashLeaf, MemoryTree } from './merkle.ts';
import { formatTlogProof, parseTlogProof, verifyTlogProof } from './proof-bundle.ts';
import { hex, readVector } from './test-vectors.ts';

const e2e = readVector<{
  origin: string;
  logVkey: string;
  witnessVkeys: string[];
  leafIndex: number;
  leafInputHex: string;
  checkpoint8: string;
  tlogProof: string;
}>('e2e-checkpoint-cosign-proof.json');
const tree = MemoryTree.fromEntries(
  readVector<{ leafInputsHex: string[] }>('rfc6962-tree-8-leaves.json').leafInputsHex.map(hex),
);
const trust: CheckpointTrust = {
  origin: e2e.origin,
  logKeys: [parseVerifierKey(e2e.logVkey)],
  witnessKeys: e2e.witnessVkeys.map(parseVerifierKey),
};
const leafHash = hashLeaf(hex(e2e.leafInputHex));

function codeOf(f: () => unknown): string {
  try {
    f();
    return 'ok';
  } catch (e) {
    if (isLedgerError(e)) return e.code;
    throw e;
  }
}

describe('the tlog-proof vector', () => {
  it('verifies entry 5 against the cosigned checkpoint', () => {
    const { receipt, checkpoint } = verifyTlogProof(e2e.tlogProof, leafHash, trust);
    expect(receipt.index).toBe(e2e.leafIndex);
    expect(checkpoint.cosignatures).toHaveLength(2);
  });

  it('is what we generate from the tree and the checkpoint', () => {
    const receipt = { index: 5, proof: tree.inclusionProof(5), checkpoint: e2e.checkpoint8 };
    expect(formatTlogProof(receipt)).toBe(e2e.tlogProof);
    expect(parseTlogProof(e2e.tlogProof)).toEqual(receipt);
  });

  it('round-trips extra data', () => {
    const receipt = {
      extra: new Uint8Array([1, 2, 3]),
      index: 5,
      proof: tree.inclusionProof(5),
      checkpoint: e2e.checkpoint8,
    };
    expect(parseTlogProof(formatTlogProof(receipt))).toEqual(receipt);
  });

  it('fails for another entry, a wrong index or an altered proof', () => {
    expect(codeOf(() => verifyTlogProof(e2e.tlogProof, hashLeaf(hex('5051525354555657')), trust))).toBe(
      'ROOT_MISMATCH',
    );
    expect(codeOf(() => verifyTlogProof(e2e.tlogProof.replace('index 5', 'index 4'), leafHash, trust))).toBe(
      'ROOT_MISMATCH',
    );
    const altered = e2e.tlogProof.replace('vBoGQ7Eu', 'vBoGQ7Ev');
    expect(codeOf(() => verifyTlogProof(altered, leafHash, trust))).toBe('ROOT_MISMATCH');
  });

  it('refuses a malformed receipt', () => {
    const bad = {
      header: e2e.tlogProof.replace('tlog-proof@v1', 'tlog-proof@v2'),
      index: e2e.tlogProof.replace('index 5', 'index 05'),
      'no index': e2e.tlogProof.replace('index 5\n', ''),
      hash: e2e.tlogProof.replace('vBoGQ7Eu', 'vBoGQ7E'),
      'no checkpoint': 'c2sp.org/tlog-proof@v1\nindex 5\n',
    };
    for (const [why, text] of Object.entries(bad))
      expect(
        codeOf(() => parseTlogProof(text)),
        why,
      ).toBe('RECEIPT_MALFORMED');
  });
});
