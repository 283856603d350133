import { describe, expect, it } from 'vitest';
import { PersonInputSchema, RestrictedFields } from '../domain/person.ts';
import {
  admitStatusEvent,
  replay,
  StatusDimensions,
  type StatusEventFacts,
  statusValues,
} from '../domain/status.ts';
import { nameKey } from '../matching/keys.ts';
import { transliterate } from '../matching/transliterate.ts';
import {
  FEMALE_GIVEN,
  MALE_GIVEN,
  RUSSIAN_SURNAMES,
  russianFemaleSurname,
  UKRAINIAN_SURNAMES,
  ukrainianFemaleSurname,
} from './names.ts';
import { createRng } from './rng.ts';
import {
  generateDemoRestricted,
  generatePerson,
  generatePersons,
  HISTORY_END,
  HISTORY_START,
  type SyntheticPerson,
} from './synthetic.ts';

const take = (seed: number, count: number) => [...generatePersons(seed, count)];
const SAMPLE = take(20260524, 20_000);

function facts(person: SyntheticPerson): StatusEventFacts[] {
  return person.statusHistory.map((e, k) => ({
    ...e,
    id: `${person.externalRef}/${k}`,
    recordedAt: e.occurredAt,
  }));
}

describe('generatePersons', () => {
  it('is deterministic: the same seed gives the same persons, another seed others', () => {
    expect(take(42, 300)).toEqual(take(42, 300));
    expect(take(43, 300)).not.toEqual(take(42, 300));
    expect(generatePerson(createRng(42), 1)).toEqual(take(42, 1)[0]);
  });

  it('is lazy, so a million persons never sit in memory at once', () => {
    const it = generatePersons(1, Number.MAX_SAFE_INTEGER)[Symbol.iterator]();
    expect(it.next().value?.externalRef).toBe('DEMO-000001');
    expect(it.next().value?.externalRef).toBe('DEMO-000002');
  });

  it('numbers persons DEMO-000001, DEMO-000002, …', () => {
    expect(SAMPLE.slice(0, 2).map((p) => p.externalRef)).toEqual(['DEMO-000001', 'DEMO-000002']);
    expect(new Set(SAMPLE.map((p) => p.externalRef)).size).toBe(SAMPLE.length);
  });
});

describe('synthetic persons', () => {
  it('are valid person inputs without restricted fields', () => {
    for (const p of SAMPLE.slice(0, 2_000)) {
      expect(() => PersonInputSchema.parse(p.input)).not.toThrow();
      for (const field of RestrictedFields) expect(p.input[field]).toBeUndefined();
    }
  });

  it('have military details exactly when they are servicemembers', () => {
    for (const { input } of SAMPLE) {
      expect(input.military != null).toBe(input.category === 'servicemember');
      if (input.military) {
        expect(input.military.unit).toMatch(/^в\/ч А\d{4}$/);
        expect(input.military.serviceNumber).toMatch(/^[А-Я]{2}\d{6}$/);
      }
    }
  });

  it('have a mix close to the registry: mostly servicemembers, mostly a Latin form, some Russian forms', () => {
    const share = (f: (p: SyntheticPerson) => boolean) => SAMPLE.filter(f).length / SAMPLE.length;
    expect(share((p) => p.input.category === 'servicemember')).toBeCloseTo(0.75, 1);
    expect(share((p) => p.input.names.some((n) => n.script === 'Latn'))).toBeCloseTo(0.9, 1);
    expect(share((p) => p.input.names.some((n) => n.lang === 'ru'))).toBeCloseTo(0.15, 1);
    expect(share((p) => p.input.birth?.precision === 'year')).toBeCloseTo(0.1, 1);
    const years = SAMPLE.map((p) => Number(p.input.birth!.date.slice(0, 4)));
    expect(years.filter((y) => y >= 1960 && y <= 2006).length / years.length).toBeGreaterThan(0.9);
  });
});

describe('synthetic names', () => {
  const maleGiven = new Set(MALE_GIVEN.map(([uk]) => uk));
  const femaleGiven = new Set(FEMALE_GIVEN.map(([uk]) => uk));
  const maleRuGiven = new Set(MALE_GIVEN.map(([, ru]) => ru));
  const femaleRuGiven = new Set(FEMALE_GIVEN.map(([, ru]) => ru));
  const ukMale = UKRAINIAN_SURNAMES.map((e) => e.split('|')[0]!).concat(
    RUSSIAN_SURNAMES.map((e) => e.split('|')[1]!),
  );
  const ukMaleSet = new Set(ukMale);
  const ukFemaleSet = new Set(ukMale.map(ukrainianFemaleSurname));

  it('agree with the sex: given name, patronymic and surname form', () => {
    for (const { input } of SAMPLE) {
      const uk = input.names.find((n) => n.lang === 'uk')!;
      const ru = input.names.find((n) => n.lang === 'ru');
      if (input.sex === 'male') {
        expect(maleGiven.has(uk.given!)).toBe(true);
        expect(uk.patronymic).toMatch(/(ович|іч)$/);
        expect(ukMaleSet.has(uk.family)).toBe(true);
        if (ru) expect(maleRuGiven.has(ru.given!)).toBe(true);
        if (ru) expect(ru.patronymic).toMatch(/(вич|ич)$/);
      } else {
        expect(input.sex).toBe('female');
        expect(femaleGiven.has(uk.given!)).toBe(true);
        expect(uk.patronymic).toMatch(/(івна|ївна)$/);
        expect(ukFemaleSet.has(uk.family)).toBe(true);
        expect(uk.family).not.toMatch(/(ський|цький|ий|ов|ев|єв|ін|ин|їн)$/);
        if (ru) expect(femaleRuGiven.has(ru.given!)).toBe(true);
        if (ru) expect(ru.patronymic).toMatch(/(вна|ична)$/);
        if (ru) expect(ru.family).not.toMatch(/(ский|цкий|ый|ой|ов|ев|ёв|ин|ын)$/);
      }
    }
  });

  it('carry a Latin form that is the national transliteration of the Cyrillic one', () => {
    for (const { input } of SAMPLE.slice(0, 2_000)) {
      const uk = input.names.find((n) => n.lang === 'uk')!;
      const latin = input.names.find((n) => n.script === 'Latn');
      expect(uk).toMatchObject({ script: 'Cyrl', source: 'registry' });
      if (!latin) continue;
      expect(latin).toMatchObject({ lang: 'en', scheme: 'uk-2010', source: 'registry' });
      expect(latin.family).toBe(transliterate(uk.family, 'uk-2010'));
      expect(latin.given).toBe(transliterate(uk.given!, 'uk-2010'));
      expect(latin.patronymic).toBe(transliterate(uk.patronymic!, 'uk-2010'));
    }
  });

  it('never use the surnames of well-known real people, in any script or form', () => {
    // A guard, not a complete list: heads of state, commanders and publicly known prisoners of war.
    // biome-ignore format: a list of words
    const blocked = [
      'Зеленський', 'Порошенко', 'Янукович', 'Ющенко', 'Кучма', 'Кравчук', 'Тимошенко', 'Залужний',
      'Сирський', 'Буданов', 'Кличко', 'Шмигаль', 'Кулеба', 'Єрмак', 'Умєров', 'Резніков', 'Подоляк',
      'Лубінець', 'Прокопенко', 'Паламар', 'Волинський', 'Савченко', 'Сенцов', 'Шевченко', 'Медведчук',
      'Путін', 'Путин', 'Медведев', 'Шойгу', 'Лавров', 'Песков', 'Мединский', 'Герасимов', 'Белоусов',
      'Москалькова', 'Навальный', 'Романов', 'Павлов',
    ];
    const keys = new Set(
      blocked.flatMap((s) => [s, ukrainianFemaleSurname(s), russianFemaleSurname(s)].map(nameKey)),
    );
    const pools = [...UKRAINIAN_SURNAMES, ...RUSSIAN_SURNAMES].flatMap((e) => e.split('|'));
    for (const surname of pools) expect(keys.has(nameKey(surname)), surname).toBe(false);
    for (const p of SAMPLE)
      for (const n of p.input.names) expect(keys.has(nameKey(n.family)), n.family).toBe(false);
  });
});

describe('synthetic status histories', () => {
  it('are admitted event by event by the status rules (20,000 persons)', () => {
    const rejected: string[] = [];
    for (const person of SAMPLE) {
      const history: StatusEventFacts[] = [];
      try {
        for (const event of facts(person)) {
          admitStatusEvent(history, event);
          history.push(event);
        }
        for (const d of StatusDimensions)
          if (!replay(history, d).ok) rejected.push(`${person.externalRef} ${d}`);
      } catch (e) {
        rejected.push(`${person.externalRef}: ${(e as Error).message}`);
      }
    }
    expect(rejected).toEqual([]);
  });

  it('happen in order, on distinct UTC instants between the invasion and the horizon', () => {
    const wrong: string[] = [];
    for (const { externalRef, statusHistory } of SAMPLE) {
      if (statusHistory.length === 0) wrong.push(`${externalRef}: empty`);
      let previous = HISTORY_START - 1;
      for (const e of statusHistory) {
        const t = Date.parse(e.occurredAt);
        if (new Date(t).toISOString() !== e.occurredAt) wrong.push(`${externalRef}: ${e.occurredAt} not ISO`);
        if (t <= previous) wrong.push(`${externalRef}: ${e.occurredAt} out of order`);
        previous = t;
      }
      if (previous > HISTORY_END) wrong.push(`${externalRef}: ends after the horizon`);
    }
    expect(wrong).toEqual([]);
  });

  it('release in exchange only those handed over, and register only the missing', () => {
    for (const { statusHistory } of SAMPLE) {
      const values = statusHistory.map((e) => e.value);
      const released = values.indexOf('released_in_exchange');
      const handedOver = values.indexOf('handed_over');
      expect(released >= 0).toBe(handedOver >= 0);
      if (released >= 0) expect(handedOver).toBeLessThan(released);
      const registered = values.indexOf('registered_missing');
      if (registered >= 0) expect(values.indexOf('missing')).toBeLessThan(registered);
    }
  });

  // Rare side branches the generator does not produce.
  const NOT_GENERATED = new Set([
    'interned_neutral_country',
    'declined_repatriation',
    'recaptured',
    'substituted',
    'refused',
    'wrong_person',
  ]);

  it('cover the paths a demo needs to show', () => {
    const seen = new Set(SAMPLE.flatMap((p) => p.statusHistory.map((e) => `${e.dimension}:${e.value}`)));
    for (const d of StatusDimensions)
      for (const value of statusValues[d]) {
        if (NOT_GENERATED.has(value)) continue;
        expect(seen.has(`${d}:${value}`), `${d}:${value}`).toBe(true);
      }
  });
});

describe('generateDemoRestricted', () => {
  it('produces only obviously fictional restricted data', () => {
    const rng = createRng(5);
    for (let i = 0; i < 500; i++) {
      const r = generateDemoRestricted(rng);
      expect(r.contacts.length).toBeGreaterThan(0);
      for (const c of r.contacts) {
        expect(c.phone).toMatch(/^\+380 00 000 \d{4}$/);
        expect(c.email).toMatch(/@example\.org$/);
        expect(c.name).toMatch(/\(демо\)$/);
      }
      for (const h of r.health) expect(h.determination).toBe('synthetic demo record');
      expect(r.marks.length).toBeGreaterThan(0);
      expect(() =>
        PersonInputSchema.parse({ names: [{ script: 'Cyrl', lang: 'uk', family: 'Х' }], ...r }),
      ).not.toThrow();
    }
  });
});
