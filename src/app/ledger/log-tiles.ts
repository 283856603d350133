/**
 * The node's log as C2SP tlog-tiles resources (c2sp.org/tlog-tiles): the checkpoint, hash tiles and
 * entry bundles, read from the database. Shared by the HTTP routes under /log/ and by `log publish`,
 * so the files written to a directory are byte for byte what the node serves.
 *
 * The log holds only commitments (hashes and kinds), never personal data, so none of this needs a
 * signed-in caller.
 */
import type { Kysely, Transaction } from 'kysely';
import { latestCheckpoint, readEntries, readLevel, type StoredCheckpoint } from '../../db/ledger.ts';
import type { DB } from '../../db/schema.ts';
import { concatBytes } from '../../ledger/bytes.ts';
import { encodeEntryBundle, TILE_HEIGHT, TILE_WIDTH, type TileRef } from '../../ledger/tiles.ts';

type Handle = Kysely<DB> | Transaction<DB>;

/**
 * Whether a tree of `size` entries has every hash (or entry) of this tile. Level l, index n, width w
 * needs the entries up to (n·256 + w)·256^l. Full tiles and every partial width up to the current one
 * qualify (a partial tile's bytes never change, so an older width stays servable).
 */
export function tileWithinTree(tile: TileRef, size: number): boolean {
  const level = tile.level === 'entries' ? 0 : tile.level;
  return (tile.index * TILE_WIDTH + tile.width) * TILE_WIDTH ** level <= size;
}

/** A hash tile's or entry bundle's bytes, or undefined when the tree of `size` does not have it yet. */
export async function readTile(db: Handle, tile: TileRef, size: number): Promise<Uint8Array | undefined> {
  if (!tileWithinTree(tile, size)) return undefined;
  const from = tile.index * TILE_WIDTH;
  const to = from + tile.width;
  if (tile.level === 'entries') return encodeEntryBundle(await readEntries(db, from, to));
  return concatBytes(...(await readLevel(db, TILE_HEIGHT * tile.level, from, to)));
}

/** The latest checkpoint with every collected cosignature, as served at <prefix>/checkpoint. */
export async function servedCheckpoint(db: Handle): Promise<StoredCheckpoint | undefined> {
  return latestCheckpoint(db);
}

/** Size of the latest signed checkpoint (0 for an empty log): tiles beyond it are not served. */
export async function servedSize(db: Handle): Promise<number> {
  const row = await db
    .selectFrom('log_checkpoints')
    .select((eb) => eb.fn.max('size').as('size'))
    .executeTakeFirst();
  return row?.size == null ? 0 : Number(row.size);
}

/** Cache-Control for a tile: full tiles never change; partial ones may be dropped once the full tile exists. */
export function tileCacheControl(tile: TileRef): string {
  return tile.width === TILE_WIDTH ? 'public, max-age=31536000, immutable' : 'public, max-age=10';
}

export const CHECKPOINT_CACHE_CONTROL = 'public, max-age=5';
