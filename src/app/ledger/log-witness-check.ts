/**
 * `homeward log audit --witness URL…`: what the witnesses saw, against the log stored here.
 *
 * A log rebuilt from the database and re-signed passes every check that looks only at the database
 * (entries, hashes and checkpoints agree with each other). A witness remembers the checkpoint it
 * cosigned, out of the attacker's reach: each witness is asked for the latest checkpoint it cosigned
 * for this log (GET <url>/latest/<origin>, src/app/ledger/witness.ts), and that tree must be a prefix of the
 * stored one — its root equal to the root recomputed from the stored entries at its size, and a
 * consistency proof from it to the latest local checkpoint verifying. Anything else is reported with
 * the evidence: the witness's cosigned note and the local root at that size.
 */
import type { Kysely } from 'kysely';
import { loadKeyChain } from '../../db/key-chain.ts';
import { latestCheckpoint, loadLogKeys, proveConsistency } from '../../db/ledger.ts';
import type { DB } from '../../db/schema.ts';
import { toBase64 } from '../../ledger/bytes.ts';
import { openCheckpoint } from '../../ledger/checkpoint.ts';
import { isLedgerError } from '../../ledger/errors.ts';
import { parseVerifierKey } from '../../ledger/keys.ts';
import {
  emptyTreeRoot,
  foldCompactRange,
  hashChildren,
  hashLeaf,
  verifyConsistency,
} from '../../ledger/merkle.ts';
import type { NoteVerifier } from '../../ledger/note.ts';

export interface WitnessCheck {
  url: string;
  /** consistent: a prefix of the stored log; fork: it contradicts the stored log; unchecked: no answer to compare. */
  result: 'consistent' | 'fork' | 'unchecked';
  witness?: string | undefined;
  /** The size the witness cosigned. */
  size?: number | undefined;
  /** Whether the witness's cosignature verified with its key (configured with `log witness add` or given). */
  cosignatureVerified?: boolean | undefined;
  message: string;
  /** For a fork: the witness's cosigned note and the local root at its size (base64; null past the local log). */
  evidence?: { witnessNote: string; localSize: number; localRoot: string | null } | undefined;
}

export interface WitnessCheckOptions {
  fetch?: typeof fetch;
  timeoutMs?: number;
  /** Witness verifier keys (type 0x04) besides those of the configured witnesses. */
  witnessKeys?: string[];
  /** Log keys whose signatures count (default: the node's keys, its rotation chain). */
  logKeys?: NoteVerifier[];
}

const MAX_NOTE_BYTES = 64 * 1024;
const CHUNK = 50_000;

/** The root of the first `size` stored entries, recomputed from the entries themselves. */
async function rootFromEntries(db: Kysely<DB>, size: number): Promise<Uint8Array> {
  if (size === 0) return emptyTreeRoot();
  const stack: { level: number; hash: Uint8Array }[] = [];
  let next = 0;
  while (next < size) {
    const rows = await db
      .selectFrom('log_entries')
      .select(['idx', 'data'])
      .where('idx', '>=', String(next))
      .where('idx', '<', String(Math.min(size, next + CHUNK)))
      .orderBy('idx')
      .execute();
    if (rows.length === 0) break;
    for (const r of rows) {
      if (Number(r.idx) !== next) throw new Error(`entry ${next} is missing from the log`);
      let node = { level: 0, hash: hashLeaf(new Uint8Array(r.data)) };
      while (stack.length > 0 && stack[stack.length - 1]!.level === node.level) {
        const left = stack.pop()!;
        node = { level: node.level + 1, hash: hashChildren(left.hash, node.hash) };
      }
      stack.push(node);
      next += 1;
    }
  }
  if (next < size) throw new Error(`entry ${next} is missing from the log`);
  return foldCompactRange(stack.map((s) => s.hash));
}

async function fetchNote(url: string, options: WitnessCheckOptions): Promise<string> {
  const doFetch = options.fetch ?? fetch;
  const res = await doFetch(url, {
    headers: { accept: 'text/plain' },
    signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
  });
  const body = await res.arrayBuffer();
  if (res.status === 404) throw new Error('the witness has cosigned nothing of this log (404)');
  if (res.status !== 200) throw new Error(`the witness answered HTTP ${res.status}`);
  if (body.byteLength > MAX_NOTE_BYTES) throw new Error('the witness answered more than a checkpoint');
  return new TextDecoder('utf-8', { fatal: true }).decode(body);
}

/** Asks each witness (its submission prefix, as in `log witness add --url`) and compares. Never throws for a witness's answer. */
export async function checkWithWitnesses(
  db: Kysely<DB>,
  urls: readonly string[],
  options: WitnessCheckOptions = {},
): Promise<WitnessCheck[]> {
  const keys = await loadLogKeys(db);
  const logKeys = options.logKeys ?? (await loadKeyChain(db)).keys;
  const configured = await db.selectFrom('log_witnesses').select(['name', 'vkey', 'url']).execute();
  const witnessKeys: NoteVerifier[] = [];
  for (const vkey of [...configured.map((w) => w.vkey), ...(options.witnessKeys ?? [])]) {
    try {
      witnessKeys.push(parseVerifierKey(vkey.trim()));
    } catch {
      // A configured key that does not parse is reported by `log audit` itself.
    }
  }
  const latest = await latestCheckpoint(db);
  const localSize = latest?.size ?? 0;
  const out: WitnessCheck[] = [];
  for (const raw of urls) {
    const url = raw.replace(/\/+$/, '');
    let note: string;
    try {
      const parsed = new URL(url);
      if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error('not an http(s) URL');
      note = await fetchNote(`${url}/latest/${encodeURIComponent(keys.origin)}`, options);
    } catch (e) {
      out.push({ url, result: 'unchecked', message: `no checkpoint to compare: ${(e as Error).message}` });
      continue;
    }
    let opened: ReturnType<typeof openCheckpoint>;
    try {
      opened = openCheckpoint(note, { origin: keys.origin, logKeys, witnessKeys });
    } catch (e) {
      // A note this log's key did not sign proves nothing about the log; say so, without trusting it.
      out.push({
        url,
        result: 'unchecked',
        message: `the witness's checkpoint does not verify as this log's (${isLedgerError(e) ? e.code : 'unreadable'})`,
      });
      continue;
    }
    const { size, root } = opened.checkpoint;
    const cosigner = opened.cosignatures[0]?.verifier.name;
    const base = { url, witness: cosigner, size, cosignatureVerified: cosigner !== undefined };
    const who = cosigner ?? 'the witness (its key unknown here: cosignature not verified)';
    if (size > localSize) {
      out.push({
        ...base,
        result: 'fork',
        message: `${who} cosigned size ${size}, but the log here ends at checkpoint ${localSize}: it was truncated or rebuilt`,
        evidence: { witnessNote: note, localSize, localRoot: null },
      });
      continue;
    }
    let localRoot: Uint8Array;
    try {
      localRoot = await rootFromEntries(db, size);
    } catch (e) {
      out.push({
        ...base,
        result: 'fork',
        message: `${who} cosigned size ${size}, but the stored entries cannot be read to that size: ${(e as Error).message}`,
        evidence: { witnessNote: note, localSize, localRoot: null },
      });
      continue;
    }
    let problem: string | undefined;
    if (Buffer.compare(Buffer.from(localRoot), Buffer.from(root)) !== 0) {
      problem = `${who} cosigned a tree of size ${size} whose root differs from the root of the stored entries at that size: the log was rewritten or forked`;
    } else if (latest) {
      try {
        const proof = await proveConsistency(db, size, localSize);
        verifyConsistency(size, localSize, root, latest.root, proof, { allowEmptyFirst: true });
      } catch (e) {
        problem = `no valid consistency proof from the witness's size ${size} to the local checkpoint ${localSize} (${isLedgerError(e) ? e.code : (e as Error).message})`;
      }
    }
    if (problem) {
      out.push({
        ...base,
        result: 'fork',
        message: problem,
        evidence: { witnessNote: note, localSize: size, localRoot: toBase64(localRoot) },
      });
    } else {
      out.push({
        ...base,
        result: 'consistent',
        message: `${who} cosigned size ${size}: consistent with the local checkpoint ${localSize}`,
      });
    }
  }
  return out;
}
