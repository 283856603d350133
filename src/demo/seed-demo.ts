import { createHash, randomUUID } from 'node:crypto';
import type { Transaction } from 'kysely';
import { hashPassword } from '../app/accounts/accounts.ts';
import { DEFAULT_REF_SYSTEM } from '../app/registry/import-persons.ts';
import { type AuditEntry, writeAudit } from '../db/audit.ts';
import { appendLogEntries } from '../db/ledger.ts';
import { findByRefs, insertPersons, type NewPerson, type StoredStatusEvent } from '../db/persons.ts';
import type { DB } from '../db/schema.ts';
import { type RequestContext, type Role, Roles } from '../domain/access.ts';
import { DomainError, ErrorCodes } from '../domain/errors.ts';
import { PersonInputSchema } from '../domain/person.ts';
import { admitStatusEvent } from '../domain/status.ts';
import { canonicalBytes } from '../ledger/jcs.ts';
import { nameKey } from '../matching/keys.ts';
import { createRng } from './rng.ts';
import { generateDemoRestricted, generatePersons, type SyntheticPerson } from './synthetic.ts';

/** Demo accounts: one per role, password `demo-<role>`. Only ever created in demo mode. */
export const demoLogins = Roles.map((role) => ({ username: role, password: `demo-${role}`, role }));

/**
 * Turn synthetic persons into stored ones with their status histories, each event admitted through
 * the transition table as if recorded one by one. Shared by the demo seeder and the benchmark.
 */
export function syntheticToNew(
  people: readonly SyntheticPerson[],
  withRestrictedEvery = 0,
  seed = 1,
): NewPerson[] {
  const rng = createRng(seed);
  return people.map((sp, k) => {
    const id = randomUUID();
    const events: StoredStatusEvent[] = [];
    for (const e of sp.statusHistory) {
      const ev: StoredStatusEvent = {
        id: randomUUID(),
        personId: id,
        dimension: e.dimension,
        value: e.value,
        occurredAt: e.occurredAt,
        recordedAt: new Date(Date.parse(e.occurredAt) + 3_600_000).toISOString(),
        sourceType: e.sourceType,
        sourceRef: null,
        verification: e.verification,
        note: null,
        supersedes: null,
        recordedBy: 'demo',
      };
      admitStatusEvent(events, ev);
      events.push(ev);
    }
    const restricted =
      withRestrictedEvery > 0 && k % withRestrictedEvery === 0 ? generateDemoRestricted(rng) : {};
    const input = PersonInputSchema.parse({
      ...sp.input,
      ...restricted,
      externalRefs: [{ system: DEFAULT_REF_SYSTEM, value: sp.externalRef }],
    });
    return { id, input, events };
  });
}

/** Insert new persons and one audit row for each, in the caller's transaction. */
export async function storeNewPersons(
  ctx: RequestContext,
  tx: Transaction<DB>,
  persons: NewPerson[],
  via: string,
) {
  await insertPersons(tx, ctx, persons, nameKey);
  const audit: AuditEntry[] = persons.map((p) => ({
    action: 'person.created',
    entityType: 'person',
    entityId: p.id,
    detail: { via, events: p.events.length },
  }));
  await writeAudit(tx, ctx, audit);
  // One log entry per batch commits to which persons were created (ids only).
  const ids = persons.map((p) => p.id).sort();
  await appendLogEntries(tx, [
    {
      kind: 'persons.created',
      commitment: createHash('sha256').update(canonicalBytes({ via, ids })).digest(),
    },
  ]);
}

/** The demo accounts (one per role, password `demo-<role>`) in the caller's organisation; idempotent. */
export async function seedDemoAccounts(tx: Transaction<DB>, ctx: RequestContext): Promise<number> {
  let users = 0;
  const real = await tx.selectFrom('users').select('username').execute();
  const have = new Set(real.map((u) => u.username));
  for (const d of demoLogins) {
    if (have.has(d.username)) continue;
    await tx
      .insertInto('users')
      .values({
        id: randomUUID(),
        org_id: ctx.orgId,
        username: d.username,
        display_name: `Demo ${d.role.replace('_', ' ')}`,
        password_hash: await hashPassword(d.password),
        roles: [d.role as Role],
        disabled_at: null,
      })
      .execute();
    users += 1;
  }
  return users;
}

export interface DemoSummary {
  created: number;
  existing: number;
  users: number;
}

/**
 * Seed synthetic persons and demo accounts. Idempotent: persons are keyed by their DEMO-… reference,
 * accounts by username. Refuses a node that already has real (non-demo) accounts. `run` opens a
 * transaction (Database.transaction); persons are committed in batches of 1,000.
 */
export async function seedDemo(
  run: <T>(fn: (tx: Transaction<DB>) => Promise<T>) => Promise<T>,
  ctx: RequestContext,
  opts: { persons: number; seed?: number; onProgress?: (done: number, total: number) => void },
): Promise<DemoSummary> {
  let users = 0;
  await run(async (tx) => {
    const node = await tx.selectFrom('node_identity').select('demo').executeTakeFirstOrThrow();
    const real = await tx.selectFrom('users').select('username').execute();
    const anyPerson = await tx.selectFrom('persons').select('id').limit(1).executeTakeFirst();
    // A fresh, empty node may become a demo node; one holding accounts or persons never does.
    if (!node.demo && real.length === 0 && !anyPerson) {
      await tx.updateTable('node_identity').set({ demo: true }).execute();
    } else if (!node.demo) {
      throw new DomainError(
        ErrorCodes.FORBIDDEN,
        'this data directory holds a real node; put demo data in a separate --data directory',
      );
    }
    users = await seedDemoAccounts(tx, ctx);
  });
  let created = 0;
  let existing = 0;
  const batch: SyntheticPerson[] = [];
  const flush = async () => {
    const have = await run((tx) =>
      findByRefs(
        tx,
        ctx,
        DEFAULT_REF_SYSTEM,
        batch.map((b) => b.externalRef),
      ),
    );
    const fresh = batch.filter((b) => !have.has(b.externalRef));
    existing += batch.length - fresh.length;
    if (fresh.length > 0) {
      await run((tx) => storeNewPersons(ctx, tx, syntheticToNew(fresh, 10, created + 1), 'demo'));
    }
    created += fresh.length;
    batch.length = 0;
    opts.onProgress?.(created + existing, opts.persons);
  };
  for (const sp of generatePersons(opts.seed ?? 2025, opts.persons)) {
    batch.push(sp);
    if (batch.length === 1000) await flush();
  }
  if (batch.length > 0) await flush();
  return { created, existing, users };
}
