import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AUDIT_BLOCK_SIZE, auditTree, type EntrySignatures, packEntries } from './audit.ts';
import { bytesEqual, uint64BE } from './bytes.ts';
import { ed25519FromSeed, ed25519Sign } from './ed25519.ts';
import { MemoryTree } from './merkle.ts';

function entries(count: number, salt = 0): Uint8Array[] {
  // 32..200 bytes, like package commitments with a little metadata.
  return Array.from({ length: count }, (_, i) => {
    const e = new Uint8Array(32 + ((i * 37 + salt) % 169));
    e.set(uint64BE(i));
    e[e.length - 1] = salt;
    return e;
  });
}

function leafHashesOf(tree: MemoryTree): Uint8Array {
  const out = new Uint8Array(tree.size * 32);
  for (let i = 0; i < tree.size; i++) out.set(tree.node(0, i), i * 32);
  return out;
}

function sign(list: readonly Uint8Array[]): EntrySignatures {
  const keys = [ed25519FromSeed(new Uint8Array(32).fill(1)), ed25519FromSeed(new Uint8Array(32).fill(2))];
  const keyIndex = new Uint32Array(list.length);
  const signatures = new Uint8Array(list.length * 64);
  list.forEach((e, i) => {
    keyIndex[i] = i % 2;
    signatures.set(ed25519Sign(keys[i % 2]!.privateKey, e), i * 64);
  });
  return { publicKeys: keys.map((k) => k.publicKey), keyIndex, signatures };
}

describe('auditTree', () => {
  it('agrees with the reference tree for any size, block size and set of checkpoint sizes', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 300 }),
        fc.integer({ min: 0, max: 6 }),
        fc.array(fc.nat(), { maxLength: 6 }),
        async (size, log2Block, picks) => {
          const list = entries(size);
          const tree = MemoryTree.fromEntries(list);
          const rootsAt = [0, size, ...picks.map((p) => p % (size + 1))];
          const result = await auditTree(list, { workers: 0, blockSize: 2 ** log2Block, rootsAt });
          expect(result.root).toEqual(tree.root());
          expect(bytesEqual(result.leafHashes, leafHashesOf(tree))).toBe(true);
          for (const s of rootsAt) expect(result.roots.get(s)).toEqual(tree.root(s));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('gives the same answer from two worker threads as from this thread', async () => {
    const list = entries(1000, 7);
    const tree = MemoryTree.fromEntries(list);
    const rootsAt = [1, 15, 16, 17, 500, 511, 512, 513, 999, 1000];
    const threaded = await auditTree(packEntries(list), { workers: 2, blockSize: 16, rootsAt });
    expect(threaded.root).toEqual(tree.root());
    expect(bytesEqual(threaded.leafHashes, leafHashesOf(tree))).toBe(true);
    for (const s of rootsAt) expect(threaded.roots.get(s)).toEqual(tree.root(s));
  });

  it('with the default blocks, splits a log of several blocks across workers', async () => {
    const list = entries(2 * AUDIT_BLOCK_SIZE + 123, 3);
    const threaded = await auditTree(list, { workers: 2, rootsAt: [AUDIT_BLOCK_SIZE + 5] });
    const inline = await auditTree(list, { workers: 0, rootsAt: [AUDIT_BLOCK_SIZE + 5] });
    expect(threaded.root).toEqual(MemoryTree.fromEntries(list).root());
    expect(threaded.roots).toEqual(inline.roots);
  });

  it('points at a tampered entry: its leaf hash is the first that differs', async () => {
    const list = entries(300, 1);
    const stored = leafHashesOf(MemoryTree.fromEntries(list));
    const tampered = list.map((e) => Uint8Array.from(e));
    tampered[123]![40]! ^= 1;
    const result = await auditTree(tampered, { workers: 2, blockSize: 32 });
    const firstBad = Array.from({ length: 300 }, (_, i) => i).find(
      (i) =>
        !bytesEqual(result.leafHashes.subarray(i * 32, i * 32 + 32), stored.subarray(i * 32, i * 32 + 32)),
    );
    expect(firstBad).toBe(123);
    expect(result.root).not.toEqual(MemoryTree.fromEntries(list).root());
  });

  it('checks one signature per entry and lists those that fail, in and out of worker threads', async () => {
    const list = entries(200, 2);
    const signatures = sign(list);
    const tampered = list.map((e) => Uint8Array.from(e));
    tampered[5]![0]! ^= 1;
    signatures.signatures[150 * 64]! ^= 1;
    signatures.keyIndex[77] = 9;
    for (const workers of [0, 2]) {
      const result = await auditTree(tampered, { workers, blockSize: 16, signatures });
      expect(result.invalidSignatures).toEqual([5, 77, 150]);
    }
  });

  it('audits the empty log', async () => {
    const result = await auditTree([], { rootsAt: [0] });
    expect(result.root).toEqual(MemoryTree.fromLeafHashes([]).root());
    expect(result.leafHashes).toHaveLength(0);
  });
});
