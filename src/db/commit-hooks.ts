/**
 * Work a transaction does last, just before it commits: `Database.transaction` (src/db/open.ts) runs
 * what `beforeCommit` registered, in order, after its function returns and inside the same
 * transaction; a failure rolls the whole transaction back. Used by `commitRecords`
 * (src/db/records.ts) to commit everything a transaction wrote in one `records` log entry.
 *
 * The hooks are kept per transaction handle (a WeakMap entry, dropped when the transaction ends), so
 * nothing is shared between transactions or databases.
 */
import type { Transaction } from 'kysely';
import type { DB } from './schema.ts';

type Hook = () => Promise<void>;

const hooks = new WeakMap<Transaction<DB>, Hook[]>();

/** Runs `fn` in `tx`, then the hooks registered for `tx` while it ran (and by those hooks). */
export async function withCommitHooks<T>(
  tx: Transaction<DB>,
  fn: (tx: Transaction<DB>) => Promise<T>,
): Promise<T> {
  const list: Hook[] = [];
  hooks.set(tx, list);
  try {
    const result = await fn(tx);
    for (let i = 0; i < list.length; i++) await list[i]!();
    return result;
  } finally {
    hooks.delete(tx);
  }
}

/**
 * Registers `hook` to run just before `tx` commits. False when `tx` was not opened by
 * `Database.transaction` (then there is no such moment to run it in, and the caller acts at once).
 */
export function beforeCommit(tx: Transaction<DB>, hook: Hook): boolean {
  const list = hooks.get(tx);
  if (!list) return false;
  list.push(hook);
  return true;
}
