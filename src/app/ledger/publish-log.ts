/**
 * Writes the node's log to a directory in the C2SP tlog-tiles layout (checkpoint, tile/<L>/<N>[.p/<W>],
 * tile/entries/<N>[.p/<W>]), so a plain file server or object store can serve it at <prefix>/.
 *
 * Incremental: the `checkpoint` already in the directory says what was published before (it must be
 * this log's, signed by this node, and a prefix of the log). Full tiles are written once; partial
 * tiles are written for every checkpoint size since then (clients holding an older checkpoint may
 * still ask for its partial tiles, which the spec requires us to serve) and removed once the full
 * tile exists. Every file is written to a temporary name and renamed, so a reader never sees half a
 * file; tiles go first and the checkpoint last, so a client that sees a checkpoint finds its tiles.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { latestCheckpoint, loadLogKeys, logSize, storedRoot } from '../../db/ledger.ts';
import type { Database } from '../../db/open.ts';
import { bytesEqual, utf8 } from '../../ledger/bytes.ts';
import { openCheckpoint } from '../../ledger/checkpoint.ts';
import { isLedgerError } from '../../ledger/errors.ts';
import { entryBundlesForSize, TILE_WIDTH, type TileRef, tilePath, tilesForSize } from '../../ledger/tiles.ts';
import { readTile } from './log-tiles.ts';

export interface PublishResult {
  /** Size of the checkpoint now in the directory. */
  size: number;
  /** Size published before (0 for a fresh directory). */
  previousSize: number;
  /** Files written (relative paths), in the order written. */
  written: string[];
  /** Partial-tile directories removed because their full tile now exists. */
  removed: string[];
}

/** Writes a file atomically: a temporary file in the same directory, then a rename over the target. */
async function writeAtomic(file: string, data: Uint8Array): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  const tmp = path.join(path.dirname(file), `.tmp-${process.pid}-${randomBytes(6).toString('hex')}`);
  try {
    await fs.writeFile(tmp, data);
    await fs.rename(tmp, file);
  } catch (e) {
    await fs.rm(tmp, { force: true });
    throw e;
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await fs.access(file);
    return true;
  } catch {
    return false;
  }
}

/** The size of the checkpoint already published in `dir`, after checking it belongs to this log. */
async function publishedSize(
  database: Database,
  dir: string,
  origin: string,
  current: number,
): Promise<number> {
  let note: string;
  try {
    note = await fs.readFile(path.join(dir, 'checkpoint'), 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw e;
  }
  const keys = await loadLogKeys(database.db);
  let size: number;
  let root: Uint8Array;
  try {
    const opened = openCheckpoint(note, { origin, logKeys: [keys.verifier] });
    size = opened.checkpoint.size;
    root = opened.checkpoint.root;
  } catch (e) {
    if (!isLedgerError(e)) throw e;
    throw new Error(
      `${dir} holds a checkpoint that is not this log's (${e.code}); publish to an empty directory`,
    );
  }
  if (size > current || !bytesEqual(root, await storedRoot(database.db, size)))
    throw new Error(`${dir} holds a checkpoint of size ${size} that is not a prefix of this log`);
  return size;
}

/** Whether the full tile covering `tile` exists in the tree of `size`. */
function fullTileExists(tile: TileRef, size: number): boolean {
  const level = tile.level === 'entries' ? 0 : tile.level;
  return (tile.index + 1) * TILE_WIDTH ** (level + 1) <= size;
}

export async function publishLog(database: Database, dir: string): Promise<PublishResult> {
  const db = database.db;
  const latest = await latestCheckpoint(db);
  const origin = (await loadLogKeys(db)).origin;
  const root = path.resolve(dir);
  await fs.mkdir(root, { recursive: true });
  const size = latest?.size ?? 0;
  const previousSize = await publishedSize(database, root, origin, await logSize(db));
  const written: string[] = [];
  const removed: string[] = [];
  const write = async (tile: TileRef) => {
    const bytes = await readTile(db, tile, size);
    if (!bytes) throw new Error(`tile ${tilePath(tile)} is missing from the log`);
    const rel = tilePath(tile);
    await writeAtomic(path.join(root, rel), bytes);
    written.push(rel);
  };

  const all = [...tilesForSize(size), ...entryBundlesForSize(size)];
  // Full tiles: new since the last publication, or missing (a repaired or pruned directory).
  const newlyFull: TileRef[] = [];
  for (const tile of all) {
    if (tile.width !== TILE_WIDTH) continue;
    if (fullTileExists(tile, previousSize) && (await exists(path.join(root, tilePath(tile))))) continue;
    await write(tile);
    if (!fullTileExists(tile, previousSize)) newlyFull.push(tile);
  }
  // Partial tiles of every checkpoint since the last publication (and the latest), unless now full.
  const sizes = await db
    .selectFrom('log_checkpoints')
    .select('size')
    .where('size', '>', String(previousSize))
    .where('size', '<=', String(size))
    .orderBy('size')
    .execute();
  const partials = new Map<string, TileRef>();
  for (const s of [previousSize, ...sizes.map((r) => Number(r.size))]) {
    for (const tile of [...tilesForSize(s), ...entryBundlesForSize(s)]) {
      if (tile.width === TILE_WIDTH || fullTileExists(tile, size)) continue;
      partials.set(tilePath(tile), tile);
    }
  }
  for (const [rel, tile] of partials) {
    if (await exists(path.join(root, rel))) continue;
    await write(tile);
  }
  // The checkpoint last, only when it changed (new size or new cosignatures).
  if (latest) {
    const file = path.join(root, 'checkpoint');
    const current = await fs.readFile(file, 'utf8').catch(() => undefined);
    if (current !== latest.note) {
      await writeAtomic(file, utf8(latest.note));
      written.push('checkpoint');
    }
  }
  // Partial tiles whose full tile is now published are no longer needed (the spec allows deleting them).
  for (const tile of newlyFull) {
    const partialDir = `${tilePath(tile)}.p`;
    if (await exists(path.join(root, partialDir))) {
      await fs.rm(path.join(root, partialDir), { recursive: true, force: true });
      removed.push(partialDir);
    }
  }
  return { size, previousSize, written, removed };
}
