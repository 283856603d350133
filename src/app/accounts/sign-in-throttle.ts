/**
 * Sign-in throttling that cannot be turned against users. Three kinds of counter, each with a
 * growing delay instead of a lockout:
 *
 * - an (account, address) pair: 5 free failures, then each further check waits 1 s, 2 s, 4 s, …
 *   up to 15 minutes after the last one. This is the guessing limit; it never touches the same
 *   account from another address nor another account from the same address.
 * - an account across all addresses: 20 free failures, then 1 s, 2 s, … up to 30 s. It only slows an
 *   attacker rotating addresses (about two guesses a minute); the owner at worst waits 30 s.
 * - an address across all accounts: 100 free failures, then 1 s, 2 s, … up to 30 s. It only slows
 *   password spraying from one address; clients sharing it (a NAT, an untrusted proxy) are slowed,
 *   never locked out, and clients at other addresses are not affected at all.
 *
 * A check is refused (THROTTLED, with the seconds to wait) while any of its counters is inside its
 * delay, *before* the account is looked up or the password checked, with the same answer whether the
 * account exists or not. Allowed checks are reserved as failures, all counters in one transaction
 * with their rows locked (SELECT … FOR UPDATE), before the password is checked: under any
 * concurrency no more checks run than the policy allows. A success resets its pair and takes its
 * reservation back from the account and address counters. A counter untouched for 24 hours is
 * forgotten. Addresses are counted as given, except IPv6 addresses, which count per /64 (one host
 * commonly holds a whole /64) and IPv4-mapped IPv6, which counts as the IPv4 address.
 */
import net from 'node:net';
import type { Transaction } from 'kysely';
import type { Database } from '../../db/open.ts';
import type { DB } from '../../db/schema.ts';

export interface DelayPolicy {
  /** Failures allowed without any delay. */
  free: number;
  /** Delay after the first failure past `free`; doubled after each further one. */
  baseMs: number;
  /** The longest delay. */
  capMs: number;
}

export const PAIR_POLICY: DelayPolicy = { free: 5, baseMs: 1000, capMs: 15 * 60 * 1000 };
export const ACCOUNT_POLICY: DelayPolicy = { free: 20, baseMs: 1000, capMs: 30 * 1000 };
export const ADDRESS_POLICY: DelayPolicy = { free: 100, baseMs: 1000, capMs: 30 * 1000 };
/** A counter with no failure for this long starts again from zero. */
export const FORGET_MS = 24 * 60 * 60 * 1000;

/** How long the next check must wait after the last failure, once a counter holds `failures`. */
export function delayAfter(failures: number, policy: DelayPolicy): number {
  if (failures < policy.free) return 0;
  const doublings = failures - policy.free;
  if (doublings >= 52) return policy.capMs;
  return Math.min(policy.baseMs * 2 ** doublings, policy.capMs);
}

export interface Counter {
  failures: number;
  lastAt: Date;
}

/** Milliseconds until a counter allows the next check (0: allowed now). */
export function waitFor(counter: Counter | undefined, policy: DelayPolicy, now: Date): number {
  if (!counter || now.getTime() - counter.lastAt.getTime() >= FORGET_MS) return 0;
  return Math.max(0, counter.lastAt.getTime() + delayAfter(counter.failures, policy) - now.getTime());
}

/** The address a counter is kept for: IPv6 by its /64, IPv4-mapped IPv6 as IPv4. */
export function addressKey(address: string): string {
  const a = address.trim().toLowerCase();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(a);
  if (mapped && net.isIPv4(mapped[1]!)) return mapped[1]!;
  if (!net.isIPv6(a)) return a;
  const [head = '', tail = ''] = a.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = a.includes('::')
    ? [...left, ...Array(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right]
    : left;
  return `${groups
    .slice(0, 4)
    .map((g) => Number.parseInt(g, 16).toString(16))
    .join(':')}::/64`;
}

export interface ThrottleKey {
  key: string;
  policy: DelayPolicy;
  /** A success resets it (the pair) or takes its own reservation back (account, address). */
  onSuccess: 'reset' | 'release';
}

/** The counters one sign-in attempt is held to. */
export function throttleKeys(username: string, address: string): ThrottleKey[] {
  const user = username.toLowerCase();
  const addr = addressKey(address);
  return [
    { key: `pair:${user}\n${addr}`, policy: PAIR_POLICY, onSuccess: 'reset' },
    { key: `account:${user}`, policy: ACCOUNT_POLICY, onSuccess: 'release' },
    { key: `address:${addr}`, policy: ADDRESS_POLICY, onSuccess: 'release' },
  ];
}

/**
 * Reserve one password check on every counter, or say how long to wait (ms) when any of them is
 * inside its delay; a refused attempt counts nothing. One transaction; the counters' rows are
 * created if missing and locked in key order, so concurrent reservations queue on them.
 */
export async function reserveCheck(
  database: Database,
  keys: readonly ThrottleKey[],
  now: Date,
): Promise<{ ok: true } | { ok: false; retryAfterMs: number }> {
  const sorted = [...keys].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const names = sorted.map((k) => k.key);
  return database.transaction(async (tx) => {
    await tx
      .insertInto('sign_in_throttle')
      .values(names.map((key) => ({ key, failures: 0, last_at: now })))
      .onConflict((oc) => oc.column('key').doNothing())
      .execute();
    const rows = await tx
      .selectFrom('sign_in_throttle')
      .selectAll()
      .where('key', 'in', names)
      .orderBy('key')
      .forUpdate()
      .execute();
    const byKey = new Map(rows.map((r) => [r.key, { failures: r.failures, lastAt: new Date(r.last_at) }]));
    const wait = Math.max(0, ...sorted.map((k) => waitFor(byKey.get(k.key), k.policy, now)));
    if (wait > 0) return { ok: false as const, retryAfterMs: wait };
    for (const k of sorted) {
      const c = byKey.get(k.key);
      const fresh = c && now.getTime() - c.lastAt.getTime() < FORGET_MS ? c.failures : 0;
      await tx
        .updateTable('sign_in_throttle')
        .set({ failures: fresh + 1, last_at: now })
        .where('key', '=', k.key)
        .execute();
    }
    return { ok: true as const };
  });
}

/**
 * After a correct password: reset the pair, take the reservation back from the other counters.
 * Rows are touched in key order, as reserveCheck locks them, so the two cannot deadlock.
 */
export async function settleSuccess(tx: Transaction<DB>, keys: readonly ThrottleKey[]): Promise<void> {
  for (const k of [...keys].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))) {
    if (k.onSuccess === 'reset') await tx.deleteFrom('sign_in_throttle').where('key', '=', k.key).execute();
    else
      await tx
        .updateTable('sign_in_throttle')
        .set((eb) => ({ failures: eb.fn('greatest', [eb('failures', '-', 1), eb.lit(0)]) }))
        .where('key', '=', k.key)
        .execute();
  }
}

/**
 * Drop counters untouched for FORGET_MS (they no longer count anyway), at most 1,000 at a time. Rows
 * another sign-in holds are skipped, not waited for, so this never deadlocks with a reservation.
 */
export async function forgetStaleCounters(database: Database, now: Date): Promise<void> {
  const cutoff = new Date(now.getTime() - FORGET_MS);
  await database.db
    .deleteFrom('sign_in_throttle')
    .where('key', 'in', (eb) =>
      eb
        .selectFrom('sign_in_throttle')
        .select('key')
        .where('last_at', '<=', cutoff)
        .orderBy('key')
        .limit(1000)
        .forUpdate()
        .skipLocked(),
    )
    .execute();
}
