import { describe, expect, it } from 'vitest';
import { toHex } from './bytes.ts';
import { isLedgerError } from './errors.ts';
import {
  emptyTreeRoot,
  hashChildren,
  hashLeaf,
  inclusionProof,
  MemoryTree,
  verifyConsistency,
  verifyInclusion,
} from './merkle.ts';
import { b64, hex, listVectors, readVector } from './test-vectors.ts';

interface HasherVectors {
  emptyTreeRoot: string;
  leaves: { inputHex: string; leafHash: string }[];
  nodes: { leftHex: string; rightHex: string; hash: string }[];
}

interface TreeVectors {
  leafInputsHex: string[];
  nodeHashesByLevel: string[][];
  rootsBySize: Record<string, string>;
  inclusionProofs: { leafIndex: number; treeSize: number; proof: string[] }[];
  consistencyProofs: { size1: number; size2: number; proof: string[] }[];
}

interface InclusionProbe {
  leafIdx: number;
  treeSize: number;
  root: string;
  leafHash: string;
  proof: string[] | null;
  desc: string;
  wantErr: boolean;
}

interface ConsistencyProbe {
  size1: number;
  size2: number;
  root1: string;
  root2: string;
  proof: string[] | null;
  desc: string;
  wantErr: boolean;
}

function outcome(check: () => void): 'ok' | string {
  try {
    check();
    return 'ok';
  } catch (e) {
    if (isLedgerError(e)) return e.code;
    throw e;
  }
}

describe('RFC 6962 hasher vectors', () => {
  const v = readVector<HasherVectors>('rfc6962-hasher.json');

  it('hashes the empty tree, leaves and nodes', () => {
    expect(toHex(emptyTreeRoot())).toBe(v.emptyTreeRoot);
    for (const leaf of v.leaves) expect(toHex(hashLeaf(hex(leaf.inputHex)))).toBe(leaf.leafHash);
    for (const node of v.nodes) {
      expect(toHex(hashChildren(hex(node.leftHex), hex(node.rightHex)))).toBe(node.hash);
    }
  });
});

describe('the 8-leaf CT test tree', () => {
  const v = readVector<TreeVectors>('rfc6962-tree-8-leaves.json');
  const tree = MemoryTree.fromEntries(v.leafInputsHex.map(hex));

  it('has every perfect-subtree hash', () => {
    v.nodeHashesByLevel.forEach((level, l) => {
      level.forEach((h, i) => {
        expect(toHex(tree.node(l, i))).toBe(h);
      });
    });
  });

  it('has the tree head for every size 0..8', () => {
    for (let size = 0; size <= 8; size++) expect(toHex(tree.root(size))).toBe(v.rootsBySize[String(size)]);
  });

  it('generates and verifies the published inclusion proofs', () => {
    for (const p of v.inclusionProofs) {
      const proof = tree.inclusionProof(p.leafIndex, p.treeSize);
      expect(proof.map(toHex)).toEqual(p.proof);
      verifyInclusion(p.leafIndex, p.treeSize, tree.node(0, p.leafIndex), proof, tree.root(p.treeSize));
    }
  });

  it('generates and verifies the published consistency proofs', () => {
    for (const p of v.consistencyProofs) {
      const proof = tree.consistencyProof(p.size1, p.size2);
      expect(proof.map(toHex)).toEqual(p.proof);
      verifyConsistency(p.size1, p.size2, tree.root(p.size1), tree.root(p.size2), proof);
    }
  });
});

describe('transparency-dev/merkle golden probes', () => {
  const inclusion = listVectors('transparency-dev-merkle-testdata/inclusion');
  const consistency = listVectors('transparency-dev-merkle-testdata/consistency');

  it('finds every probe file', () => {
    expect(inclusion.length + consistency.length).toBe(196);
  });

  // Go's uint64 wrap-around in "leafIdx sub @1" of index 0 gives leafIdx 2^64-1, which JSON.parse reads
  // as a double above 2^53: we refuse it as out of range, the same verdict as Go's, before any hashing.
  it.each(inclusion)('inclusion %s', (file) => {
    const p = readVector<InclusionProbe>(file);
    const result = outcome(() =>
      verifyInclusion(p.leafIdx, p.treeSize, b64(p.leafHash), (p.proof ?? []).map(b64), b64(p.root)),
    );
    if (p.wantErr) expect(result, p.desc).not.toBe('ok');
    else expect(result, p.desc).toBe('ok');
  });

  // The "additional" probes encode transparency-dev's policy, which is our default: size1 = 0 is refused
  // even against itself, and equal sizes need only identical roots (no hash-length check).
  it.each(consistency)('consistency %s', (file) => {
    const p = readVector<ConsistencyProbe>(file);
    const result = outcome(() =>
      verifyConsistency(p.size1, p.size2, b64(p.root1), b64(p.root2), (p.proof ?? []).map(b64)),
    );
    if (p.wantErr) expect(result, p.desc).not.toBe('ok');
    else expect(result, p.desc).toBe('ok');
  });
});

describe('consistency from the empty tree', () => {
  const root3 = MemoryTree.fromEntries([hex('00'), hex('01'), hex('02')]).root();

  it('is refused by default and accepted on request (tlog-witness "old 0")', () => {
    expect(outcome(() => verifyConsistency(0, 3, emptyTreeRoot(), root3, []))).toBe('CONSISTENCY_FROM_EMPTY');
    expect(
      outcome(() => verifyConsistency(0, 3, emptyTreeRoot(), root3, [], { allowEmptyFirst: true })),
    ).toBe('ok');
    expect(outcome(() => verifyConsistency(0, 3, root3, root3, [], { allowEmptyFirst: true }))).toBe(
      'ROOT_MISMATCH',
    );
    expect(
      outcome(() => verifyConsistency(0, 3, emptyTreeRoot(), root3, [root3], { allowEmptyFirst: true })),
    ).toBe('PROOF_LENGTH');
  });
});

describe('a real CT inclusion proof', () => {
  const v = readVector<{
    leafIndex: number;
    treeSize: number;
    leafHash: string;
    rootHash: string;
    proof: string[];
    leafInputHex: string;
  }>('ct-real-inclusion-proof.json');

  it('verifies leaf 848049 of 3,630,887 from the MerkleTreeLeaf bytes', () => {
    const leafHash = hashLeaf(hex(v.leafInputHex));
    expect(toHex(leafHash)).toBe(v.leafHash);
    verifyInclusion(v.leafIndex, v.treeSize, leafHash, v.proof.map(hex), hex(v.rootHash));
  });

  it('fails with a neighbouring index or a tree one larger', () => {
    const proof = v.proof.map(hex);
    const leafHash = hex(v.leafHash);
    const root = hex(v.rootHash);
    expect(outcome(() => verifyInclusion(v.leafIndex + 1, v.treeSize, leafHash, proof, root))).not.toBe('ok');
    expect(outcome(() => verifyInclusion(v.leafIndex, v.treeSize * 2, leafHash, proof, root))).not.toBe('ok');
  });
});

describe('range checks', () => {
  const tree = MemoryTree.fromEntries([hex('00'), hex('01')]);

  it('refuses sizes beyond 2^53 and indices at or beyond the size', () => {
    const leaf = tree.node(0, 0);
    expect(outcome(() => verifyInclusion(0, 2 ** 53 + 2, leaf, [], leaf))).toBe('OUT_OF_RANGE');
    expect(outcome(() => verifyInclusion(2, 2, leaf, [], leaf))).toBe('OUT_OF_RANGE');
    expect(outcome(() => verifyInclusion(0.5, 2, leaf, [], leaf))).toBe('OUT_OF_RANGE');
    expect(() => inclusionProof(2, 2, tree.node)).toThrow(/below the tree size/);
  });
});
