import { z } from 'zod';
import { BirthDateSchema, PersonCategories, PlainDateSchema, Sexes } from '../person.ts';
import { daysInMonth, type PartialDate, type PlainDate } from '../plain-date.ts';
import { ExchangeStatuses, FateStatuses } from '../status.ts';

/**
 * A small, serialisable predicate language for agreement categories ("aged 18–25 on 2025-06-02",
 * "seriously wounded per a medical determination", "civilian"). Predicates are data on the agreement,
 * evaluated against a person snapshot with three-valued (Kleene) logic: a birth year alone cannot
 * decide an age bound that falls inside that year, so the answer is "unknown", with the reason.
 */

/** Who determined a health flag. Only the first three are medical determinations. */
export const Determinations = [
  'medical_commission',
  'physician',
  'icrc_medical',
  'counterpart_claim',
  'self_reported',
] as const;
export type Determination = (typeof Determinations)[number];
export const MedicalDeterminations: readonly Determination[] = [
  'medical_commission',
  'physician',
  'icrc_medical',
];

/**
 * The facts a predicate may look at. Absent (undefined/null) means "not known", which is not the same
 * as "no": `health: []` says no flags are recorded, `health: undefined` says nobody knows.
 */
export const PersonSnapshotSchema = z.object({
  category: z.enum(PersonCategories).nullish(),
  sex: z.enum(Sexes).nullish(),
  birth: BirthDateSchema.nullish(),
  health: z
    .array(z.object({ flag: z.string().min(1).max(120), determination: z.enum(Determinations).nullish() }))
    .nullish(),
  fate: z.enum(FateStatuses).nullish(),
  exchange: z.enum(ExchangeStatuses).nullish(),
  citizenships: z.array(z.string().regex(/^[A-Z]{2}$/)).nullish(),
});
export type PersonSnapshot = z.infer<typeof PersonSnapshotSchema>;

export type Predicate =
  | { op: 'always' }
  | { op: 'all'; of: Predicate[] }
  | { op: 'any'; of: Predicate[] }
  | { op: 'not'; of: Predicate }
  /** Age in whole years on a reference date, bounds inclusive. */
  | { op: 'age'; on: string; min?: number | undefined; max?: number | undefined }
  | { op: 'category'; in: (typeof PersonCategories)[number][] }
  /** A health flag, e.g. "seriously_wounded"; with `medical`, only a medical determination counts. */
  | { op: 'health'; flag: string; medical: boolean }
  | { op: 'status'; dimension: 'fate' | 'exchange'; in: string[] }
  | { op: 'sex'; in: (typeof Sexes)[number][] }
  | { op: 'citizenship'; in: string[] };

const AGE = z.number().int().min(0).max(150);

export const PredicateSchema: z.ZodType<Predicate> = z.lazy(() =>
  z.discriminatedUnion('op', [
    z.object({ op: z.literal('always') }),
    z.object({ op: z.literal('all'), of: z.array(PredicateSchema).min(1).max(50) }),
    z.object({ op: z.literal('any'), of: z.array(PredicateSchema).min(1).max(50) }),
    z.object({ op: z.literal('not'), of: PredicateSchema }),
    z
      .object({ op: z.literal('age'), on: PlainDateSchema, min: AGE.optional(), max: AGE.optional() })
      .refine((p) => p.min !== undefined || p.max !== undefined, 'an age bound needs min or max')
      .refine((p) => p.min === undefined || p.max === undefined || p.min <= p.max, 'min must not exceed max'),
    z.object({ op: z.literal('category'), in: z.array(z.enum(PersonCategories)).min(1) }),
    z.object({ op: z.literal('health'), flag: z.string().min(1).max(120), medical: z.boolean() }),
    z
      .object({
        op: z.literal('status'),
        dimension: z.enum(['fate', 'exchange']),
        in: z.array(z.string()).min(1),
      })
      .refine(
        (p) =>
          p.in.every((v) =>
            (p.dimension === 'fate' ? (FateStatuses as readonly string[]) : ExchangeStatuses).includes(v),
          ),
        'unknown status value',
      ),
    z.object({ op: z.literal('sex'), in: z.array(z.enum(Sexes)).min(1) }),
    z.object({ op: z.literal('citizenship'), in: z.array(z.string().regex(/^[A-Z]{2}$/)).min(1) }),
  ]),
) as z.ZodType<Predicate>;

export type Truth = 'true' | 'false' | 'unknown';

/** The outcome and why, in words that name no person (reasons reach dispute dossiers). */
export interface Evaluation {
  value: Truth;
  reason: string;
}

/** "Approximate" birth years (`~1999`) are taken to mean within this many years either side. */
export const APPROXIMATE_YEARS = 2;

/** Earliest and latest birth dates consistent with a partial date. */
export function birthRange(birth: PartialDate | { date: string; precision: PartialDate['precision'] }): {
  earliest: string;
  latest: string;
} {
  const y = Number(birth.date.slice(0, 4));
  const m = Number(birth.date.slice(5, 7));
  const pad = (n: number) => String(n).padStart(2, '0');
  switch (birth.precision) {
    case 'day':
      return { earliest: birth.date, latest: birth.date };
    case 'month':
      return { earliest: `${y}-${pad(m)}-01`, latest: `${y}-${pad(m)}-${pad(daysInMonth(y, m))}` };
    case 'year':
      return { earliest: `${y}-01-01`, latest: `${y}-12-31` };
    case 'approximate':
      return { earliest: `${y - APPROXIMATE_YEARS}-01-01`, latest: `${y + APPROXIMATE_YEARS}-12-31` };
  }
}

/**
 * Age in completed years on `on` for someone born on `born` (both YYYY-MM-DD). A 29 February birthday
 * counts as reached on 1 March in common years (month-day comparison), stated in the README.
 */
export function ageOn(born: string, on: string): number {
  const years = Number(on.slice(0, 4)) - Number(born.slice(0, 4));
  return on.slice(5) < born.slice(5) ? years - 1 : years;
}

const t = (reason: string): Evaluation => ({ value: 'true', reason });
const f = (reason: string): Evaluation => ({ value: 'false', reason });
const u = (reason: string): Evaluation => ({ value: 'unknown', reason });

function bounds(p: { min?: number | undefined; max?: number | undefined }): string {
  if (p.min !== undefined && p.max !== undefined) return `${p.min}–${p.max}`;
  return p.min !== undefined ? `≥ ${p.min}` : `≤ ${p.max}`;
}

export function evaluate(p: Predicate, s: PersonSnapshot): Evaluation {
  switch (p.op) {
    case 'always':
      return t('no condition');
    case 'all': {
      const rs = p.of.map((q) => evaluate(q, s));
      const no = rs.find((r) => r.value === 'false');
      if (no) return f(no.reason);
      const unk = rs.filter((r) => r.value === 'unknown');
      if (unk.length) return u(unk.map((r) => r.reason).join('; '));
      return t(rs.map((r) => r.reason).join('; '));
    }
    case 'any': {
      const rs = p.of.map((q) => evaluate(q, s));
      const yes = rs.find((r) => r.value === 'true');
      if (yes) return t(yes.reason);
      const unk = rs.filter((r) => r.value === 'unknown');
      if (unk.length) return u(unk.map((r) => r.reason).join('; '));
      return f(rs.map((r) => r.reason).join('; '));
    }
    case 'not': {
      const r = evaluate(p.of, s);
      const value: Truth = r.value === 'unknown' ? 'unknown' : r.value === 'true' ? 'false' : 'true';
      return { value, reason: `not (${r.reason})` };
    }
    case 'age': {
      if (!s.birth) return u(`birth date unknown; age ${bounds(p)} on ${p.on} required`);
      const { earliest, latest } = birthRange(s.birth);
      if (latest > p.on) {
        if (earliest > p.on) return f(`born after ${p.on}`);
        return u(`birth date (${s.birth.precision} precision) may fall after ${p.on}`);
      }
      const youngest = ageOn(latest, p.on);
      const oldest = ageOn(earliest, p.on);
      const span = youngest === oldest ? `aged ${youngest}` : `aged ${youngest} to ${oldest}`;
      const lo = p.min ?? 0;
      const hi = p.max ?? Number.POSITIVE_INFINITY;
      if (youngest >= lo && oldest <= hi) return t(`${span} on ${p.on}, within ${bounds(p)}`);
      if (oldest < lo || youngest > hi) return f(`${span} on ${p.on}, outside ${bounds(p)}`);
      return u(`birth date has ${s.birth.precision} precision: ${span} on ${p.on}, bound ${bounds(p)}`);
    }
    case 'category':
      if (!s.category) return u('category unknown');
      return p.in.includes(s.category)
        ? t(`category ${s.category}`)
        : f(`category ${s.category}, not ${p.in.join(' or ')}`);
    case 'health': {
      if (!s.health) return u(`health unknown; ${p.flag} required`);
      const flags = s.health.filter((h) => h.flag === p.flag);
      if (!flags.length) return f(`no ${p.flag} flag recorded`);
      if (!p.medical) return t(`${p.flag} recorded`);
      const medical = flags.find((h) => h.determination && MedicalDeterminations.includes(h.determination));
      if (medical) return t(`${p.flag} by ${medical.determination}`);
      return u(`${p.flag} claimed without a medical determination`);
    }
    case 'status': {
      const v = p.dimension === 'fate' ? s.fate : s.exchange;
      if (!v) return u(`${p.dimension} status unknown`);
      return p.in.includes(v) ? t(`${p.dimension} status ${v}`) : f(`${p.dimension} status ${v}`);
    }
    case 'sex':
      if (!s.sex || s.sex === 'unknown') return u('sex unknown');
      return p.in.includes(s.sex) ? t(`sex ${s.sex}`) : f(`sex ${s.sex}`);
    case 'citizenship': {
      if (!s.citizenships?.length) return u('citizenship unknown');
      const hit = s.citizenships.find((c) => p.in.includes(c));
      return hit ? t(`citizen of ${hit}`) : f(`not a citizen of ${p.in.join(' or ')}`);
    }
  }
}

/** Convenience constructors, so agreements read like their text. */
export const P = {
  always: (): Predicate => ({ op: 'always' }),
  all: (...of: Predicate[]): Predicate => ({ op: 'all', of }),
  any: (...of: Predicate[]): Predicate => ({ op: 'any', of }),
  not: (of: Predicate): Predicate => ({ op: 'not', of }),
  ageBetween: (min: number, max: number, on: PlainDate | string): Predicate => ({ op: 'age', on, min, max }),
  category: (...values: (typeof PersonCategories)[number][]): Predicate => ({ op: 'category', in: values }),
  civilian: (): Predicate => ({
    op: 'category',
    in: ['civilian_internee', 'detained_civilian', 'child', 'foreign_national'],
  }),
  servicemember: (): Predicate => ({ op: 'category', in: ['servicemember'] }),
  seriouslyWounded: (): Predicate => ({ op: 'health', flag: 'seriously_wounded', medical: true }),
};
