/**
 * C2SP tlog-tiles, the pure parts: resource paths, which tiles a tree of a given size has, a tile's bytes
 * (concatenated 32-byte hashes) and an entry bundle's bytes (u16-length-prefixed entries). Serving and
 * storing them come later.
 *
 * Tile n at level l holds, for i in 0..255, MTH(D[(n·256+i)·256^l : (n·256+i+1)·256^l]): the perfect
 * subtree at tree level 8·l, index n·256+i. Unlike Go sumdb tile paths, C2SP paths carry no height.
 */
import { concatBytes } from './bytes.ts';
import { LedgerError } from './errors.ts';
import { HASH_SIZE, MAX_TREE_SIZE, type NodeReader } from './merkle.ts';

export const TILE_HEIGHT = 8;
export const TILE_WIDTH = 256;
export const MAX_ENTRY_SIZE = 0xffff;

export interface TileRef {
  /** 0..63 for hash tiles; 'entries' for an entry bundle. */
  level: number | 'entries';
  index: number;
  /** 1..256; below 256 the tile is partial and its path ends in .p/<width>. */
  width: number;
}

/** Tile index as 3-digit groups, all but the last prefixed with x: 1234067 → x001/x234/067. */
export function encodeTileIndex(index: number): string {
  if (!Number.isSafeInteger(index) || index < 0) throw badPath('tile index must be a non-negative integer');
  const groups: string[] = [];
  let rest = index;
  do {
    groups.unshift(String(rest % 1000).padStart(3, '0'));
    rest = Math.floor(rest / 1000);
  } while (rest > 0);
  return groups.map((g, i) => (i < groups.length - 1 ? `x${g}` : g)).join('/');
}

export function tilePath(tile: TileRef): string {
  const { level, index, width } = tile;
  if (level !== 'entries' && !(Number.isInteger(level) && level >= 0 && level <= 63))
    throw badPath('level 0..63');
  if (!Number.isInteger(width) || width < 1 || width > TILE_WIDTH) throw badPath('width 1..256');
  const partial = width < TILE_WIDTH ? `.p/${width}` : '';
  return `tile/${level}/${encodeTileIndex(index)}${partial}`;
}

/** Parses a tile or entry-bundle path, accepting only the canonical spelling (what tilePath writes). */
export function parseTilePath(path: string): TileRef {
  const m = /^tile\/(entries|0|[1-9][0-9]?)\/((?:x[0-9]{3}\/)*[0-9]{3})(?:\.p\/([1-9][0-9]{0,2}))?$/.exec(
    path,
  );
  if (!m) throw badPath('not a tile path');
  const level = m[1] === 'entries' ? 'entries' : Number(m[1]);
  const index = Number(m[2]!.replaceAll('x', '').replaceAll('/', ''));
  const width = m[3] === undefined ? TILE_WIDTH : Number(m[3]);
  const tile: TileRef = { level, index, width };
  // The round trip refuses level 64+, .p/256 and wider, leading zero groups (x000/001), indices past 2^53.
  if (tilePath(tile) !== path) throw badPath('not in canonical form');
  return tile;
}

/**
 * Every hash tile (full and partial) a tree of this size publishes, level by level. Level l has
 * floor(size / 256^(l+1)) full tiles and a partial one of width floor(size / 256^l) mod 256, if non-zero.
 */
export function tilesForSize(size: number): TileRef[] {
  checkSize(size);
  const tiles: TileRef[] = [];
  for (let level = 0, span = 1; span <= size; level++, span *= TILE_WIDTH) {
    const full = Math.floor(size / (span * TILE_WIDTH));
    for (let index = 0; index < full; index++) tiles.push({ level, index, width: TILE_WIDTH });
    const partial = Math.floor(size / span) % TILE_WIDTH;
    if (partial > 0) tiles.push({ level, index: full, width: partial });
  }
  return tiles;
}

/** The entry bundles a tree of this size publishes: full ones, then the partial one if any. */
export function entryBundlesForSize(size: number): TileRef[] {
  return tilesForSize(size)
    .filter((t) => t.level === 0)
    .map((t) => ({ ...t, level: 'entries' }));
}

/** A hash tile's bytes, read from the tree's perfect subtrees. */
export function tileBytes(tile: TileRef, readNode: NodeReader): Uint8Array {
  if (tile.level === 'entries') throw badPath('an entry bundle is not a hash tile');
  const hashes: Uint8Array[] = [];
  for (let i = 0; i < tile.width; i++) {
    hashes.push(readNode(TILE_HEIGHT * tile.level, tile.index * TILE_WIDTH + i));
  }
  return concatBytes(...hashes);
}

export function decodeTile(bytes: Uint8Array, width: number): Uint8Array[] {
  if (bytes.length !== width * HASH_SIZE) {
    throw new LedgerError(
      'TILE_MALFORMED',
      `tile of width ${width} must be ${width * HASH_SIZE} bytes, not ${bytes.length}`,
    );
  }
  return Array.from({ length: width }, (_, i) => bytes.slice(i * HASH_SIZE, (i + 1) * HASH_SIZE));
}

export function encodeEntryBundle(entries: readonly Uint8Array[]): Uint8Array {
  if (entries.length < 1 || entries.length > TILE_WIDTH)
    throw new LedgerError('TILE_MALFORMED', 'a bundle holds 1..256 entries');
  const parts: Uint8Array[] = [];
  for (const entry of entries) {
    if (entry.length > MAX_ENTRY_SIZE) {
      throw new LedgerError('ENTRY_TOO_LARGE', `entry of ${entry.length} bytes exceeds ${MAX_ENTRY_SIZE}`);
    }
    parts.push(new Uint8Array([Math.floor(entry.length / 256), entry.length % 256]), entry);
  }
  return concatBytes(...parts);
}

/** Splits an entry bundle; with `width`, also checks it holds exactly that many entries. */
export function decodeEntryBundle(bytes: Uint8Array, width?: number): Uint8Array[] {
  const entries: Uint8Array[] = [];
  let at = 0;
  while (at < bytes.length) {
    if (at + 2 > bytes.length) throw new LedgerError('TILE_MALFORMED', 'truncated entry length');
    const length = bytes[at]! * 256 + bytes[at + 1]!;
    if (at + 2 + length > bytes.length) throw new LedgerError('TILE_MALFORMED', 'truncated entry');
    entries.push(bytes.slice(at + 2, at + 2 + length));
    at += 2 + length;
  }
  if (width !== undefined && entries.length !== width) {
    throw new LedgerError('TILE_MALFORMED', `bundle holds ${entries.length} entries, expected ${width}`);
  }
  return entries;
}

function checkSize(size: number): void {
  if (!Number.isInteger(size) || size < 0 || size > MAX_TREE_SIZE) {
    throw new LedgerError('OUT_OF_RANGE', 'tree size must be an integer in 0..2^53', { size });
  }
}

function badPath(why: string): LedgerError {
  return new LedgerError('TILE_PATH_MALFORMED', `bad tile path: ${why}`);
}
