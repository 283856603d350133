/**
 * People as they may leave this node (DESIGN.md invariant 8), and as they arrive from another: the
 * person schemas of the outbound whitelist (src/app/peers/package-types.ts uses them in the
 * `list.version` whitelist) and `outboundPerson`, which makes one from a registry person.
 */
import { z } from 'zod';
import { BirthDateSchema, PersonCategories, Scripts, Sexes } from '../../domain/person.ts';
import { DatePrecisions } from '../../domain/plain-date.ts';

/** Whom a package goes to, as far as the whitelist is concerned. */
export type RecipientRole = 'party' | 'mediator';

// Optional members default, so that a record with fields beyond these is refused for those fields
// (NOT_WHITELISTED, naming them) rather than for what it lacks.
const OutboundNameSchema = z.object({
  script: z.enum(Scripts),
  lang: z.string().max(12),
  family: z.string().max(200),
  given: z.string().max(200).nullish(),
  patronymic: z.string().max(200).nullish(),
});

const CounterpartPersonSchema = z.object({
  names: z.array(OutboundNameSchema).min(1).max(40),
  sex: z.enum(Sexes).default('unknown'),
  birth: BirthDateSchema.nullish(),
  category: z.enum(PersonCategories).nullish(),
  military: z
    .object({
      branch: z.string().max(120).nullish(),
      unit: z.string().max(200).nullish(),
      rank: z.string().max(120).nullish(),
      serviceNumber: z.string().max(60).nullish(),
    })
    .nullish(),
});
const MediatorPersonSchema = CounterpartPersonSchema.extend({
  birthPlace: z.string().max(300).nullish(),
  citizenships: z.array(z.string().max(3)).max(10).default([]),
  icrcRefs: z.array(z.string().max(200)).max(10).default([]),
});
export type OutboundPerson = z.infer<typeof MediatorPersonSchema> | z.infer<typeof CounterpartPersonSchema>;

/**
 * A person as a node receives one beside a list: what either whitelist lets leave, with the birth
 * date checked for its form only. What another node sends is the counterpart's data, kept as
 * written: an impossible date (1938-11-31) is flagged on import, not refused.
 */
export const ReceivedPersonSchema = MediatorPersonSchema.extend({
  birth: z
    .object({ date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/), precision: z.enum(DatePrecisions) })
    .nullish(),
});
export type ReceivedPerson = z.infer<typeof ReceivedPersonSchema>;

export const personSchema = (role: RecipientRole) =>
  role === 'mediator' ? MediatorPersonSchema : CounterpartPersonSchema;

/** The fields of a registry person as they may leave for `role`, and nothing else. */
export function outboundPerson(
  person: {
    names: readonly {
      script: string;
      lang: string;
      family: string;
      given?: string | null;
      patronymic?: string | null;
    }[];
    sex?: string | null;
    birth?: { date: string; precision: string } | null;
    birthPlace?: string | null;
    citizenships?: readonly string[] | null;
    category?: string | null;
    military?: {
      branch?: string | null;
      unit?: string | null;
      rank?: string | null;
      serviceNumber?: string | null;
    } | null;
    externalRefs?: readonly { system: string; value: string }[] | null;
  },
  role: RecipientRole,
): OutboundPerson {
  const base = {
    names: person.names.map((n) => ({
      script: n.script,
      lang: n.lang,
      family: n.family,
      given: n.given ?? null,
      patronymic: n.patronymic ?? null,
    })),
    sex: person.sex ?? 'unknown',
    birth: person.birth ? { date: person.birth.date, precision: person.birth.precision } : null,
    category: person.category ?? null,
    military: person.military
      ? {
          branch: person.military.branch ?? null,
          unit: person.military.unit ?? null,
          rank: person.military.rank ?? null,
          serviceNumber: person.military.serviceNumber ?? null,
        }
      : null,
  };
  const out =
    role === 'mediator'
      ? {
          ...base,
          birthPlace: person.birthPlace ?? null,
          citizenships: [...(person.citizenships ?? [])],
          icrcRefs: (person.externalRefs ?? [])
            .filter((r) => r.system.toLowerCase() === 'icrc')
            .map((r) => r.value),
        }
      : base;
  return personSchema(role).parse(out);
}
