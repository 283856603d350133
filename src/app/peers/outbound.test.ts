import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRng } from '../../demo/rng.ts';
import { generateDemoRestricted, generatePerson } from '../../demo/synthetic.ts';
import { isDomainError } from '../../domain/errors.ts';
import { draftList } from '../../domain/exchange/list.ts';
import { A, categoryAgreement, handedOver, sign } from '../../domain/exchange/testing.ts';
import { readCounterpartListFile } from '../../io/counterpart-list-file.ts';
import { type JsonValue, toJsonValue } from '../../ledger/jcs.ts';
import { receivedListRows } from './list-packages.ts';
import { checkOutbound, strayPaths } from './outbound.ts';
import { outboundPerson, ReceivedPersonSchema, type RecipientRole } from './outbound-person.ts';
import { WHITELISTED_PACKAGE_TYPES } from './package-types.ts';

const codeOf = (f: () => void): string | undefined => {
  try {
    f();
  } catch (e) {
    if (isDomainError(e)) return e.code;
    throw e;
  }
  return undefined;
};

function refusal(f: () => void) {
  try {
    f();
  } catch (e) {
    if (isDomainError(e)) return e;
    throw e;
  }
  throw new Error('not refused');
}

/** A synthetic registry person with every restricted field filled with a marker that must never leave. */
function personWithSecrets(seed: number) {
  const rng = createRng(seed);
  const p = generatePerson(rng, seed + 1).input;
  const r = generateDemoRestricted(rng);
  const marker = `SECRET-${seed}`;
  return {
    marker,
    person: {
      ...p,
      externalRefs: [
        { system: 'icrc', value: `ICRC-${seed}` },
        { system: 'national-register', value: `${marker}-register` },
      ],
      contacts: r.contacts.map((c) => ({ ...c, phone: `${c.phone} ${marker}` })),
      health: [{ flag: 'seriously wounded', determination: `${marker} physician` }],
      marks: `${r.marks} ${marker}`,
      photos: [{ sha256: 'ab'.repeat(32), caption: marker }],
      personToInform: `${marker} contact`,
      debrief: `${marker} debrief`,
    },
  };
}

const agreement = categoryAgreement();
const listPayload = (persons: Record<string, unknown>) => {
  const list = draftList(
    {
      listId: 'l-1',
      agreementId: agreement.id,
      kind: 'request',
      owner: A,
      version: 1,
      parentHash: null,
      createdAt: '2025-06-01T10:00:00.000Z',
      entries: Object.keys(persons).map((id, i) => ({
        id: `n-${i}`,
        subject: { kind: 'registry' as const, personId: id },
        category: agreement.categories[0]!.id,
      })),
    },
    agreement,
  );
  return toJsonValue({ exchangeId: 'x-1', list, persons });
};

describe('the outbound whitelist (invariant 8)', () => {
  it('lets a registry person leave only as the fields of its recipient, never a restricted one (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.constantFrom<RecipientRole>('party', 'mediator'),
        (seed, role) => {
          const { marker, person } = personWithSecrets(seed);
          const out = outboundPerson(person, role);
          const text = JSON.stringify(out);
          expect(text).not.toContain(marker);
          expect(text).not.toMatch(/\+380|example\.org|physician|debrief/);
          expect(Object.keys(out).sort()).toEqual(
            role === 'mediator'
              ? ['birth', 'birthPlace', 'category', 'citizenships', 'icrcRefs', 'military', 'names', 'sex']
              : ['birth', 'category', 'military', 'names', 'sex'],
          );
          if (role === 'mediator') expect(out).toMatchObject({ icrcRefs: [`ICRC-${seed}`] });
          // What the projection makes is exactly whitelisted, for that recipient.
          expect(codeOf(() => checkOutbound('list.version', listPayload({ p1: out }), role))).toBeUndefined();
        },
      ),
      { numRuns: 200 },
    );
  });

  it('refuses a whole person record, or a mediator projection sent to a counterpart, naming the fields', () => {
    const { person } = personWithSecrets(7);
    const whole = refusal(() => checkOutbound('list.version', listPayload({ p1: person }), 'mediator'));
    expect(whole.code).toBe('NOT_WHITELISTED');
    expect(whole.details?.paths).toEqual(
      expect.arrayContaining([
        'persons.p1.contacts',
        'persons.p1.health',
        'persons.p1.marks',
        'persons.p1.photos',
        'persons.p1.personToInform',
        'persons.p1.debrief',
        'persons.p1.externalRefs',
      ]),
    );
    expect(JSON.stringify(whole.details) + whole.message).not.toContain('SECRET');
    const forMediator = outboundPerson(person, 'mediator');
    const leak = refusal(() => checkOutbound('list.version', listPayload({ p1: forMediator }), 'party'));
    expect(leak.details?.paths).toEqual([
      'persons.p1.birthPlace',
      'persons.p1.citizenships',
      'persons.p1.icrcRefs',
    ]);
  });

  it('refuses a field added anywhere in an exchange event, naming its path and never its value (property)', () => {
    const events = [
      { kind: 'handover.recorded', record: handedOver('s1', 'e-1', '2025-06-01T08:00:00.000Z') },
      { kind: 'manifest.signed', stageId: 's1', version: 1, signature: sign(A, 'party', 'cd'.repeat(32)) },
    ];
    const base = toJsonValue({ exchangeId: 'x-1', events });
    expect(codeOf(() => checkOutbound('exchange.events', base, 'party'))).toBeUndefined();
    const objectPaths: string[][] = [];
    const walk = (v: unknown, path: string[]) => {
      if (Array.isArray(v)) for (const [i, x] of v.entries()) walk(x, [...path, String(i)]);
      else if (v && typeof v === 'object') {
        objectPaths.push(path);
        for (const [k, x] of Object.entries(v)) walk(x, [...path, k]);
      }
    };
    walk(base, []);
    fc.assert(
      fc.property(
        fc.constantFrom(...objectPaths),
        fc.constantFrom('note', 'healthNote', 'phone', 'debrief', 'familyContact'),
        fc.string({ minLength: 1, maxLength: 20 }),
        (path, field, value) => {
          const payload = structuredClone(base) as Record<string, unknown>;
          let at: Record<string, unknown> = payload;
          for (const k of path) at = at[k] as Record<string, unknown>;
          at[field] = `LEAK${value}`;
          const e = refusal(() => checkOutbound('exchange.events', payload as JsonValue, 'party'));
          expect(e.code).toBe('NOT_WHITELISTED');
          const expected = [...path, field]
            .map((k) => (/^\d+$/.test(k) ? `[${k}]` : `.${k}`))
            .join('')
            .replace(/^\./, '');
          expect(e.details?.paths).toEqual([expected]);
          expect(JSON.stringify(e.details) + e.message).not.toContain('LEAK');
        },
      ),
      { numRuns: 300 },
    );
  });

  it('sends no type without a whitelist, and no malformed payload', () => {
    expect(WHITELISTED_PACKAGE_TYPES).toContain('exchange.events');
    const unknown = refusal(() => checkOutbound('person.record', { id: 1 }, 'mediator'));
    expect(unknown.code).toBe('NOT_WHITELISTED');
    expect(unknown.message).toMatch(/no outbound whitelist for package type person\.record/);
    expect(codeOf(() => checkOutbound('exchange.events', { exchangeId: 'x-1', events: [] }, 'party'))).toBe(
      'VALIDATION_FAILED',
    );
  });

  it('strayPaths finds only members the parse dropped', () => {
    expect(
      strayPaths({ a: 1, b: { c: 2, d: 3 }, e: [{ f: 1, g: 2 }] }, { a: 1, b: { c: 2 }, e: [{ f: 1 }] }),
    ).toEqual(['b.d', 'e[0].g']);
    expect(strayPaths({ a: undefined }, {})).toEqual([]);
  });
});

describe('a person received beside a list', () => {
  const person = (birth: unknown) => ({
    names: [{ script: 'Cyrl', lang: 'uk', family: 'Синтетичний', given: 'Тест', patronymic: null }],
    sex: 'male',
    birth,
  });

  it('keeps an impossible birth date as sent; the import flags it and reads its year and month', async () => {
    const received = ReceivedPersonSchema.parse(person({ date: '1938-11-31', precision: 'day' }));
    const list = draftList(
      {
        listId: 'x:our_request',
        agreementId: 'agr-june',
        kind: 'request',
        owner: A,
        version: 1,
        parentHash: null,
        createdAt: '2025-05-17T09:00:00.000Z',
        entries: [{ id: 'req-0', subject: { kind: 'registry', personId: 'p-1' }, category: 'young' }],
      },
      categoryAgreement(),
    );
    const csv = receivedListRows({ list, persons: { 'p-1': received } });
    const read = await readCounterpartListFile(Buffer.from(csv), 'list.csv', categoryAgreement());
    expect(
      read.ok && read.rows.map((r) => [r.fields.birth_date, r.snapshot.birth, r.impossibleDate]),
    ).toEqual([['1938-11-31', { date: '1938-11-01', precision: 'month' }, true]]);
    // The strict whitelist of what leaves this node still refuses it: our registry has no such date.
    const birth = { date: '1938-11-31', precision: 'day' };
    expect(() => outboundPerson({ ...person(birth), birth }, 'party')).toThrow();
  });

  it('refuses a birth that is not a date in form', () => {
    for (const birth of [
      { date: '1938-11', precision: 'month' },
      { date: 1938, precision: 'year' },
      '1938-11-30',
    ])
      expect(ReceivedPersonSchema.safeParse(person(birth)).success).toBe(false);
  });
});
