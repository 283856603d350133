/**
 * Acting on accepted packages. Accepting a package (src/app/peers/packages.ts) checks its envelope: a pinned
 * key's signature, the payload digest, its place in the sender's sequence; it is then logged and kept
 * whatever it says, because the channel must not jam and because what a counterpart sent is
 * evidence. Applying it, in a transaction of its own afterwards, checks its content:
 *
 * - `exchange.events`: the exchange must exist here; the sender's key must be pinned for one of its
 *   agreement's parties or mediators (src/app/exchange/agreement-keys.ts); every signature inside the events
 *   (manifest, confirmation, substitution and exception approvals) must be an Ed25519 signature by the
 *   key pinned for its signer, in the role pinned for it (src/app/exchange/signatures.ts); then the events go
 *   through the exchange domain like local ones (`recordExchangeEvents`), all or none.
 * - `list.version` and `list.response`: a counterpart's signed list version becomes their request or
 *   offer here, matched and flagged against our registry; answers are recorded on our version
 *   (src/app/peers/list-packages.ts).
 * - `agreement.draft` and `agreement.signature`: a proposed version and the signers' signatures,
 *   checked against the keys pinned for the agreement; the exchange starts when all are held
 *   (src/app/exchange/agreements.ts).
 * - `substitution.approval`: a party's approval of a proposed substitution, checked and stored; the
 *   node whose own approval completes the pair records it (src/app/exchange/substitutions.ts).
 * - other whitelisted types (confirmations) are `kept`: stored and logged, read where they are needed.
 *
 * Which type is applied, and by what, is declared once: src/app/peers/package-types.ts (the registry)
 * and src/app/peers/package-handlers.ts (its handlers, checked complete by the type checker).
 *
 * The outcome is recorded per package in `package_applications` (migration 008): `applied`, `kept`,
 * or `refused` with the code and a message without personal data. A package whose application failed
 * for any other reason (a bug, the database gone) stays pending and is retried by the next pass, so a
 * crash between accepting and applying loses nothing.
 */
import type { Transaction } from 'kysely';
import { ofNodeOrg } from '../../db/node-scope.ts';
import type { Database } from '../../db/open.ts';
import { commitRecords } from '../../db/records.ts';
import type { DB } from '../../db/schema.ts';
import { type RequestContext, requireNodeTask } from '../../domain/access.ts';
import { isDomainError } from '../../domain/errors.ts';
import { isLedgerError } from '../../ledger/errors.ts';
import { type AcceptedContent, handlerOf } from './package-handlers.ts';

export interface Application {
  logIndex: number;
  type: string;
  sender: string;
  status: 'applied' | 'refused' | 'kept';
  code: string | null;
  message: string | null;
}

/** Packages accepted but not yet applied, oldest first. */
async function pending(db: Database['db']): Promise<{ hash: Uint8Array; logIndex: number }[]> {
  const rows = await db
    .selectFrom('packages')
    .leftJoin('package_applications', 'package_applications.package_hash', 'packages.hash')
    .select(['packages.hash', 'packages.log_index'])
    .where('packages.direction', '=', 'accepted')
    .where('package_applications.package_hash', 'is', null)
    .orderBy('packages.log_index')
    .execute();
  return rows.map((r) => ({ hash: new Uint8Array(r.hash), logIndex: Number(r.log_index) }));
}

/**
 * Applies every accepted package that has no outcome yet, in the order accepted, each in its own
 * transaction. Returns the outcomes recorded by this pass. Safe to run concurrently: each package is
 * locked and checked again before it is applied.
 */
export async function applyPendingPackages(database: Database, ctx: RequestContext): Promise<Application[]> {
  requireNodeTask(ctx, 'apply-package');
  const out: Application[] = [];
  for (const { hash } of await pending(database.db)) {
    let outcome: Application | undefined;
    let refusal: { code: string; message: string } | undefined;
    try {
      outcome = await database.transaction(async (tx) => {
        const row = await tx
          .selectFrom('packages')
          .select(['hash', 'log_index', 'type', 'sender', 'bytes'])
          .where('hash', '=', Buffer.from(hash))
          .forUpdate()
          .executeTakeFirstOrThrow();
        const done = await tx
          .selectFrom('package_applications')
          .select('status')
          .where('package_hash', '=', Buffer.from(hash))
          .executeTakeFirst();
        if (done) return undefined;
        const p: AcceptedContent = {
          hash,
          logIndex: Number(row.log_index),
          type: row.type,
          sender: row.sender,
          payload: (JSON.parse(Buffer.from(row.bytes).toString('utf8')) as { payload: unknown }).payload,
        };
        const handler = handlerOf(p.type);
        const status = handler ? await handler(ctx, tx, p) : ('kept' as const);
        await record(tx, p, status, null);
        return { logIndex: p.logIndex, type: p.type, sender: p.sender, status, code: null, message: null };
      });
    } catch (e) {
      if (!isDomainError(e) && !isLedgerError(e)) throw e;
      refusal = { code: e.code, message: e.message };
    }
    if (refusal) {
      const r = refusal;
      outcome = await database.transaction(async (tx) => {
        const row = await tx
          .selectFrom('packages')
          .select(['log_index', 'type', 'sender'])
          .where('hash', '=', Buffer.from(hash))
          .forUpdate()
          .executeTakeFirstOrThrow();
        const done = await tx
          .selectFrom('package_applications')
          .select('status')
          .where('package_hash', '=', Buffer.from(hash))
          .executeTakeFirst();
        if (done) return undefined;
        const p = { hash, logIndex: Number(row.log_index), type: row.type, sender: row.sender };
        await record(tx, p, 'refused', r);
        return { logIndex: p.logIndex, type: p.type, sender: p.sender, status: 'refused' as const, ...r };
      });
    }
    if (outcome) out.push(outcome);
  }
  return out;
}

async function record(
  tx: Transaction<DB>,
  p: { hash: Uint8Array; logIndex: number; type: string },
  status: Application['status'],
  refusal: { code: string; message: string } | null,
): Promise<void> {
  await tx
    .insertInto('package_applications')
    .values({
      package_hash: Buffer.from(p.hash),
      log_index: p.logIndex,
      type: p.type,
      status,
      code: refusal?.code ?? null,
      message: refusal?.message.slice(0, 2000) ?? null,
    })
    .execute();
  await commitRecords(tx, [{ table: 'package_applications', key: p.hash }]);
}

/** The outcome of applying an accepted package (undefined: not accepted here, or still pending). */
export async function applicationOf(
  ctx: RequestContext,
  db: Database['db'],
  hash: Uint8Array,
): Promise<Application | undefined> {
  const row = await db
    .selectFrom('package_applications')
    .innerJoin('packages', 'packages.hash', 'package_applications.package_hash')
    .select([
      'package_applications.log_index',
      'package_applications.type',
      'packages.sender',
      'package_applications.status',
      'package_applications.code',
      'package_applications.message',
    ])
    .where('package_applications.package_hash', '=', Buffer.from(hash))
    .where(ofNodeOrg(ctx))
    .executeTakeFirst();
  return (
    row && {
      logIndex: Number(row.log_index),
      type: row.type,
      sender: row.sender,
      status: row.status,
      code: row.code,
      message: row.message,
    }
  );
}
