/**
 * Property tests: proofs generated for random sizes verify, and any single-bit change breaks them.
 *
 * Large trees (up to 2^53 leaves) are computed lazily: every leaf holds the same default value except a
 * few "marked" leaves (the proven index, the old and new last leaves, random others), which hash their
 * own position. A perfect subtree without marks is then a precomputed hash per level, so a 2^53-leaf tree
 * costs a few hundred hashes, while every hash a proof touches still depends on its position.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { uint64BE, utf8 } from './bytes.ts';
import { isLedgerError } from './errors.ts';
import {
  consistencyProof,
  hashChildren,
  hashLeaf,
  inclusionProof,
  MAX_TREE_SIZE,
  MemoryTree,
  type NodeReader,
  treeRoot,
  verifyConsistency,
  verifyInclusion,
} from './merkle.ts';

function syntheticTree(marked: readonly number[]): NodeReader {
  const marks = [...new Set(marked)].sort((a, b) => a - b);
  const defaults = [hashLeaf(utf8('unmarked leaf'))];
  for (let l = 1; l <= 53; l++) defaults.push(hashChildren(defaults[l - 1]!, defaults[l - 1]!));
  const hasMark = (start: number, end: number): boolean => {
    let lo = 0;
    let hi = marks.length;
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      if (marks[mid]! < start) lo = mid + 1;
      else hi = mid;
    }
    return lo < marks.length && marks[lo]! < end;
  };
  const memo = new Map<string, Uint8Array>();
  const node: NodeReader = (level, index) => {
    const width = 2 ** level;
    if (!hasMark(index * width, (index + 1) * width)) return defaults[level]!;
    if (level === 0) return hashLeaf(uint64BE(index));
    const key = `${level}/${index}`;
    let h = memo.get(key);
    if (!h) {
      h = hashChildren(node(level - 1, 2 * index), node(level - 1, 2 * index + 1));
      memo.set(key, h);
    }
    return h;
  };
  return node;
}

/** Small trees: every leaf marked. Others: the interesting leaves plus the given extras. */
function treeFor(size: number, interesting: readonly number[]): NodeReader {
  if (size <= 256) return syntheticTree(Array.from({ length: size }, (_, i) => i));
  return syntheticTree(interesting);
}

const sizeArb = fc.oneof(
  fc.integer({ min: 1, max: 300 }),
  fc
    .tuple(fc.integer({ min: 1, max: 24 }), fc.integer({ min: -2, max: 2 }))
    .map(([k, d]) => 2 ** k + d)
    .filter((n) => n >= 1),
  fc
    .tuple(fc.integer({ min: 30, max: 53 }), fc.integer({ min: -3, max: 3 }))
    .map(([k, d]) => Math.min(2 ** k + d, MAX_TREE_SIZE)),
  fc.constantFrom(2 ** 32 - 1, 2 ** 32, 2 ** 32 + 1, MAX_TREE_SIZE - 1, MAX_TREE_SIZE),
  fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
);

const below = (n: number) => fc.oneof(fc.constant(0), fc.constant(n - 1), fc.integer({ min: 0, max: n - 1 }));

function flipBit(x: number, bit: number): number {
  const p = 2 ** bit;
  return Math.floor(x / p) % 2 === 1 ? x - p : x + p;
}

function flipHashBit(h: Uint8Array, bit: number): Uint8Array {
  const out = Uint8Array.from(h);
  out[Math.floor(bit / 8)]! ^= 1 << (bit % 8);
  return out;
}

function passes(check: () => void): boolean {
  try {
    check();
    return true;
  } catch (e) {
    if (isLedgerError(e)) return false;
    throw e;
  }
}

/**
 * The sequence of hashing steps RFC 9162 verification takes for these numbers and proof length, or
 * undefined if it would reject the length. Two parameter sets with the same trace run the very same
 * computation on the same hashes, so they necessarily get the same verdict: that is the one case in
 * which a changed index or size cannot be detected (the checkpoint, not the proof, binds the size).
 */
function inclusionTrace(index: number, size: number, length: number): string | undefined {
  if (!(index < size && size <= MAX_TREE_SIZE)) return undefined;
  let fn = index;
  let sn = size - 1;
  let trace = '';
  for (let i = 0; i < length; i++) {
    if (sn === 0) return undefined;
    if (fn % 2 === 1 || fn === sn) {
      trace += 'L';
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      trace += 'R';
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 ? trace : undefined;
}

function consistencyTrace(size1: number, size2: number, length: number): string | undefined {
  if (!(0 < size1 && size1 < size2 && size2 <= MAX_TREE_SIZE)) return undefined;
  const seeded = Number.isInteger(Math.log2(size1)) && 2 ** Math.log2(size1) === size1;
  let fn = size1 - 1;
  let sn = size2 - 1;
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  let trace = seeded ? 'S' : '';
  for (let i = seeded ? 0 : 1; i < length; i++) {
    if (sn === 0) return undefined;
    if (fn % 2 === 1 || fn === sn) {
      trace += 'B';
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      trace += 'R';
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && length > 0 ? trace : undefined;
}

describe('inclusion proofs', () => {
  const caseArb = sizeArb.chain((size) =>
    fc.record({
      size: fc.constant(size),
      index: below(size),
      extra: fc.array(below(size), { maxLength: 4 }),
    }),
  );

  it('verify for every index and size', () => {
    fc.assert(
      fc.property(caseArb, ({ size, index, extra }) => {
        const node = treeFor(size, [index, size - 1, ...extra]);
        const proof = inclusionProof(index, size, node);
        verifyInclusion(index, size, node(0, index), proof, treeRoot(size, node));
      }),
      { numRuns: 300 },
    );
  });

  it('fail after any single-bit change in a proof hash, the leaf hash, the root, the index or the size', () => {
    const target = fc.oneof(
      fc.record({
        what: fc.constant('proof' as const),
        item: fc.nat(),
        bit: fc.integer({ min: 0, max: 255 }),
      }),
      fc.record({
        what: fc.constantFrom('leaf' as const, 'root' as const),
        item: fc.constant(0),
        bit: fc.integer({ min: 0, max: 255 }),
      }),
      fc.record({
        what: fc.constantFrom('index' as const, 'size' as const),
        item: fc.constant(0),
        bit: fc.integer({ min: 0, max: 53 }),
      }),
    );
    fc.assert(
      fc.property(caseArb, target, ({ size, index, extra }, { what, item, bit }) => {
        const node = treeFor(size, [index, size - 1, ...extra]);
        const proof = inclusionProof(index, size, node);
        const leaf = node(0, index);
        const root = treeRoot(size, node);
        if (what === 'proof') {
          fc.pre(proof.length > 0);
          const bad = proof.map((h, i) => (i === item % proof.length ? flipHashBit(h, bit) : h));
          expect(passes(() => verifyInclusion(index, size, leaf, bad, root))).toBe(false);
        } else if (what === 'leaf') {
          expect(passes(() => verifyInclusion(index, size, flipHashBit(leaf, bit), proof, root))).toBe(false);
        } else if (what === 'root') {
          expect(passes(() => verifyInclusion(index, size, leaf, proof, flipHashBit(root, bit)))).toBe(false);
        } else {
          const [i2, n2] = what === 'index' ? [flipBit(index, bit), size] : [index, flipBit(size, bit)];
          const same = inclusionTrace(i2, n2, proof.length) === inclusionTrace(index, size, proof.length);
          expect(passes(() => verifyInclusion(i2, n2, leaf, proof, root))).toBe(same);
          // A changed index always changes the hashing; only the size can be invisible to the proof.
          if (what === 'index') expect(same).toBe(false);
        }
      }),
      { numRuns: 1000 },
    );
  });
});

describe('consistency proofs', () => {
  const caseArb = sizeArb
    .filter((n) => n >= 2)
    .chain((size2) =>
      fc.record({
        size2: fc.constant(size2),
        size1: fc.oneof(fc.constant(1), fc.constant(size2 - 1), fc.integer({ min: 1, max: size2 - 1 })),
        extra: fc.array(below(size2), { maxLength: 4 }),
      }),
    );
  const nodesFor = (size1: number, size2: number, extra: number[]) =>
    treeFor(size2, [size1 - 1, size1, size2 - 1, ...extra]);

  it('verify for every pair of sizes 0 < m < n, and m = n', () => {
    fc.assert(
      fc.property(caseArb, ({ size1, size2, extra }) => {
        const node = nodesFor(size1, size2, extra);
        const root1 = treeRoot(size1, node);
        const root2 = treeRoot(size2, node);
        verifyConsistency(size1, size2, root1, root2, consistencyProof(size1, size2, node));
        verifyConsistency(size2, size2, root2, root2, consistencyProof(size2, size2, node));
      }),
      { numRuns: 300 },
    );
  });

  it('fail after any single-bit change in a proof hash, either root or either size', () => {
    const target = fc.oneof(
      fc.record({
        what: fc.constant('proof' as const),
        item: fc.nat(),
        bit: fc.integer({ min: 0, max: 255 }),
      }),
      fc.record({
        what: fc.constantFrom('root1' as const, 'root2' as const),
        item: fc.constant(0),
        bit: fc.integer({ min: 0, max: 255 }),
      }),
      fc.record({
        what: fc.constantFrom('size1' as const, 'size2' as const),
        item: fc.constant(0),
        bit: fc.integer({ min: 0, max: 53 }),
      }),
    );
    fc.assert(
      fc.property(caseArb, target, ({ size1, size2, extra }, { what, item, bit }) => {
        const node = nodesFor(size1, size2, extra);
        const root1 = treeRoot(size1, node);
        const root2 = treeRoot(size2, node);
        const proof = consistencyProof(size1, size2, node);
        const check = (m: number, n: number, r1: Uint8Array, r2: Uint8Array, p: Uint8Array[]) =>
          passes(() => verifyConsistency(m, n, r1, r2, p));
        if (what === 'proof') {
          const bad = proof.map((h, i) => (i === item % proof.length ? flipHashBit(h, bit) : h));
          expect(check(size1, size2, root1, root2, bad)).toBe(false);
        } else if (what === 'root1') {
          expect(check(size1, size2, flipHashBit(root1, bit), root2, proof)).toBe(false);
        } else if (what === 'root2') {
          expect(check(size1, size2, root1, flipHashBit(root2, bit), proof)).toBe(false);
        } else {
          const [m, n] = what === 'size1' ? [flipBit(size1, bit), size2] : [size1, flipBit(size2, bit)];
          const same = consistencyTrace(m, n, proof.length) === consistencyTrace(size1, size2, proof.length);
          expect(check(m, n, root1, root2, proof)).toBe(same);
        }
      }),
      { numRuns: 1000 },
    );
  });
});

describe('the lazy tree agrees with a materialised one', () => {
  it('gives the same roots and proofs as MemoryTree for small sizes', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 70 }), fc.nat(), fc.nat(), (size, a, b) => {
        const lazy = syntheticTree(Array.from({ length: size }, (_, i) => i));
        const tree = MemoryTree.fromEntries(Array.from({ length: size }, (_, i) => uint64BE(i)));
        const index = a % size;
        const size1 = 1 + (b % size);
        expect(treeRoot(size, lazy)).toEqual(tree.root());
        expect(inclusionProof(index, size, lazy)).toEqual(tree.inclusionProof(index));
        expect(consistencyProof(size1, size, lazy)).toEqual(tree.consistencyProof(size1));
      }),
    );
  });
});
