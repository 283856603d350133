import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../db/open.ts';
import { openTestDatabase, testContext } from '../../db/testing.ts';
import type { PersonInput } from '../../domain/person.ts';
import { getPerson } from './get-person.ts';
import { personAuditTrail } from './person-audit-trail.ts';
import { listStatusEvents, recordStatusEvent } from './record-status-event.ts';
import { registerPerson } from './register-person.ts';
import { searchPersons } from './search-persons.ts';
import { updatePerson } from './update-person.ts';

let db: Database;
beforeAll(async () => {
  db = await openTestDatabase();
});
afterAll(async () => {
  await db?.close();
});

const kovalenko: PersonInput = {
  names: [
    { script: 'Cyrl', lang: 'uk', family: 'Коваленко', given: 'Олександр', patronymic: 'Миколайович' },
    { script: 'Latn', lang: 'en', family: 'Kovalenko', given: 'Oleksandr', scheme: 'uk-2010' },
  ],
  sex: 'male',
  birth: { date: '1994-03-12', precision: 'day' },
  category: 'servicemember',
  military: { unit: 'в/ч А0000' },
  externalRefs: [{ system: 'ref', value: 'T-1' }],
  contacts: [{ name: 'Коваленко Ганна (synthetic)', phone: '+380 00 000 0001' }],
};

describe('registry use cases', () => {
  it('registers a person, finds them in either script, and audits the write', async () => {
    const ctx = testContext(['coordinator']);
    const p = await db.transaction((tx) => registerPerson(ctx, tx, kovalenko));
    expect(p.displayName).toBe('Коваленко Олександр Миколайович');
    expect(p.status).toEqual({ fate: 'none', exchange: 'none', legal: 'none' });
    for (const q of ['Kovalenko', 'коваленко олександр', 'Kowalenko Olexandr', 'oleksandr kovalenko']) {
      const r = await db.transaction((tx) => searchPersons(ctx, tx, { q, limit: 10, offset: 0 }));
      expect(
        r.items.map((i) => i.id),
        q,
      ).toEqual([p.id]);
    }
    const miss = await db.transaction((tx) =>
      searchPersons(ctx, tx, { q: 'Shevchuk', limit: 10, offset: 0 }),
    );
    expect(miss.items).toEqual([]);
    const byYear = await db.transaction((tx) =>
      searchPersons(ctx, tx, { q: 'Kovalenko', birthYear: 1995, limit: 10, offset: 0 }),
    );
    expect(byYear.items).toEqual([]);
    const trail = await db.transaction((tx) => personAuditTrail(ctx, tx, p.id));
    expect(trail.map((a) => a.action)).toEqual(['person.created']);
  });

  it('another organisation sees "not found", never the record', async () => {
    const ctx = testContext(['coordinator']);
    const other = testContext(['coordinator']);
    const p = await db.transaction((tx) => registerPerson(ctx, tx, { ...kovalenko, externalRefs: [] }));
    await expect(db.transaction((tx) => getPerson(other, tx, p.id))).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    const r = await db.transaction((tx) =>
      searchPersons(other, tx, { q: 'Kovalenko', limit: 10, offset: 0 }),
    );
    expect(r.items).toEqual([]);
  });

  it('shows restricted fields only to roles allowed, and audits those reads', async () => {
    const ctx = testContext(['coordinator']);
    const p = await db.transaction((tx) => registerPerson(ctx, tx, { ...kovalenko, externalRefs: [] }));
    const asCoordinator = await db.transaction((tx) => getPerson(ctx, tx, p.id));
    expect(asCoordinator.contacts?.[0]?.phone).toBe('+380 00 000 0001');
    const analyst = { ...ctx, roles: ['identity_analyst' as const] };
    const asAnalyst = await db.transaction((tx) => getPerson(analyst, tx, p.id));
    expect(asAnalyst).not.toHaveProperty('contacts');
    const mediator = { ...ctx, roles: ['mediator' as const] };
    const asMediator = await db.transaction((tx) => getPerson(mediator, tx, p.id));
    expect(asMediator).not.toHaveProperty('military');
    const trail = await db.transaction((tx) => personAuditTrail(ctx, tx, p.id));
    expect(trail.filter((a) => a.action === 'person.restricted_read')).toHaveLength(1);
  });

  it('derives status from events and rejects forbidden transitions by code', async () => {
    const ctx = testContext(['coordinator']);
    const p = await db.transaction((tx) => registerPerson(ctx, tx, { ...kovalenko, externalRefs: [] }));
    const rec = (value: string, occurredAt: string, extra: object = {}) =>
      db.transaction((tx) =>
        recordStatusEvent(ctx, tx, p.id, {
          dimension: 'fate',
          value,
          occurredAt,
          sourceType: 'family_report',
          verification: 'claim',
          ...extra,
        }),
      );
    await rec('missing', '2024-05-01');
    await expect(rec('reunited', '2024-06-01')).rejects.toMatchObject({ code: 'FORBIDDEN_TRANSITION' });
    await expect(rec('in_custody_confirmed', '2024-06-01')).rejects.toMatchObject({
      code: 'INSUFFICIENT_SOURCE',
    });
    await rec('in_custody_confirmed', '2024-06-01', {
      sourceType: 'icrc_notification',
      verification: 'icrc_confirmed',
    });
    const after = await db.transaction((tx) => getPerson(ctx, tx, p.id));
    expect(after.status.fate).toBe('in_custody_confirmed');
    const events = await db.transaction((tx) => listStatusEvents(ctx, tx, p.id));
    expect(events.map((e) => e.value)).toEqual(['in_custody_confirmed', 'missing']);
  });

  it('refuses a stale edit with CONFLICT and records changed field names only', async () => {
    const ctx = testContext(['coordinator']);
    const p = await db.transaction((tx) => registerPerson(ctx, tx, { ...kovalenko, externalRefs: [] }));
    const edited = await db.transaction((tx) =>
      updatePerson(ctx, tx, p.id, { ...kovalenko, externalRefs: [], birthPlace: 'Маріуполь' }, p.version),
    );
    expect(edited.version).toBe(p.version + 1);
    await expect(
      db.transaction((tx) => updatePerson(ctx, tx, p.id, { ...kovalenko, externalRefs: [] }, p.version)),
    ).rejects.toMatchObject({ code: 'CONFLICT' });
    const trail = await db.transaction((tx) => personAuditTrail(ctx, tx, p.id));
    const upd = trail.find((a) => a.action === 'person.updated');
    expect(upd?.detail).toEqual({ fields: ['birthPlace'] });
    expect(JSON.stringify(trail)).not.toContain('Маріуполь');
  });

  it('search follows edits of names and birth date, with and without category filters', async () => {
    const ctx = testContext(['coordinator']);
    const p = await db.transaction((tx) => registerPerson(ctx, tx, { ...kovalenko, externalRefs: [] }));
    await db.transaction((tx) =>
      updatePerson(
        ctx,
        tx,
        p.id,
        {
          ...kovalenko,
          externalRefs: [],
          names: [{ script: 'Cyrl', lang: 'uk', family: 'Ткачук', given: 'Олександр' }],
          birth: { date: '1990-01-01', precision: 'year' },
        },
        p.version,
      ),
    );
    const find = (q: string, extra: object = {}) =>
      db.transaction((tx) =>
        searchPersons(ctx, tx, { q, limit: 10, offset: 0, ...extra }).then((r) => r.items.map((i) => i.id)),
      );
    expect(await find('Kovalenko')).toEqual([]);
    expect(await find('Tkachuk Oleksandr')).toEqual([p.id]);
    expect(await find('Tkachuk', { birthYear: 1990 })).toEqual([p.id]);
    expect(await find('Tkachuk', { birthYear: 1994 })).toEqual([]);
    expect(await find('Tkachuk', { category: 'servicemember' })).toEqual([p.id]);
    expect(await find('Tkachuk', { category: 'child' })).toEqual([]);
  });
});
