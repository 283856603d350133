/**
 * A deterministic generator of SYNTHETIC persons for demos, tests and benchmarks. Never real people:
 * common given names and surnames are combined at random (see names.ts). The same seed gives the same
 * persons on every machine; status histories are valid against the tables in domain/status.ts.
 */
import type { PersonCategory, PersonInput, PersonName } from '../domain/person.ts';
import type { SourceType, StatusDimension, VerificationLevel } from '../domain/status.ts';
import { transliterate } from '../matching/transliterate.ts';
import {
  FEMALE_GIVEN,
  type GivenPair,
  MALE_GIVEN,
  RUSSIAN_SURNAMES,
  russianFemaleSurname,
  russianPatronymic,
  type Sex,
  UKRAINIAN_SURNAMES,
  ukrainianFemaleSurname,
  ukrainianPatronymic,
  ukrainianToRussianSurname,
} from './names.ts';
import { chance, createRng, digits, pick, type Rng, randomBetween, randomInt, weighted } from './rng.ts';

export interface SyntheticStatusEvent {
  dimension: StatusDimension;
  value: string;
  /** When it happened (UTC ISO instant). */
  occurredAt: string;
  sourceType: SourceType;
  verification: VerificationLevel;
}

export interface SyntheticPerson {
  /** A stable reference for idempotent seeding, `DEMO-000001`; not part of `input`. */
  externalRef: string;
  input: PersonInput;
  /** In the order the events happened; strictly ascending `occurredAt`. */
  statusHistory: SyntheticStatusEvent[];
}

/** Restricted fields, only ever generated on request, and obviously fictional. */
export interface DemoRestricted {
  contacts: NonNullable<PersonInput['contacts']>;
  health: NonNullable<PersonInput['health']>;
  marks: string;
}

/** Histories fall between the full-scale invasion and this horizon. */
export const HISTORY_START = Date.UTC(2022, 1, 24);
export const HISTORY_END = Date.UTC(2026, 10, 1);

// ---------------------------------------------------------------------------------------------
// Name forms, computed once so that a person costs a few picks, not a transliteration.

type BySex = readonly [male: string, female: string];
const SEXES = ['male', 'female'] as const;

interface SurnameForms {
  uk: BySex;
  ru: BySex;
  latin: BySex;
}
interface GivenForms {
  uk: string;
  ru: string;
  latin: string;
}
interface FatherForms {
  uk: BySex;
  ru: BySex;
  latin: BySex;
}

const latin = (cyrillic: string) => transliterate(cyrillic, 'uk-2010');
const both = (f: (sex: Sex) => string): BySex => [f('male'), f('female')];

function surnameForms(uk: string, ru: string): SurnameForms {
  const ukForms = both((sex) => (sex === 'male' ? uk : ukrainianFemaleSurname(uk)));
  return {
    uk: ukForms,
    ru: both((sex) => (sex === 'male' ? ru : russianFemaleSurname(ru))),
    latin: [latin(ukForms[0]), latin(ukForms[1])],
  };
}

const SURNAMES_UK: readonly SurnameForms[] = UKRAINIAN_SURNAMES.map((entry) => {
  const [uk = '', ru] = entry.split('|');
  return surnameForms(uk, ru ?? ukrainianToRussianSurname(uk));
});
const SURNAMES_RU: readonly SurnameForms[] = RUSSIAN_SURNAMES.map((entry) => {
  const [ru = '', uk = ''] = entry.split('|');
  return surnameForms(uk, ru);
});

const givenForms = ([uk, ru]: GivenPair): GivenForms => ({ uk, ru, latin: latin(uk) });
const GIVEN: Record<Sex, readonly GivenForms[]> = {
  male: MALE_GIVEN.map(givenForms),
  female: FEMALE_GIVEN.map(givenForms),
};
const FATHERS: readonly FatherForms[] = MALE_GIVEN.map(([uk, ru]) => {
  const ukForms = both((sex) => ukrainianPatronymic(uk, sex));
  return {
    uk: ukForms,
    ru: both((sex) => russianPatronymic(ru, sex)),
    latin: [latin(ukForms[0]), latin(ukForms[1])],
  };
});

// ---------------------------------------------------------------------------------------------
// Other attributes

// biome-ignore format: a table of places
const BIRTH_PLACES = [
  'Маріуполь', 'Харків', 'Запоріжжя', 'Київ', 'Дніпро', 'Одеса', 'Миколаїв', 'Херсон', 'Львів',
  'Полтава', 'Чернігів', 'Суми', 'Житомир', 'Вінниця', 'Черкаси', 'Кропивницький', 'Кривий Ріг',
  'Краматорськ', "Слов'янськ", 'Бахмут', 'Мелітополь', 'Бердянськ', 'Ізюм', "Куп'янськ", 'Нікополь',
  'Ніжин', 'Рівне', 'Луцьк', 'Тернопіль', 'Хмельницький', 'Івано-Франківськ', 'Ужгород', 'Чернівці',
  'Біла Церква', 'Умань', 'Кременчук', 'Павлоград', 'Енергодар', 'Донецька обл.', 'Луганська обл.',
  'Херсонська обл.', 'Запорізька обл.', 'Харківська обл.', 'Сумська обл.', 'Чернігівська обл.',
  'Київська обл.', 'Дніпропетровська обл.', 'Миколаївська обл.', 'Полтавська обл.', 'Вінницька обл.',
];

const BRANCHES = [
  ['Сухопутні війська', 40],
  ['Десантно-штурмові війська', 10],
  ['Морська піхота', 8],
  ['ВМС', 4],
  ['Повітряні сили', 3],
  ['Сили територіальної оборони', 14],
  ['Нацгвардія', 12],
  ['ДПСУ', 6],
  ['Сили спеціальних операцій', 3],
] as const;

const ARMY_RANKS = [
  ['солдат', 30],
  ['старший солдат', 18],
  ['молодший сержант', 12],
  ['сержант', 10],
  ['старший сержант', 7],
  ['головний сержант', 4],
  ['штаб-сержант', 3],
  ['молодший лейтенант', 3],
  ['лейтенант', 4],
  ['старший лейтенант', 4],
  ['капітан', 3],
  ['майор', 1.5],
  ['підполковник', 0.5],
] as const;

const NAVY_RANKS = [
  ['матрос', 30],
  ['старший матрос', 18],
  ['старшина 2 статті', 12],
  ['старшина 1 статті', 8],
  ['головний старшина', 5],
  ['лейтенант', 4],
  ['старший лейтенант', 4],
  ['капітан-лейтенант', 2],
] as const;

const SERVICE_NUMBER_SERIES = ['АА', 'АБ', 'АВ', 'АЕ', 'ВА', 'ВК'];

const CATEGORIES: readonly (readonly [PersonCategory, number])[] = [
  ['servicemember', 75],
  ['civilian_internee', 10],
  ['detained_civilian', 13],
  ['child', 1],
  ['foreign_national', 1],
];

const FOREIGN_CITIZENSHIPS = ['BY', 'MD', 'PL', 'GE', 'LT'];

const MALE_SHARE: Record<PersonCategory, number> = {
  servicemember: 0.93,
  civilian_internee: 0.6,
  detained_civilian: 0.55,
  child: 0.5,
  foreign_national: 0.9,
};

// ---------------------------------------------------------------------------------------------
// Status histories

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

type Source = readonly [SourceType, VerificationLevel];
const UNIT_NOTICE: Source = ['official_document', 'documentary'];
const FAMILY_CLAIM: Source = ['family_report', 'claim'];
const FAMILY_TESTIMONY: Source = ['family_report', 'testimony'];
const COUNTERPART: Source = ['counterpart_list', 'counterpart_stated'];
const HANDOVER: Source = ['handover_record', 'documentary'];
const FORENSIC: Source = ['forensic_report', 'documentary'];
const CAPTURE_SOURCES: readonly Source[] = [
  ['video', 'open_source'],
  ['open_source', 'open_source'],
  ['testimony', 'testimony'],
  ['returnee_debrief', 'testimony'],
];
// in_custody_confirmed needs counterpart_stated, icrc_confirmed or documentary (status.ts).
const CUSTODY_SOURCES: readonly (readonly [Source, number])[] = [
  [['icrc_notification', 'icrc_confirmed'], 5],
  [COUNTERPART, 3],
  [UNIT_NOTICE, 2],
];

type FatePath =
  | 'missing'
  | 'capture_reported'
  | 'in_custody'
  | 'held_pending'
  | 'exchanged'
  | 'released_other'
  | 'deceased'
  | 'deceased_in_custody'
  | 'located_alive';

const FATE_PATHS: readonly (readonly [FatePath, number])[] = [
  ['missing', 22],
  ['capture_reported', 8],
  ['in_custody', 20],
  ['held_pending', 4],
  ['exchanged', 26],
  ['released_other', 3],
  ['deceased', 9],
  ['deceased_in_custody', 2],
  ['located_alive', 6],
];

// Date#toISOString dominated generation time; every instant here is a whole minute, so cache the parts.
const FIRST_DAY = Math.floor(HISTORY_START / DAY);
const DAY_STRINGS: readonly string[] = Array.from(
  { length: Math.ceil((HISTORY_END - HISTORY_START) / DAY) + 1 },
  (_, d) => new Date((FIRST_DAY + d) * DAY).toISOString().slice(0, 10),
);
const TIME_STRINGS: readonly string[] = Array.from(
  { length: 24 * 60 },
  (_, m) => `T${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}:00.000Z`,
);

/** `new Date(ms).toISOString()` for an instant on a whole minute. */
function isoMinute(ms: number): string {
  const minutes = Math.floor(ms / MINUTE);
  const day = Math.floor(minutes / (24 * 60));
  const date = DAY_STRINGS[day - FIRST_DAY] ?? new Date(day * DAY).toISOString().slice(0, 10);
  return date + TIME_STRINGS[minutes - day * 24 * 60]!;
}

/** Collects events with relative times; `place` fits them into the history window. */
class Timeline {
  readonly events: Omit<SyntheticStatusEvent, 'occurredAt'>[] = [];
  readonly offsets: number[] = [];
  private t = 0;
  private readonly rng: Rng;
  /** Whether the person was entered in the register of missing persons. */
  registered = false;

  constructor(rng: Rng) {
    this.rng = rng;
  }

  /** Add an event `minGap`–`maxGap` ms after the previous one (whole minutes, at least one). */
  add(
    dimension: StatusDimension,
    value: string,
    [sourceType, verification]: Source,
    minGap: number,
    maxGap: number,
  ) {
    if (this.events.length > 0) {
      const gap = minGap + this.rng() * (maxGap - minGap);
      this.t += Math.max(1, Math.round(gap / MINUTE)) * MINUTE;
    }
    this.offsets.push(this.t);
    this.events.push({ dimension, value, sourceType, verification });
  }

  /** Place the history at a random start so that it ends before HISTORY_END, compressing if needed. */
  place(): SyntheticStatusEvent[] {
    const window = (HISTORY_END - HISTORY_START) * 0.98;
    const scale = this.t > window ? window / this.t : 1;
    const start = HISTORY_START + Math.floor((this.rng() * (window - this.t * scale)) / MINUTE) * MINUTE;
    const out: SyntheticStatusEvent[] = new Array(this.events.length);
    let previous = -1;
    for (let k = 0; k < this.events.length; k++) {
      let at = start + Math.floor((this.offsets[k]! * scale) / MINUTE) * MINUTE;
      if (at <= previous) at = previous + MINUTE;
      previous = at;
      const e = this.events[k]!;
      out[k] = {
        dimension: e.dimension,
        value: e.value,
        occurredAt: isoMinute(at),
        sourceType: e.sourceType,
        verification: e.verification,
      };
    }
    return out;
  }
}

function beginMissing(tl: Timeline, rng: Rng, servicemember: boolean) {
  tl.add('fate', 'missing', servicemember ? UNIT_NOTICE : FAMILY_CLAIM, 0, 0);
  if (chance(rng, 0.45)) {
    tl.add('legal', 'registered_missing', UNIT_NOTICE, 7 * DAY, 120 * DAY);
    tl.registered = true;
  }
}

/** missing? → capture_reported? → in_custody_confirmed; a quarter begin with the capture report. */
function beginCustody(tl: Timeline, rng: Rng, servicemember: boolean) {
  if (chance(rng, 0.75)) beginMissing(tl, rng, servicemember);
  if (tl.events.length === 0 || chance(rng, 0.7))
    tl.add('fate', 'capture_reported', pick(rng, CAPTURE_SOURCES), 1 * DAY, 90 * DAY);
  tl.add('fate', 'in_custody_confirmed', weighted(rng, CUSTODY_SOURCES), 7 * DAY, 300 * DAY);
}

/** A nomination that fails and sends the person back to "not nominated". */
function failedNomination(tl: Timeline, rng: Rng) {
  tl.add('exchange', 'nominated', UNIT_NOTICE, 30 * DAY, 300 * DAY);
  if (chance(rng, 0.6)) {
    tl.add('exchange', 'rejected', COUNTERPART, 7 * DAY, 60 * DAY);
  } else {
    tl.add('exchange', 'accepted', COUNTERPART, 7 * DAY, 60 * DAY);
    tl.add('exchange', 'assigned_to_stage', UNIT_NOTICE, 1 * DAY, 20 * DAY);
    if (chance(rng, 0.3)) tl.add('exchange', 'withdrawn', UNIT_NOTICE, 1 * DAY, 10 * DAY);
    else tl.add('exchange', chance(rng, 0.6) ? 'not_presented' : 'unfit', HANDOVER, 1 * DAY, 10 * DAY);
  }
  if (chance(rng, 0.5)) tl.add('exchange', 'not_nominated', UNIT_NOTICE, 1 * DAY, 30 * DAY);
}

function returnHome(tl: Timeline, rng: Rng, fromMinutes: number, toMinutes: number) {
  tl.add('fate', 'returned_in_care', UNIT_NOTICE, fromMinutes * MINUTE, toMinutes * MINUTE);
  if (chance(rng, 0.55)) tl.add('fate', 'reunited', FAMILY_TESTIMONY, 1 * DAY, 30 * DAY);
  if (tl.registered && chance(rng, 0.7))
    tl.add('legal', 'removed_from_register', UNIT_NOTICE, 10 * DAY, 90 * DAY);
}

function deathAndRemains(tl: Timeline, rng: Rng, source: Source) {
  tl.add('fate', 'deceased', source, 10 * DAY, 400 * DAY);
  if (!chance(rng, 0.6)) return;
  tl.add('fate', 'remains_repatriated', UNIT_NOTICE, 30 * DAY, 400 * DAY);
  if (!chance(rng, 0.8)) return;
  tl.add('fate', 'identified', FORENSIC, 20 * DAY, 200 * DAY);
  if (tl.registered && chance(rng, 0.8))
    tl.add('legal', 'removed_from_register', UNIT_NOTICE, 5 * DAY, 60 * DAY);
  if (chance(rng, 0.9)) tl.add('fate', 'handed_to_family', UNIT_NOTICE, 3 * DAY, 30 * DAY);
}

function statusHistory(rng: Rng, servicemember: boolean): SyntheticStatusEvent[] {
  const tl = new Timeline(rng);
  switch (weighted(rng, FATE_PATHS)) {
    case 'missing':
      beginMissing(tl, rng, servicemember);
      break;
    case 'capture_reported':
      if (chance(rng, 0.7)) beginMissing(tl, rng, servicemember);
      tl.add('fate', 'capture_reported', pick(rng, CAPTURE_SOURCES), 1 * DAY, 90 * DAY);
      break;
    case 'in_custody':
      beginCustody(tl, rng, servicemember);
      if (chance(rng, 0.2)) failedNomination(tl, rng);
      if (chance(rng, 0.35)) {
        tl.add('exchange', 'nominated', UNIT_NOTICE, 30 * DAY, 300 * DAY);
        if (chance(rng, 0.5)) tl.add('exchange', 'accepted', COUNTERPART, 7 * DAY, 60 * DAY);
      }
      break;
    case 'held_pending':
      beginCustody(tl, rng, servicemember);
      tl.add(
        'fate',
        'held_pending_proceedings',
        chance(rng, 0.5) ? COUNTERPART : ['open_source', 'open_source'],
        30 * DAY,
        300 * DAY,
      );
      break;
    case 'exchanged':
      beginCustody(tl, rng, servicemember);
      if (chance(rng, 0.25)) failedNomination(tl, rng);
      tl.add('exchange', 'nominated', UNIT_NOTICE, 30 * DAY, 400 * DAY);
      tl.add('exchange', 'accepted', COUNTERPART, 5 * DAY, 60 * DAY);
      tl.add('exchange', 'assigned_to_stage', UNIT_NOTICE, 1 * DAY, 20 * DAY);
      tl.add('exchange', 'presented', HANDOVER, 2 * HOUR, 12 * HOUR);
      // handed_over needs a handover record (status.ts); the release is the same crossing.
      tl.add('exchange', 'handed_over', HANDOVER, 10 * MINUTE, 90 * MINUTE);
      tl.add('fate', 'released_in_exchange', HANDOVER, 1 * MINUTE, 30 * MINUTE);
      returnHome(tl, rng, 60, 12 * 60);
      break;
    case 'released_other':
      beginCustody(tl, rng, servicemember);
      tl.add(
        'fate',
        chance(rng, 0.5) ? 'released_outside_exchange' : 'released_unilaterally',
        UNIT_NOTICE,
        30 * DAY,
        400 * DAY,
      );
      returnHome(tl, rng, 2 * 60, 72 * 60);
      break;
    case 'deceased':
      beginMissing(tl, rng, servicemember);
      deathAndRemains(tl, rng, chance(rng, 0.6) ? UNIT_NOTICE : ['testimony', 'testimony']);
      break;
    case 'deceased_in_custody':
      beginCustody(tl, rng, servicemember);
      deathAndRemains(tl, rng, COUNTERPART);
      break;
    case 'located_alive':
      beginMissing(tl, rng, servicemember);
      tl.add('fate', 'located_alive', FAMILY_TESTIMONY, 2 * DAY, 60 * DAY);
      if (chance(rng, 0.7)) tl.add('fate', 'reunited', FAMILY_TESTIMONY, 1 * DAY, 30 * DAY);
      if (tl.registered && chance(rng, 0.7))
        tl.add('legal', 'removed_from_register', UNIT_NOTICE, 10 * DAY, 90 * DAY);
      break;
  }
  return tl.place();
}

// ---------------------------------------------------------------------------------------------
// Persons

function plainDate(year: number, month: number, day: number): string {
  return `${year}-${month < 10 ? '0' : ''}${month}-${day < 10 ? '0' : ''}${day}`;
}

function birth(rng: Rng, category: PersonCategory): NonNullable<PersonInput['birth']> {
  let year: number;
  if (category === 'child') year = randomBetween(rng, 2008, 2016);
  else if (category === 'servicemember') year = randomBetween(rng, 1962, 2004);
  else year = chance(rng, 0.1) ? randomBetween(rng, 1940, 1959) : randomBetween(rng, 1960, 2006);
  if (chance(rng, 0.1)) return { date: plainDate(year, 1, 1), precision: 'year' };
  const month = randomBetween(rng, 1, 12);
  const days = month === 2 ? (year % 4 === 0 ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31;
  return { date: plainDate(year, month, randomBetween(rng, 1, days)), precision: 'day' };
}

function names(rng: Rng, sex: Sex): PersonName[] {
  const s = sex === 'male' ? 0 : 1;
  const surname = chance(rng, 0.85) ? pick(rng, SURNAMES_UK) : pick(rng, SURNAMES_RU);
  const given = pick(rng, GIVEN[sex]);
  const father = pick(rng, FATHERS);
  const out: PersonName[] = [
    {
      script: 'Cyrl',
      lang: 'uk',
      family: surname.uk[s],
      given: given.uk,
      patronymic: father.uk[s],
      source: 'registry',
    },
  ];
  if (chance(rng, 0.9))
    out.push({
      script: 'Latn',
      lang: 'en',
      family: surname.latin[s],
      given: given.latin,
      patronymic: father.latin[s],
      scheme: 'uk-2010',
      source: 'registry',
    });
  if (chance(rng, 0.15))
    out.push({
      script: 'Cyrl',
      lang: 'ru',
      family: surname.ru[s],
      given: given.ru,
      patronymic: father.ru[s],
      source: 'counterpart list',
    });
  return out;
}

function military(rng: Rng): NonNullable<PersonInput['military']> {
  const branch = weighted(rng, BRANCHES);
  return {
    branch,
    unit: `в/ч А${digits(rng, 4)}`,
    rank: weighted(rng, branch === 'ВМС' ? NAVY_RANKS : ARMY_RANKS),
    serviceNumber: `${pick(rng, SERVICE_NUMBER_SERIES)}${digits(rng, 6)}`,
  };
}

export function externalRefOf(i: number): string {
  return `DEMO-${String(i).padStart(6, '0')}`;
}

/** One synthetic person; `i` is its 1-based sequence number (externalRef DEMO-00000i). */
export function generatePerson(rng: Rng, i: number): SyntheticPerson {
  const category = weighted(rng, CATEGORIES);
  const sex: Sex = chance(rng, MALE_SHARE[category]) ? 'male' : 'female';
  const servicemember = category === 'servicemember';
  const input: PersonInput = {
    names: names(rng, sex),
    sex,
    birth: birth(rng, category),
    birthPlace: chance(rng, 0.95) ? pick(rng, BIRTH_PLACES) : null,
    citizenships: category === 'foreign_national' ? [pick(rng, FOREIGN_CITIZENSHIPS)] : ['UA'],
    category,
  };
  if (servicemember) input.military = military(rng);
  return { externalRef: externalRefOf(i), input, statusHistory: statusHistory(rng, servicemember) };
}

/** `count` synthetic persons from one seed, produced lazily (DEMO-000001, DEMO-000002, …). */
export function* generatePersons(seed: number, count: number): Generator<SyntheticPerson, void, undefined> {
  const rng = createRng(seed);
  for (let i = 1; i <= count; i++) yield generatePerson(rng, i);
}

// ---------------------------------------------------------------------------------------------
// Restricted fields: only on request, and recognisably fictional.

const RELATIONS = ['мати', 'батько', 'дружина', 'чоловік', 'сестра', 'брат', 'син', 'донька'];
const HEALTH_FLAGS = [
  'seriously wounded',
  'chronic illness',
  'needs regular medication',
  'limb amputation',
  'concussion',
];
const MARKS = [
  'шрам на лівому передпліччі',
  'шрам над правою бровою',
  'татуювання на правому плечі (якір)',
  'татуювання на лівій лопатці (напис)',
  'родимка на шиї праворуч',
  'відсутня фаланга мізинця лівої руки',
];

/**
 * Demo-only restricted fields: phone numbers in the fictional range +380 00 000 xxxx, e-mail at
 * example.org, health flags determined by "synthetic demo record".
 */
export function generateDemoRestricted(rng: Rng): DemoRestricted {
  const contacts: DemoRestricted['contacts'] = [];
  const n = 1 + randomInt(rng, 2);
  for (let k = 0; k < n; k++) {
    const sex: Sex = pick(rng, SEXES);
    const surname = pick(rng, SURNAMES_UK);
    const given = pick(rng, GIVEN[sex]);
    const number = digits(rng, 4);
    contacts.push({
      name: `${surname.uk[sex === 'male' ? 0 : 1]} ${given.uk} (демо)`,
      relation: pick(rng, RELATIONS),
      phone: `+380 00 000 ${number}`,
      email: `demo.contact.${number}@example.org`,
    });
  }
  const health: DemoRestricted['health'] = chance(rng, 0.5)
    ? [{ flag: pick(rng, HEALTH_FLAGS), determination: 'synthetic demo record' }]
    : [];
  return { contacts, health, marks: pick(rng, MARKS) };
}
