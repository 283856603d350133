import { createHash } from 'node:crypto';
import fs from 'node:fs';
import {
  DEDUP_OUTPUT_COLUMNS,
  findDuplicates,
  MATCH_LIST_OUTPUT_COLUMNS,
  matchListAgainstRegistry,
} from '../app/matching/match-registry.ts';
import { recordMatchCandidates } from '../app/matching/match-review.ts';
import { isDomainError } from '../domain/errors.ts';
import { toCsv } from '../io/csv.ts';
import { MatchInputError } from '../io/match-file-mode.ts';
import { readMatchListFile } from '../io/match-list-file.ts';
import { type DataOptions, describeTarget, openNode, progressBar } from './context.ts';
import { io } from './io.ts';

type Err = (s: string) => void;
const stderrOf: Err = (s) => io().stderr.write(s);

/** Write a file whole or not at all. */
function writeAtomically(file: string, text: string): void {
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, text, { mode: 0o600 });
  fs.renameSync(tmp, file);
}

/** Known failures as one line and exit code 1; anything else is rethrown. */
async function guarded(stderr: Err, fn: () => Promise<number>): Promise<number> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof MatchInputError) {
      stderr(`homeward: ${e.message}\n`);
      return 1;
    }
    if (isDomainError(e)) {
      stderr(`homeward: ${e.message} [${e.code}]\n`);
      return 1;
    }
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'ENOENT' || err.code === 'EACCES' || err.code === 'EISDIR') {
      stderr(`homeward: cannot read or write ${err.path ?? 'a file'}: ${err.code}\n`);
      return 1;
    }
    stderr(`homeward: ${err.message ?? String(e)}\n`);
    if (io().env.HOMEWARD_DEBUG) stderr(`${err.stack}\n`);
    return 1;
  }
}

export interface MatchNodeOptions extends DataOptions {
  list: string;
  out?: string | undefined;
}

/**
 * `homeward match --list FILE [--out M.csv] --data DIR`: match a counterpart's list (CSV or XLSX)
 * against the node's registry. Output as file mode (`registry_id` is the person's id); every
 * candidate also goes to the review queue (pending; a re-run of the same file adds nothing). A bad
 * file is refused, naming line and column, before the database is opened.
 */
export function runMatchNode(o: MatchNodeOptions, stderr: Err = stderrOf): Promise<number> {
  return guarded(stderr, async () => {
    const bytes = fs.readFileSync(o.list);
    const list = await readMatchListFile(bytes, o.list);
    const source = createHash('sha256').update(bytes).digest('hex');
    const node = await openNode(o);
    try {
      const ctx = node.as(['identity_analyst']);
      const r = await matchListAgainstRegistry(ctx, node.database.db, list, source);
      const queued = await node.database.transaction((tx) =>
        recordMatchCandidates(ctx, tx, r.candidates, { kind: 'list', source }),
      );
      const csv = toCsv(MATCH_LIST_OUTPUT_COLUMNS, r.rows);
      if (o.out) writeAtomically(o.out, csv);
      else io().stdout.write(csv);
      stderr(
        `${o.list}: ${list.length} row(s) matched against ${r.registrySize} person(s) on ${describeTarget(o)}: ${r.rows.length} candidate(s); ${queued.added} new in the review queue\n`,
      );
      return 0;
    } finally {
      await node.database.close();
    }
  });
}

export interface DedupOptions extends DataOptions {
  out?: string | undefined;
  likelyOnly?: boolean | undefined;
}

/** `homeward dedup [--out FILE] --data DIR`: duplicate candidates of the registry, also queued for review. */
export function runDedup(o: DedupOptions, stderr: Err = stderrOf): Promise<number> {
  return guarded(stderr, async () => {
    const node = await openNode(o);
    try {
      const ctx = node.as(['identity_analyst']);
      const r = await findDuplicates(ctx, node.database.db, {
        likelyOnly: o.likelyOnly,
        onProgress: progressBar('dedup'),
      });
      const queued = await node.database.transaction((tx) =>
        recordMatchCandidates(ctx, tx, r.candidates, { kind: 'duplicate' }),
      );
      const csv = toCsv(DEDUP_OUTPUT_COLUMNS, r.rows);
      if (o.out) writeAtomically(o.out, csv);
      else io().stdout.write(csv);
      stderr(
        `${r.registrySize} person(s) on ${describeTarget(o)}: ${r.rows.length} duplicate candidate pair(s); ${queued.added} new in the review queue\n`,
      );
      return 0;
    } finally {
      await node.database.close();
    }
  });
}
