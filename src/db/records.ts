/**
 * Record commitments: every record that matters is committed to the transparency log in the
 * transaction that writes it, so `log audit` can recount the records against the log.
 *
 * - `RECORD_SPECS` is the one list of committed columns per table. Caches derived from other records
 *   (persons' status columns, `match_txid`, name search keys) are left out; `log audit` checks the
 *   status caches against the replayed events instead.
 * - A record's digest is the SHA-256 of the RFC 8785 JSON of `{table, id, version, record}`, where
 *   `record` is built by the database from the row as stored (one SQL expression per table, the same
 *   at write time and at audit time): timestamps as UTC ISO 8601 with microseconds, bytea as hex,
 *   numbers as text, jsonb as JSON, `date`-like text as text. A person's record includes its names
 *   and external references.
 * - `commitRecords(tx, refs)` notes the records; just before the transaction commits (a hook of
 *   `Database.transaction`, src/db/commit-hooks.ts) it reads every noted row back as stored then,
 *   stores one `record_commitments` row per record and appends ONE log entry of kind `records` whose
 *   commitment is the SHA-256 of the canonical list `[[table, id, version, digestHex], …]` in `seq`
 *   order: one entry per transaction that writes records (its audit rows included), and a 500-person
 *   import chunk is one entry. `commitRecordsNow` appends the entry at once (the baseline's chunks).
 * - `auditRecords` recomputes every record's digest and names each changed, deleted or inserted row
 *   (table and id, never its contents), and each `records` entry whose list no longer matches.
 */
import { createHash } from 'node:crypto';
import { type Kysely, type RawBuilder, sql, type Transaction } from 'kysely';
import { currentStatus, type StatusEventFacts } from '../domain/status.ts';
import { canonicalBytes } from '../ledger/jcs.ts';
import { beforeCommit } from './commit-hooks.ts';
import { appendLogEntries } from './ledger.ts';
import type { DB } from './schema.ts';

export const RECORDS_LOG_KIND = 'records';

type Kind = 'text' | 'ts' | 'bytea' | 'json' | 'array';
type Column = string | readonly [name: string, kind: Kind];
type KeyType = 'uuid' | 'text' | 'bigint' | 'integer' | 'bytea';

interface RecordSpec {
  /** Key columns in order; the record id is their text values joined by '/' (only the last may contain '/'). */
  key: readonly (readonly [name: string, type: KeyType])[];
  /** The row's own version column, when it has one (every version is committed). */
  version?: string;
  columns: readonly Column[];
  /** Further members of the record computed from other tables (alias `t` is the row). */
  extra?: Readonly<Record<string, string>>;
  /** A row in this state needs no commitment until it first changes (the state the migration created). */
  initially?: string;
}

const TS = (name: string) => [name, 'ts'] as const;
const BYTEA = (name: string) => [name, 'bytea'] as const;
const JSON_ = (name: string) => [name, 'json'] as const;

/** The committed columns of every committed table. */
export const RECORD_SPECS = {
  persons: {
    key: [['id', 'uuid']],
    version: 'version',
    columns: [
      'org_id',
      'sex',
      'birth_date',
      'birth_precision',
      'birth_year',
      'birth_place',
      ['citizenships', 'array'],
      'category',
      'military_branch',
      'military_unit',
      'military_rank',
      'service_number',
      JSON_('contacts'),
      JSON_('health'),
      'marks',
      JSON_('photos'),
      'display_name',
      'version',
      TS('created_at'),
      TS('updated_at'),
    ],
    extra: {
      names: `(SELECT coalesce(jsonb_agg(jsonb_build_object('ord', n.ord::text, 'script', n.script, 'lang', n.lang,
        'family', n.family, 'given', n.given, 'patronymic', n.patronymic, 'raw', n.raw, 'scheme', n.scheme,
        'source', n.source) ORDER BY n.ord, n.id), '[]'::jsonb) FROM person_names n WHERE n.person_id = t.id)`,
      refs: `(SELECT coalesce(jsonb_agg(jsonb_build_array(r.system, r.value) ORDER BY r.system, r.value), '[]'::jsonb)
        FROM external_refs r WHERE r.person_id = t.id)`,
    },
  },
  status_events: {
    key: [['id', 'uuid']],
    columns: [
      'person_id',
      'org_id',
      'dimension',
      'value',
      TS('occurred_at'),
      TS('recorded_at'),
      'source_type',
      'source_ref',
      'verification',
      'note',
      'supersedes',
      'recorded_by',
    ],
  },
  audit_events: {
    key: [['id', 'bigint']],
    columns: [
      'org_id',
      TS('at'),
      'actor_id',
      'actor_name',
      'actor_kind',
      'action',
      'entity_type',
      'entity_id',
      JSON_('detail'),
      'request_id',
    ],
  },
  exchanges: {
    key: [['id', 'text']],
    columns: ['org_id', JSON_('agreement'), 'agreement_hash', 'log_index', 'created_by', TS('created_at')],
  },
  exchange_events: {
    key: [
      ['exchange_id', 'text'],
      ['seq', 'integer'],
    ],
    columns: [
      'kind',
      JSON_('event'),
      BYTEA('commitment'),
      BYTEA('chain'),
      'log_index',
      'created_by',
      TS('created_at'),
    ],
  },
  exchange_bulletins: {
    key: [['id', 'bigint']],
    columns: [
      'exchange_id',
      'seq',
      JSON_('bulletin'),
      JSON_('disclosures'),
      'bulletin_hash',
      'log_index',
      'created_by',
      TS('created_at'),
    ],
  },
  exchange_list_versions: {
    key: [['id', 'bigint']],
    columns: [
      'exchange_id',
      'kind',
      'owner',
      'version',
      'parent_hash',
      'version_hash',
      'created_iso',
      'source_file_sha256',
      'entry_count',
      TS('signed_at'),
      JSON_('signature'),
      'log_index',
      'created_by',
      TS('created_at'),
    ],
  },
  exchange_list_entries: {
    key: [
      ['version_id', 'bigint'],
      ['ord', 'integer'],
    ],
    columns: [
      'nomination_id',
      'person_id',
      'record_hash',
      JSON_('nomination'),
      'claimed_category',
      ['flags', 'array'],
      JSON_('match'),
      JSON_('eligibility'),
      'duplicate_of',
    ],
  },
  exchange_list_responses: {
    key: [['id', 'bigint']],
    columns: [
      'version_id',
      'nomination_id',
      'response',
      'note',
      'responder',
      'responded_at',
      'created_by',
      TS('created_at'),
    ],
  },
  agreement_drafts: {
    key: [['agreement_hash', 'text']],
    columns: ['exchange_id', 'agreement_id', 'version', JSON_('body'), 'proposed_by', TS('created_at')],
  },
  agreement_signatures: {
    key: [
      ['agreement_hash', 'text'],
      ['signer', 'text'],
    ],
    columns: [JSON_('signature'), TS('created_at')],
  },
  substitution_proposals: {
    key: [['approval_hash', 'text']],
    columns: ['exchange_id', 'stage_id', 'substitution_id', JSON_('body'), 'proposed_by', TS('created_at')],
  },
  substitution_approvals: {
    key: [
      ['approval_hash', 'text'],
      ['signer', 'text'],
    ],
    columns: [JSON_('signature'), TS('created_at')],
  },
  packages: {
    key: [['hash', 'bytea']],
    columns: [
      'direction',
      'sender',
      'sequence',
      'type',
      'log_index',
      BYTEA('bytes'),
      'peer',
      TS('created_at'),
    ],
  },
  package_applications: {
    key: [['package_hash', 'bytea']],
    columns: ['log_index', 'type', 'status', 'code', 'message', TS('created_at')],
  },
  received_lists: {
    key: [['version_id', 'bigint']],
    columns: [BYTEA('package_hash'), 'list_hash', 'owner'],
  },
  // The review queue: each candidate as proposed, then with its decision (final once made).
  match_candidates: {
    key: [['id', 'uuid']],
    columns: [
      'org_id',
      'kind',
      'pair_key',
      'person_id',
      'other_person_id',
      JSON_('subject'),
      'source',
      'score',
      'band',
      'explanation',
      JSON_('fields'),
      'status',
      TS('created_at'),
      'created_by',
      TS('decided_at'),
      'decided_by',
      'decision_note',
    ],
  },
  // Trust: whose keys and logs this node trusts, and where its peers are.
  pinned_keys: { key: [['vkey', 'text']], columns: ['key_ref', 'label', TS('created_at')] },
  agreement_keys: {
    key: [
      ['agreement_id', 'text'],
      ['signer', 'text'],
    ],
    columns: ['role', 'vkey', 'key_ref', 'node_name', 'pinned_by', TS('created_at')],
  },
  peers: { key: [['node_name', 'text']], columns: ['url', TS('created_at')] },
  log_witnesses: { key: [['name', 'text']], columns: ['vkey', 'url', TS('created_at')] },
  // The logs this node cosigns as a witness: the key trusted (the size it reached is progress, not trust).
  witnessed_logs: { key: [['origin', 'text']], columns: ['vkey'] },
  // The chain of this node's own keys (`key rotate`).
  node_key_rotations: {
    key: [['seq', 'integer']],
    columns: ['old_public_key', 'new_public_key', 'note', TS('created_at')],
  },
  // The witness quorum (the head's size and frontier are the log's own, checked by the log audit).
  log_head: { key: [['id', 'integer']], columns: ['witness_quorum'], initially: 't.witness_quorum = 0' },
} as const satisfies Record<string, RecordSpec>;

export type RecordTable = keyof typeof RECORD_SPECS;
export const RECORD_TABLES = Object.keys(RECORD_SPECS) as RecordTable[];

/** A record to commit: its table and its key (one value, or one per key column; bytea as bytes or hex). */
export interface RecordRef {
  table: RecordTable;
  key: KeyPart | readonly KeyPart[];
}
type KeyPart = string | number | bigint | Uint8Array;

const partText = (p: KeyPart) =>
  p instanceof Uint8Array ? Buffer.from(p.buffer, p.byteOffset, p.byteLength).toString('hex') : String(p);

/** The record id of a key, as `log audit` names it. */
export function recordId(key: RecordRef['key']): string {
  return (Array.isArray(key) ? (key as readonly KeyPart[]) : [key as KeyPart]).map(partText).join('/');
}

function specOf(table: RecordTable): RecordSpec {
  return RECORD_SPECS[table] as RecordSpec;
}

function valueExpr([name, kind]: readonly [string, Kind]): string {
  const c = `t.${name}`;
  switch (kind) {
    case 'ts':
      return `to_char(${c} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
    case 'bytea':
      return `encode(${c}, 'hex')`;
    case 'json':
      return c;
    case 'array':
      return `to_jsonb(${c})`;
    default:
      return `${c}::text`;
  }
}

const idExprOf = (spec: RecordSpec) =>
  spec.key.length === 1 && spec.key[0]![1] !== 'bytea'
    ? `t.${spec.key[0]![0]}::text`
    : `concat_ws('/', ${spec.key.map(([n, type]) => (type === 'bytea' ? `encode(t.${n}, 'hex')` : `t.${n}::text`)).join(', ')})`;

/** `SELECT row_id, version, rec FROM table t`, the record built by the database (same at write and audit). */
function selectOf(table: RecordTable): string {
  const spec = specOf(table);
  const pairs = [
    ...spec.columns.map((c) => {
      const col = typeof c === 'string' ? ([c, 'text'] as const) : c;
      return `'${col[0]}', ${valueExpr(col)}`;
    }),
    ...Object.entries(spec.extra ?? {}).map(([name, expr]) => `'${name}', ${expr}`),
  ];
  // jsonb_build_object takes at most 100 arguments: build in parts of 40 pairs.
  const parts: string[] = [];
  for (let i = 0; i < pairs.length; i += 40)
    parts.push(`jsonb_build_object(${pairs.slice(i, i + 40).join(', ')})`);
  const version = spec.version ? `t.${spec.version}::text` : `'1'`;
  return `SELECT ${idExprOf(spec)} AS row_id, ${version} AS version, ${parts.join(' || ')} AS rec FROM ${table} t`;
}

/** Rows of `table` whose key is among `ids` (record ids as `recordId` gives them). */
async function loadRecords(
  db: Kysely<DB> | Transaction<DB>,
  table: RecordTable,
  ids: readonly string[],
): Promise<Map<string, { version: string; digest: Buffer }>> {
  const spec = specOf(table);
  const n = spec.key.length;
  const columns: string[][] = spec.key.map(() => []);
  for (const id of ids) {
    const parts = id.split('/');
    const head = parts.slice(0, n - 1);
    const last = parts.slice(n - 1).join('/');
    for (const [i, p] of [...head, last].entries()) columns[i]!.push(p);
  }
  const cast = ([, type]: readonly [string, KeyType], x: string) =>
    type === 'bytea' ? `decode(${x}, 'hex')` : `${x}::${type}`;
  const lhs = `(${spec.key.map(([k]) => `t.${k}`).join(', ')})`;
  const rhs = `SELECT ${spec.key.map((k, i) => cast(k, `u.k${i}`)).join(', ')} FROM unnest(${columns
    .map((_, i) => `$${i + 1}::text[]`)
    .join(', ')}) AS u(${spec.key.map((_, i) => `k${i}`).join(', ')})`;
  const query = `${selectOf(table)} WHERE ${lhs} IN (${rhs})`;
  const bound = await rawWithParams<{ row_id: string; version: string; rec: unknown }>(
    query,
    columns,
  ).execute(db);
  const out = new Map<string, { version: string; digest: Buffer }>();
  for (const r of bound.rows) out.set(r.row_id, { version: r.version, digest: digestOf(table, r) });
  return out;
}

/** A raw query with `$1…$n` placeholders bound to `params`. */
function rawWithParams<R>(query: string, params: readonly unknown[]): RawBuilder<R> {
  const pieces = query.split(/\$(\d+)/);
  const strings: string[] = [];
  const values: unknown[] = [];
  for (let i = 0; i < pieces.length; i++) {
    if (i % 2 === 0) strings.push(pieces[i]!);
    else values.push(params[Number(pieces[i]) - 1]);
  }
  const template: TemplateStringsArray = Object.assign([...strings], { raw: strings });
  return sql<R>(template, ...values);
}

function digestOf(table: RecordTable, r: { row_id: string; version: string; rec: unknown }): Buffer {
  return createHash('sha256')
    .update(canonicalBytes({ table, id: r.row_id, version: r.version, record: r.rec }))
    .digest();
}

interface Commitment {
  table: RecordTable;
  id: string;
  version: string;
  digest: Buffer;
}

/** The `records` entry's commitment: SHA-256 of the canonical list of a transaction's commitments. */
export function recordsCommitment(
  list: readonly { table: string; id: string; version: string; digest: Buffer }[],
): Buffer {
  return createHash('sha256')
    .update(canonicalBytes(list.map((c) => [c.table, c.id, c.version, c.digest.toString('hex')])))
    .digest();
}

/** Records noted by `commitRecords`, per transaction, until it commits them (a WeakMap: nothing shared). */
const noted = new WeakMap<Transaction<DB>, RecordRef[]>();

/**
 * Commits the records to the log in the caller's transaction; call after writing the rows, with
 * the same handle. In a transaction of `Database.transaction`, the records of every call are
 * committed together just before it commits, as stored then, in one `records` entry (so a change
 * and its audit rows make one entry); in any other transaction, at once.
 */
export async function commitRecords(tx: Transaction<DB>, refs: readonly RecordRef[]): Promise<void> {
  if (refs.length === 0) return;
  const list = noted.get(tx);
  if (list) {
    for (const ref of refs) list.push(ref);
    return;
  }
  const fresh = [...refs];
  const deferred = beforeCommit(tx, async () => {
    noted.delete(tx);
    await commitRecordsNow(tx, fresh);
  });
  if (deferred) noted.set(tx, fresh);
  else await commitRecordsNow(tx, fresh);
}

/**
 * Commits the records (as stored now, in this transaction) to the log: one `records` entry for all
 * of them, appended now. Returns the entry's index.
 */
export async function commitRecordsNow(
  tx: Transaction<DB>,
  refs: readonly RecordRef[],
): Promise<number | undefined> {
  if (refs.length === 0) return undefined;
  const byTable = new Map<RecordTable, string[]>();
  const seen = new Set<string>();
  for (const ref of refs) {
    const id = recordId(ref.key);
    const k = `${ref.table}\n${id}`;
    if (seen.has(k)) continue;
    seen.add(k);
    const list = byTable.get(ref.table) ?? [];
    list.push(id);
    byTable.set(ref.table, list);
  }
  const list: Commitment[] = [];
  for (const [table, ids] of byTable) {
    for (let at = 0; at < ids.length; at += 5000) {
      const chunk = ids.slice(at, at + 5000);
      const found = await loadRecords(tx, table, chunk);
      for (const id of chunk) {
        const r = found.get(id);
        if (!r) throw new Error(`commitRecords: ${table} ${id} is not stored`);
        list.push({ table, id, version: r.version, digest: r.digest });
      }
    }
  }
  const { first } = await appendLogEntries(tx, [
    { kind: RECORDS_LOG_KIND, commitment: recordsCommitment(list) },
  ]);
  for (let at = 0; at < list.length; at += 5000) {
    const chunk = list.slice(at, at + 5000);
    await sql`
      INSERT INTO record_commitments (log_idx, seq, table_name, row_id, version, digest)
      SELECT ${String(first)}::bigint, s, t, r, v, decode(d, 'hex')
      FROM unnest(${chunk.map((_, i) => at + i)}::int[], ${chunk.map((c) => c.table)}::text[],
        ${chunk.map((c) => c.id)}::text[], ${chunk.map((c) => c.version)}::bigint[],
        ${chunk.map((c) => c.digest.toString('hex'))}::text[]) AS x(s, t, r, v, d)
    `.execute(tx);
  }
  return first;
}

/** Commits records from a handle that may not be a transaction (opens one then). */
export async function commitRecordsOn(
  db: Kysely<DB> | Transaction<DB>,
  refs: readonly RecordRef[],
): Promise<void> {
  if (refs.length === 0) return;
  if (db.isTransaction) await commitRecords(db as Transaction<DB>, refs);
  else await db.transaction().execute((tx) => commitRecords(tx, refs));
}

export interface RecordProblem {
  message: string;
  table?: string;
  id?: string;
  entry?: number;
}

const PAGE = 2000;
const NAMED_PER_KIND = 50;

/**
 * Recounts every committed table against `record_commitments`, and those against the `records`
 * entries of the log (`entries`: kind and commitment of each stored entry, by index).
 */
export async function auditRecords(
  db: Kysely<DB>,
  entries: readonly ({ kind: string; commitment: Uint8Array } | undefined)[],
): Promise<{ records: number; problems: RecordProblem[] }> {
  const problems: RecordProblem[] = [];
  let records = 0;
  for (const table of RECORD_TABLES) {
    const counts = { changed: 0, deleted: 0, inserted: 0 };
    const name = (kind: keyof typeof counts, p: RecordProblem) => {
      counts[kind]++;
      if (counts[kind] <= NAMED_PER_KIND) problems.push(p);
    };
    // Rows with no commitment at all.
    for (const id of await uncommittedRecordIds(db, table))
      name('inserted', { message: `${table} ${id}: inserted (not committed in the log)`, table, id });
    // Each committed record's latest version against its row.
    let after = '';
    for (;;) {
      const page = await sql<{ row_id: string; version: string; digest: Uint8Array; log_idx: string }>`
        SELECT DISTINCT ON (row_id) row_id, version::text AS version, digest, log_idx::text AS log_idx
        FROM record_commitments WHERE table_name = ${table} AND row_id > ${after}
        ORDER BY row_id, log_idx DESC, seq DESC LIMIT ${PAGE}
      `.execute(db);
      if (page.rows.length === 0) break;
      const stored = await loadRecords(
        db,
        table,
        page.rows.map((r) => r.row_id),
      );
      for (const c of page.rows) {
        records++;
        const row = stored.get(c.row_id);
        const entry = Number(c.log_idx);
        if (!row)
          name('deleted', {
            message: `${table} ${c.row_id}: deleted (committed at entry ${entry}, no such row)`,
            table,
            id: c.row_id,
            entry,
          });
        else if (row.version !== c.version)
          name('changed', {
            message: `${table} ${c.row_id}: changed (version ${row.version} is not committed; the latest committed version ${c.version} is at entry ${entry})`,
            table,
            id: c.row_id,
            entry,
          });
        else if (!row.digest.equals(Buffer.from(c.digest)))
          name('changed', {
            message: `${table} ${c.row_id}: changed (its digest differs from the one committed at entry ${entry})`,
            table,
            id: c.row_id,
            entry,
          });
      }
      after = page.rows.at(-1)!.row_id;
      if (page.rows.length < PAGE) break;
    }
    for (const kind of ['changed', 'deleted', 'inserted'] as const)
      if (counts[kind] > NAMED_PER_KIND)
        problems.push({
          message: `${table}: ${counts[kind] - NAMED_PER_KIND} more ${kind} records not named`,
        });
  }
  problems.push(...(await auditRecordEntries(db, entries)));
  problems.push(...(await auditStatusCaches(db)));
  return { records, problems };
}

/** The ids of `table`'s rows with no commitment at all (the rows `log audit` reports as inserted). */
export async function uncommittedRecordIds(
  db: Kysely<DB> | Transaction<DB>,
  table: RecordTable,
): Promise<string[]> {
  const { rows } = await rawWithParams<{ row_id: string }>(
    `SELECT s.row_id FROM (${selectOfIds(table)}) s WHERE NOT EXISTS (
       SELECT 1 FROM record_commitments c WHERE c.table_name = $1 AND c.row_id = s.row_id) ORDER BY s.row_id`,
    [table],
  ).execute(db);
  return rows.map((r) => r.row_id);
}

const selectOfIds = (table: RecordTable) => {
  const spec = specOf(table);
  return `SELECT ${idExprOf(spec)} AS row_id FROM ${table} t${spec.initially ? ` WHERE NOT (${spec.initially})` : ''}`;
};

/** Every `records` entry against the commitments stored for it, and every commitment against its entry. */
async function auditRecordEntries(
  db: Kysely<DB>,
  entries: readonly ({ kind: string; commitment: Uint8Array } | undefined)[],
): Promise<RecordProblem[]> {
  const problems: RecordProblem[] = [];
  const checked = new Set<number>();
  const checkGroup = (
    idx: number,
    group: { table: string; id: string; version: string; digest: Buffer }[],
  ) => {
    checked.add(idx);
    const entry = entries[idx];
    const listed = () =>
      group
        .slice(0, 20)
        .map((c) => `${c.table} ${c.id}`)
        .join(', ') + (group.length > 20 ? `, … (${group.length} records)` : '');
    if (idx >= entries.length)
      problems.push({
        message: `record commitments refer to entry ${idx}, beyond the ${entries.length} entries stored: entries were removed (${listed()})`,
        entry: idx,
      });
    else if (!entry || entry.kind !== RECORDS_LOG_KIND)
      problems.push({
        message: `entry ${idx}: record commitments are stored for it but it is not a records entry (${listed()})`,
        entry: idx,
      });
    else if (!recordsCommitment(group).equals(Buffer.from(entry.commitment)))
      problems.push({
        message: `entry ${idx}: the record commitments stored for it do not match the entry (${listed()})`,
        entry: idx,
      });
  };
  let afterIdx = -1;
  let afterSeq = -1;
  let current:
    | { idx: number; group: { table: string; id: string; version: string; digest: Buffer }[] }
    | undefined;
  for (;;) {
    const page = await sql<{
      log_idx: string;
      seq: number;
      table_name: string;
      row_id: string;
      version: string;
      digest: Uint8Array;
    }>`
      SELECT log_idx::text AS log_idx, seq, table_name, row_id, version::text AS version, digest
      FROM record_commitments WHERE (log_idx, seq) > (${String(afterIdx)}::bigint, ${afterSeq}::int)
      ORDER BY log_idx, seq LIMIT 10000
    `.execute(db);
    for (const r of page.rows) {
      const idx = Number(r.log_idx);
      if (current && current.idx !== idx) {
        checkGroup(current.idx, current.group);
        current = undefined;
      }
      current ??= { idx, group: [] };
      current.group.push({
        table: r.table_name,
        id: r.row_id,
        version: r.version,
        digest: Buffer.from(r.digest),
      });
    }
    if (page.rows.length < 10000) break;
    const last = page.rows.at(-1)!;
    afterIdx = Number(last.log_idx);
    afterSeq = last.seq;
  }
  if (current) checkGroup(current.idx, current.group);
  entries.forEach((e, idx) => {
    if (e?.kind === RECORDS_LOG_KIND && !checked.has(idx))
      problems.push({
        message: `entry ${idx}: a records entry whose record commitments were removed`,
        entry: idx,
      });
  });
  return problems;
}

/**
 * Persons' status columns are a cache of their status events (left out of the person's record): each
 * must equal the replay of the person's (committed) events. One query per page of persons.
 */
export async function auditStatusCaches(db: Kysely<DB>): Promise<RecordProblem[]> {
  const problems: RecordProblem[] = [];
  let differing = 0;
  let after = '00000000-0000-0000-0000-000000000000';
  const at = (c: string) => `to_char(${c} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
  for (;;) {
    const page = await rawWithParams<{
      id: string;
      fate: string;
      exchange: string;
      legal: string;
      events: StatusEventFacts[];
    }>(
      `SELECT p.id::text AS id, p.fate_status AS fate, p.exchange_status AS exchange, p.legal_status AS legal,
         (SELECT coalesce(jsonb_agg(jsonb_build_object('id', e.id, 'dimension', e.dimension, 'value', e.value,
            'occurredAt', ${at('e.occurred_at')}, 'recordedAt', ${at('e.recorded_at')},
            'sourceType', e.source_type, 'verification', e.verification, 'supersedes', e.supersedes)), '[]'::jsonb)
          FROM status_events e WHERE e.person_id = p.id) AS events
       FROM persons p WHERE p.id > $1::uuid ORDER BY p.id LIMIT ${PAGE}`,
      [after],
    ).execute(db);
    for (const p of page.rows) {
      const replayed = currentStatus(p.events);
      const cached: Record<string, string> = { fate: p.fate, exchange: p.exchange, legal: p.legal };
      const dims = Object.keys(replayed).filter((d) => replayed[d as keyof typeof replayed] !== cached[d]);
      if (dims.length === 0) continue;
      differing++;
      if (differing <= NAMED_PER_KIND)
        problems.push({
          message: `persons ${p.id}: its ${dims.join(', ')} status differs from the replay of its status events`,
          table: 'persons',
          id: p.id,
        });
    }
    if (page.rows.length < PAGE) break;
    after = page.rows.at(-1)!.id;
  }
  if (differing > NAMED_PER_KIND)
    problems.push({ message: `persons: ${differing - NAMED_PER_KIND} more status caches differ, not named` });
  return problems;
}
