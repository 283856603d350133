import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toHex, uint64BE } from './bytes.ts';
import { isLedgerError } from './errors.ts';
import { MemoryTree } from './merkle.ts';
import { hex, readVector } from './test-vectors.ts';
import {
  decodeEntryBundle,
  decodeTile,
  encodeEntryBundle,
  encodeTileIndex,
  entryBundlesForSize,
  parseTilePath,
  tileBytes,
  tilePath,
  tilesForSize,
} from './tiles.ts';

const leaves = readVector<{ leafInputsHex: string[] }>('rfc6962-tree-8-leaves.json').leafInputsHex.map(hex);
const e2eTiles = readVector<{ tiles: Record<string, string> }>('e2e-checkpoint-cosign-proof.json').tiles;

function codeOf(f: () => unknown): string {
  try {
    f();
    return 'ok';
  } catch (e) {
    if (isLedgerError(e)) return e.code;
    throw e;
  }
}

describe('the end-to-end tile vectors', () => {
  const tree = MemoryTree.fromEntries(leaves);

  it('has the entry bundle and level-0 tile of the 8-leaf tree byte for byte', () => {
    const bundle = entryBundlesForSize(8)[0]!;
    expect(tilePath(bundle)).toBe('tile/entries/000.p/8');
    expect(toHex(encodeEntryBundle(leaves))).toBe(e2eTiles['tile/entries/000.p/8']);
    expect(decodeEntryBundle(hex(e2eTiles['tile/entries/000.p/8']!), 8)).toEqual(leaves);

    const [tile] = tilesForSize(8);
    expect(tilePath(tile!)).toBe('tile/0/000.p/8');
    expect(toHex(tileBytes(tile!, tree.node))).toBe(e2eTiles['tile/0/000.p/8']);
  });

  it('has the partial tile of the size-6 checkpoint', () => {
    const [tile] = tilesForSize(6);
    expect(tilePath(tile!)).toBe('tile/0/000.p/6');
    expect(toHex(tileBytes(tile!, tree.node))).toBe(e2eTiles['tile/0/000.p/6 (for checkpoint6)']);
  });
});

describe('tile paths', () => {
  it('encodes indices in x-prefixed 3-digit groups', () => {
    expect(encodeTileIndex(0)).toBe('000');
    expect(encodeTileIndex(999)).toBe('999');
    expect(encodeTileIndex(1000)).toBe('x001/000');
    expect(encodeTileIndex(1234067)).toBe('x001/x234/067');
    expect(tilePath({ level: 0, index: 1234067, width: 256 })).toBe('tile/0/x001/x234/067');
    expect(tilePath({ level: 'entries', index: 1234067, width: 3 })).toBe('tile/entries/x001/x234/067.p/3');
  });

  it('parse back what they print, for any tile', () => {
    const tileArb = fc.record({
      level: fc.oneof(fc.integer({ min: 0, max: 63 }), fc.constant('entries' as const)),
      index: fc.oneof(fc.integer({ min: 0, max: 5000 }), fc.maxSafeNat()),
      width: fc.integer({ min: 1, max: 256 }),
    });
    fc.assert(
      fc.property(tileArb, (tile) => {
        expect(parseTilePath(tilePath(tile))).toEqual(tile);
      }),
    );
  });

  it('refuse non-canonical spellings', () => {
    for (const path of [
      'tile/8/0/x001/x234/067', // Go sumdb path with a height
      'tile/0/1234',
      'tile/0/x000/001',
      'tile/0/001/234',
      'tile/00/000',
      'tile/64/000',
      'tile/0/000.p/0',
      'tile/0/000.p/256',
      'tile/0/000.p/08',
      'tile/entries/000.p',
      'tile/0/000/',
    ]) {
      expect(
        codeOf(() => parseTilePath(path)),
        path,
      ).toBe('TILE_PATH_MALFORMED');
    }
  });
});

describe('which tiles a tree has', () => {
  it('matches the spec: size 70,000 and size 256', () => {
    const paths = tilesForSize(70_000).map(tilePath);
    expect(paths.filter((p) => p.startsWith('tile/0/') && !p.includes('.p/'))).toHaveLength(273);
    expect(paths).toContain('tile/0/273.p/112');
    expect(paths).toContain('tile/1/000');
    expect(paths).toContain('tile/1/001.p/17');
    expect(paths).toContain('tile/2/000.p/1');
    expect(paths).toHaveLength(273 + 1 + 1 + 1 + 1);
    expect(tilesForSize(256).map(tilePath)).toEqual(['tile/0/000', 'tile/1/000.p/1']);
    expect(tilesForSize(0)).toEqual([]);
  });

  it('builds level-1 tiles from the roots of full level-0 tiles', () => {
    const tree = MemoryTree.fromEntries(Array.from({ length: 256 * 3 + 5 }, (_, i) => uint64BE(i)));
    const level1 = tilesForSize(tree.size).find((t) => t.level === 1)!;
    expect(level1).toEqual({ level: 1, index: 0, width: 3 });
    const hashes = decodeTile(tileBytes(level1, tree.node), 3);
    hashes.forEach((h, n) => {
      const level0 = decodeTile(tileBytes({ level: 0, index: n, width: 256 }, tree.node), 256);
      expect(h).toEqual(MemoryTree.fromLeafHashes(level0).root());
    });
  });
});

describe('entry bundles', () => {
  it('round-trip any entries', () => {
    const entries = fc.array(fc.uint8Array({ maxLength: 300 }), { minLength: 1, maxLength: 256 });
    fc.assert(
      fc.property(entries, (list) => {
        expect(decodeEntryBundle(encodeEntryBundle(list))).toEqual(list);
      }),
    );
  });

  it('refuse oversized entries and truncated or mis-sized bundles', () => {
    expect(codeOf(() => encodeEntryBundle([new Uint8Array(65_536)]))).toBe('ENTRY_TOO_LARGE');
    expect(encodeEntryBundle([new Uint8Array(65_535)])).toHaveLength(65_537);
    expect(codeOf(() => decodeEntryBundle(new Uint8Array([0])))).toBe('TILE_MALFORMED');
    expect(codeOf(() => decodeEntryBundle(new Uint8Array([0, 2, 1])))).toBe('TILE_MALFORMED');
    expect(codeOf(() => decodeEntryBundle(new Uint8Array([0, 0]), 2))).toBe('TILE_MALFORMED');
    expect(codeOf(() => decodeTile(new Uint8Array(33), 1))).toBe('TILE_MALFORMED');
  });
});
