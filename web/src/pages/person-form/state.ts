import type { Person, PersonInput } from '../../api.ts';
import { birthToInput, blankToNull, parseBirthInput } from '../../format.ts';
import type { I18n, MessageKey } from '../../i18n.ts';

// The person form's state, its checks and its conversion to the API's input: no React here.

export interface NameRow {
  key: number;
  script: string;
  lang: string;
  family: string;
  given: string;
  patronymic: string;
  raw: string;
  scheme: string;
  source: string;
}
export interface RefRow {
  key: number;
  system: string;
  value: string;
}
export interface ContactRow {
  key: number;
  name: string;
  relation: string;
  phone: string;
  email: string;
}
export interface HealthRow {
  key: number;
  flag: string;
  determination: string;
}

export interface FormState {
  names: NameRow[];
  sex: string;
  birth: string;
  birthPlace: string;
  citizenships: string;
  category: string;
  branch: string;
  unit: string;
  rank: string;
  serviceNumber: string;
  refs: RefRow[];
  /** null: the role may not see (so may not edit) this restricted field. */
  contacts: ContactRow[] | null;
  health: HealthRow[] | null;
  marks: string | null;
}

export function toFormState(p: Person | null, nextKey: () => number): FormState {
  const s = (v: string | null | undefined) => v ?? '';
  if (!p)
    return {
      names: [
        {
          key: nextKey(),
          script: 'Cyrl',
          lang: 'uk',
          family: '',
          given: '',
          patronymic: '',
          raw: '',
          scheme: '',
          source: '',
        },
      ],
      sex: 'unknown',
      birth: '',
      birthPlace: '',
      citizenships: '',
      category: '',
      branch: '',
      unit: '',
      rank: '',
      serviceNumber: '',
      refs: [],
      contacts: [],
      health: [],
      marks: '',
    };
  return {
    names: p.names.map((n) => ({
      key: nextKey(),
      script: n.script,
      lang: n.lang,
      family: n.family,
      given: s(n.given),
      patronymic: s(n.patronymic),
      raw: s(n.raw),
      scheme: s(n.scheme),
      source: s(n.source),
    })),
    sex: p.sex ?? 'unknown',
    birth: birthToInput(p.birth),
    birthPlace: s(p.birthPlace),
    citizenships: (p.citizenships ?? []).join(', '),
    category: s(p.category),
    branch: s(p.military?.branch),
    unit: s(p.military?.unit),
    rank: s(p.military?.rank),
    serviceNumber: s(p.military?.serviceNumber),
    refs: (p.externalRefs ?? []).map((r) => ({ key: nextKey(), ...r })),
    contacts:
      'contacts' in p
        ? (p.contacts ?? []).map((c) => ({
            key: nextKey(),
            name: c.name,
            relation: s(c.relation),
            phone: s(c.phone),
            email: s(c.email),
          }))
        : null,
    health:
      'health' in p
        ? (p.health ?? []).map((h) => ({ key: nextKey(), flag: h.flag, determination: s(h.determination) }))
        : null,
    marks: 'marks' in p ? s(p.marks) : null,
  };
}

export type Errors = Record<string, string>;

const NAME_FIELDS: Record<string, MessageKey> = {
  family: 'name.family',
  given: 'name.given',
  patronymic: 'name.patronymic',
  script: 'name.script',
  lang: 'name.lang',
  scheme: 'name.scheme',
  source: 'name.source',
  raw: 'name.raw',
};
const SIMPLE_FIELDS: Record<string, { label: MessageKey; id: string }> = {
  sex: { label: 'person.sex', id: 'person-sex' },
  birth: { label: 'form.birthDate', id: 'person-birth' },
  birthPlace: { label: 'person.birthPlace', id: 'person-birth-place' },
  citizenships: { label: 'person.citizenships', id: 'person-citizenships' },
  category: { label: 'person.category', id: 'person-category' },
  'military.branch': { label: 'person.branch', id: 'mil-branch' },
  'military.unit': { label: 'person.unit', id: 'mil-unit' },
  'military.rank': { label: 'person.rank', id: 'mil-rank' },
  'military.serviceNumber': { label: 'person.serviceNumber', id: 'mil-service-number' },
  marks: { label: 'person.marks', id: 'person-marks' },
};
const ROW_FIELDS: Record<string, MessageKey> = {
  system: 'person.refSystem',
  value: 'person.refValue',
  name: 'person.contactName',
  relation: 'person.contactRelation',
  phone: 'person.contactPhone',
  email: 'person.contactEmail',
  flag: 'person.healthFlag',
  determination: 'person.healthDetermination',
};

/** A readable label for an issue path such as "names.1.family", and the id of its input if shown. */
export function describePath(path: string, f: FormState, t: I18n['t']): { label: string; id?: string } {
  let m = /^names\.(\d+)\.(\w+)$/.exec(path);
  if (m) {
    const i = Number(m[1]);
    const key = NAME_FIELDS[m[2]!];
    const row = f.names[i];
    return {
      label: `${t('form.nameN', { n: i + 1 })} — ${key ? t(key) : m[2]}`,
      ...(row && key ? { id: `name-${row.key}-${m[2]}` } : {}),
    };
  }
  const simple = SIMPLE_FIELDS[path] ?? SIMPLE_FIELDS[path.split('.')[0]!];
  if (simple) return { label: t(simple.label), id: simple.id };
  m = /^(externalRefs|contacts|health)\.(\d+)\.(\w+)$/.exec(path);
  if (m) {
    const section: Record<string, { title: MessageKey; rows: { key: number }[] | null; prefix: string }> = {
      externalRefs: { title: 'person.externalRefs', rows: f.refs, prefix: 'ref' },
      contacts: { title: 'person.contacts', rows: f.contacts, prefix: 'contact' },
      health: { title: 'person.health', rows: f.health, prefix: 'health' },
    };
    const sec = section[m[1]!]!;
    const i = Number(m[2]);
    const key = ROW_FIELDS[m[3]!];
    const row = sec.rows?.[i];
    return {
      label: `${t(sec.title)} ${i + 1} — ${key ? t(key) : m[3]}`,
      ...(row && key ? { id: `${sec.prefix}-${row.key}-${m[3]}` } : {}),
    };
  }
  if (path === 'names') return { label: t('person.names') };
  return { label: path };
}

/** Check what the browser can check; the server checks everything again. */
export function validate(f: FormState, t: (k: MessageKey) => string): Errors {
  const errors: Errors = {};
  f.names.forEach((n, i) => {
    if (!n.family.trim()) errors[`names.${i}.family`] = t('form.familyRequired');
  });
  if (parseBirthInput(f.birth) === undefined) errors.birth = t('form.birthInvalid');
  const cits = splitList(f.citizenships);
  if (cits.some((c) => !/^[A-Z]{2}$/.test(c))) errors.citizenships = t('form.citizenshipsInvalid');
  return errors;
}

function splitList(s: string): string[] {
  return s
    .split(/[,;\s]+/)
    .map((c) => c.trim().toUpperCase())
    .filter(Boolean);
}

export function toInput(f: FormState): PersonInput {
  const military = {
    branch: blankToNull(f.branch),
    unit: blankToNull(f.unit),
    rank: blankToNull(f.rank),
    serviceNumber: blankToNull(f.serviceNumber),
  };
  // Codes (script, sex, category) come from the server's code lists (GET /api/meta); it validates them again.
  const input: PersonInput = {
    names: f.names.map((n) => ({
      script: n.script as PersonInput['names'][number]['script'],
      lang: n.lang.trim() || 'und',
      family: n.family.trim(),
      given: blankToNull(n.given),
      patronymic: blankToNull(n.patronymic),
      raw: blankToNull(n.raw),
      scheme: blankToNull(n.scheme),
      source: blankToNull(n.source),
    })),
    sex: f.sex as PersonInput['sex'],
    birth: parseBirthInput(f.birth) ?? null,
    birthPlace: blankToNull(f.birthPlace),
    citizenships: splitList(f.citizenships),
    category: blankToNull(f.category) as PersonInput['category'],
    military: Object.values(military).some((v) => v !== null) ? military : null,
    externalRefs: f.refs
      .filter((r) => r.system.trim() || r.value.trim())
      .map((r) => ({ system: r.system.trim(), value: r.value.trim() })),
  };
  // Restricted fields are sent only by roles that can see them; leaving them out keeps them unchanged.
  if (f.contacts)
    input.contacts = f.contacts
      .filter((c) => c.name.trim() || c.phone.trim() || c.email.trim())
      .map((c) => ({
        name: c.name.trim(),
        relation: blankToNull(c.relation),
        phone: blankToNull(c.phone),
        email: blankToNull(c.email),
      }));
  if (f.health)
    input.health = f.health
      .filter((h) => h.flag.trim())
      .map((h) => ({ flag: h.flag.trim(), determination: blankToNull(h.determination) }));
  if (f.marks !== null) input.marks = blankToNull(f.marks);
  return input;
}

/** Set one field of the form (the page owns the state). */
export type SetField = <K extends keyof FormState>(k: K, v: FormState[K]) => void;

/** What every section of the form gets from the page. */
export interface SectionProps {
  form: FormState;
  set: SetField;
  /** Change the form from its latest state (for edits inside one row). */
  update: (change: (f: FormState) => FormState) => void;
  errors: Errors;
  /** A fresh key for a new row (React keys and input ids). */
  nextKey: () => number;
}
