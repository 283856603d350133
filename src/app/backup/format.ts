import { createHash, type Hash } from 'node:crypto';
import { BackupError, BackupErrorCodes } from './errors.ts';

/**
 * The plaintext of a backup (before gzip and age): UTF-8 JSON lines.
 *
 *   {"format":"homeward-backup","version":1,"createdAt":…,"node":…}       the header, always first
 *   {"table":"persons","columns":[["id","uuid"],…]}                          a table starts
 *   ["7f0c…","org-1",…]                                                      one row: text values or null
 *   {"end":"persons","rows":2,"sha256":"…"}                                  the table ends
 *   {"file":"node.key","mode":384,"size":…,"sha256":"…","data":"base64…"}    a file of the data directory
 *   {"manifest":{…}}                                                         always last
 *
 * A table's sha256 is the digest of its row lines as written (each with its "\n"). The manifest
 * repeats every count and digest, names the migrations the database had and the node, so a reader
 * checks the whole file against it before anything is written anywhere.
 */
export const BACKUP_FORMAT = 'homeward-backup';
export const BACKUP_FORMAT_VERSION = 1;

export interface BackupHeader {
  format: typeof BACKUP_FORMAT;
  version: number;
  createdAt: string;
  node: string;
}

export interface TableEntry {
  name: string;
  /** [name, type] of each column copied. */
  columns: [string, string][];
  rows: number;
  sha256: string;
}

export interface FileEntry {
  path: string;
  mode: number;
  size: number;
  sha256: string;
}

export interface BackupManifest {
  format: typeof BACKUP_FORMAT;
  version: number;
  createdAt: string;
  node: { name: string; orgId: string };
  /** The database the snapshot was read from. */
  source: 'pglite' | 'postgres';
  /** Migrations applied to the database, in order. */
  migrations: string[];
  tables: TableEntry[];
  files: FileEntry[];
}

export type BackupLine =
  | { type: 'header'; header: BackupHeader }
  | { type: 'table'; name: string; columns: [string, string][] }
  | { type: 'row'; values: (string | null)[] }
  | { type: 'end'; name: string; rows: number }
  | { type: 'file'; path: string; mode: number; data: Buffer }
  | { type: 'manifest'; manifest: BackupManifest };

/** A data-directory file name a backup may carry: plain names only, never the database or the lock. */
export const NODE_FILE_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
export const NODE_FILE_MAX_BYTES = 1 << 20;

const sha256hex = (h: Hash) => h.digest('hex');

const inconsistent = (what: string) =>
  new BackupError(BackupErrorCodes.INCONSISTENT, `the backup's contents disagree with its manifest: ${what}`);

/**
 * Checks a backup's lines in order, as they are read or written: structure, per-table counts and
 * digests, and the manifest at the end. `accept` returns what a line holds; `finish` returns the
 * manifest once the last line was the manifest and everything matched.
 */
export class BackupReader {
  #header: BackupHeader | undefined;
  #table: { name: string; columns: [string, string][]; rows: number; hash: Hash } | undefined;
  #tables: TableEntry[] = [];
  #files: FileEntry[] = [];
  #manifest: BackupManifest | undefined;
  #lines = 0;

  accept(line: string): BackupLine {
    this.#lines++;
    if (this.#manifest) throw inconsistent('lines after the manifest');
    if (!this.#header) return this.#acceptHeader(line);
    if (line.startsWith('[')) {
      if (!this.#table) throw inconsistent(`a row outside a table (line ${this.#lines})`);
      const values = parseJson(line, this.#lines);
      if (
        !Array.isArray(values) ||
        values.length !== this.#table.columns.length ||
        !values.every((v) => v === null || typeof v === 'string')
      )
        throw inconsistent(`a malformed row in table ${this.#table.name} (line ${this.#lines})`);
      this.#table.rows++;
      this.#table.hash.update(`${line}\n`);
      return { type: 'row', values };
    }
    const o = parseJson(line, this.#lines) as Record<string, unknown>;
    if (typeof o !== 'object' || o === null) throw inconsistent(`line ${this.#lines} is not an object`);
    if (typeof o.table === 'string') {
      if (this.#table) throw inconsistent(`table ${o.table} starts inside table ${this.#table.name}`);
      const columns = o.columns as [string, string][];
      if (!Array.isArray(columns) || !columns.every((c) => Array.isArray(c) && c.length === 2))
        throw inconsistent(`table ${o.table} has no column list`);
      this.#table = { name: o.table, columns, rows: 0, hash: createHash('sha256') };
      return { type: 'table', name: o.table, columns };
    }
    if (typeof o.end === 'string') {
      const t = this.#table;
      if (!t || t.name !== o.end) throw inconsistent(`table ${o.end} ends without starting`);
      const digest = sha256hex(t.hash);
      if (o.rows !== t.rows || o.sha256 !== digest)
        throw inconsistent(`table ${t.name}: rows or digest differ`);
      this.#tables.push({ name: t.name, columns: t.columns, rows: t.rows, sha256: digest });
      this.#table = undefined;
      return { type: 'end', name: t.name, rows: t.rows };
    }
    if (typeof o.file === 'string') {
      if (this.#table) throw inconsistent(`a file inside table ${this.#table.name}`);
      if (!NODE_FILE_RE.test(o.file)) throw inconsistent('a file with a name a node does not use');
      const data = Buffer.from(String(o.data ?? ''), 'base64');
      const digest = createHash('sha256').update(data).digest('hex');
      if (data.length > NODE_FILE_MAX_BYTES || o.size !== data.length || o.sha256 !== digest)
        throw inconsistent(`file ${o.file}: size or digest differ`);
      const mode = typeof o.mode === 'number' ? o.mode & 0o777 : 0o600;
      this.#files.push({ path: o.file, mode, size: data.length, sha256: digest });
      return { type: 'file', path: o.file, mode, data };
    }
    if (typeof o.manifest === 'object' && o.manifest !== null) {
      if (this.#table) throw inconsistent(`the manifest inside table ${this.#table.name}`);
      const m = o.manifest as BackupManifest;
      const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
      if (
        m.format !== BACKUP_FORMAT ||
        m.version !== this.#header.version ||
        m.createdAt !== this.#header.createdAt
      )
        throw inconsistent('the manifest names another format or time than the header');
      if (!same(m.tables, this.#tables)) throw inconsistent('the tables differ from the manifest');
      if (!same(m.files, this.#files)) throw inconsistent('the files differ from the manifest');
      if (!Array.isArray(m.migrations) || !m.migrations.every((x) => typeof x === 'string'))
        throw inconsistent('the manifest lists no migrations');
      this.#manifest = m;
      return { type: 'manifest', manifest: m };
    }
    throw inconsistent(`line ${this.#lines} is of no known kind`);
  }

  #acceptHeader(line: string): BackupLine {
    let o: Record<string, unknown> | undefined;
    try {
      o = JSON.parse(line) as Record<string, unknown>;
    } catch {
      o = undefined;
    }
    if (typeof o !== 'object' || o === null || o.format !== BACKUP_FORMAT)
      throw new BackupError(BackupErrorCodes.NOT_A_BACKUP, 'this file is not a Homeward backup');
    if (o.version !== BACKUP_FORMAT_VERSION)
      throw new BackupError(
        BackupErrorCodes.UNSUPPORTED_VERSION,
        `this Homeward backup has format version ${typeof o.version === 'number' ? o.version : '(none)'}; this code reads version ${BACKUP_FORMAT_VERSION} only`,
      );
    // snapshot.ts writes both as strings; a header without them was not written by this code, and the
    // manifest's comparison with it then refuses the file.
    const text = (v: unknown) => (typeof v === 'string' ? v : '');
    this.#header = {
      format: BACKUP_FORMAT,
      version: BACKUP_FORMAT_VERSION,
      createdAt: text(o.createdAt),
      node: text(o.node),
    };
    return { type: 'header', header: this.#header };
  }

  /** The manifest, once the whole backup was read and matched it. */
  finish(): BackupManifest {
    if (!this.#header)
      throw new BackupError(BackupErrorCodes.NOT_A_BACKUP, 'this file is not a Homeward backup');
    if (!this.#manifest) throw inconsistent('it ends before its manifest');
    return this.#manifest;
  }
}

function parseJson(line: string, n: number): unknown {
  try {
    return JSON.parse(line);
  } catch {
    throw inconsistent(`line ${n} is not JSON`);
  }
}

/** Counts and digests while lines are written, to end each table and build the manifest. */
export class TableDigest {
  rows = 0;
  readonly #hash = createHash('sha256');
  add(line: string): void {
    this.rows++;
    this.#hash.update(`${line}\n`);
  }
  digest(): string {
    return this.#hash.digest('hex');
  }
}
