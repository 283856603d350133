/**
 * The outbound whitelist (DESIGN.md invariant 8): a package leaves this node only if every field of
 * its payload is whitelisted for the package's type and its recipients. Each type this node sends has
 * a schema of exactly what may leave; a field the schema does not name is refused with
 * NOT_WHITELISTED and its path (never its value), and nothing is signed or logged. A type without a
 * whitelist cannot be sent at all.
 *
 * People leave only as an `OutboundPerson`, made by `outboundPerson` from a registry person: the
 * fields a counterpart needs to find the person it holds (names, sex, birth date, category, unit,
 * rank, service number), and for a mediator also birth place, citizenships and ICRC references.
 * Contacts, health details, distinguishing marks, photos, the person to inform, debriefs and tracing
 * data never leave: they are not in any schema. Category evidence leaves as content hashes only.
 *
 * Recipients are told apart by the keys pinned per agreement (src/app/exchange/agreement-keys.ts): a node
 * pinned as a mediator gets the mediator's whitelist; any other recipient, or a package to several,
 * gets the counterpart's (the stricter).
 */
import type { Kysely, Transaction } from 'kysely';
import { z } from 'zod';
import type { DB } from '../../db/schema.ts';
import { DomainError, ErrorCodes } from '../../domain/errors.ts';
import { AgreementSchema } from '../../domain/exchange/agreement.ts';
import { HashHexSchema, IdSchema, SignatureSchema } from '../../domain/exchange/common.ts';
import { SubstitutionSchema } from '../../domain/exchange/handover.ts';
import { ListResponseSchema, ListVersionSchema } from '../../domain/exchange/list.ts';
import { ExchangeEventSchema } from '../../domain/exchange/operation.ts';
import { BirthDateSchema, PersonCategories, Scripts, Sexes } from '../../domain/person.ts';
import { DatePrecisions } from '../../domain/plain-date.ts';
import type { JsonValue } from '../../ledger/jcs.ts';
import { ConfirmationPayloadSchema } from '../reports/bulletin-verify.ts';

type Handle = Kysely<DB> | Transaction<DB>;

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

const personSchema = (role: RecipientRole) =>
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

/** What may leave, per package type and recipient role. */
const whitelists: Record<string, (role: RecipientRole) => z.ZodType> = {
  'agreement.draft': () => z.object({ exchangeId: IdSchema.optional(), agreement: AgreementSchema }),
  'agreement.signature': () =>
    z.object({
      exchangeId: IdSchema.optional(),
      agreementId: IdSchema.optional(),
      agreementHash: HashHexSchema,
      signature: SignatureSchema,
    }),
  'exchange.events': () =>
    z.object({ exchangeId: IdSchema, events: z.array(ExchangeEventSchema).min(1).max(20_000) }),
  'exchange.confirmation': () => ConfirmationPayloadSchema,
  'substitution.approval': () =>
    z.object({
      exchangeId: IdSchema,
      substitutionId: IdSchema,
      approvalHash: HashHexSchema,
      signature: SignatureSchema,
      /** The substitution approved (ids of lines, a reason code): what the other party signs too. */
      substitution: SubstitutionSchema.optional(),
    }),
  'exception.approval': () =>
    z.object({
      exchangeId: IdSchema,
      exceptionId: IdSchema,
      approvalHash: HashHexSchema,
      signature: SignatureSchema,
    }),
  'list.version': (role) =>
    z.object({
      exchangeId: IdSchema,
      list: ListVersionSchema,
      /** The registry persons the list names, as they may leave (keyed by registry person id). */
      persons: z.record(IdSchema, personSchema(role)),
    }),
  'list.response': () => z.object({ exchangeId: IdSchema, response: ListResponseSchema }),
};

export const WHITELISTED_PACKAGE_TYPES = Object.keys(whitelists).sort();

/** Paths of members of `input` that `parsed` (its parse by a stripping schema) does not keep. */
export function strayPaths(input: unknown, parsed: unknown, at = ''): string[] {
  if (Array.isArray(input) && Array.isArray(parsed))
    return input.flatMap((v, i) => strayPaths(v, parsed[i], `${at}[${i}]`));
  if (!isPlainObject(input) || !isPlainObject(parsed)) return [];
  const out: string[] = [];
  for (const [k, v] of Object.entries(input)) {
    if (v === undefined) continue;
    const path = at ? `${at}.${k}` : k;
    if (!(k in parsed)) out.push(path);
    else out.push(...strayPaths(v, parsed[k], path));
  }
  return out;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Refuses a payload that is not exactly whitelisted for `type` and `role`: an unknown type, a field
 * outside the whitelist (NOT_WHITELISTED, `details.paths`), or a malformed payload (VALIDATION_FAILED).
 */
export function checkOutbound(type: string, payload: JsonValue, role: RecipientRole): void {
  const whitelist = whitelists[type];
  if (!whitelist)
    throw new DomainError(ErrorCodes.NOT_WHITELISTED, `no outbound whitelist for package type ${type}`, {
      type,
      types: WHITELISTED_PACKAGE_TYPES,
    });
  const r = whitelist(role).safeParse(payload);
  if (!r.success)
    throw new DomainError(ErrorCodes.VALIDATION_FAILED, `the ${type} payload is malformed`, {
      type,
      issues: r.error.issues.slice(0, 10).map((i) => ({ path: i.path.join('.'), message: i.message })),
    });
  const paths = strayPaths(payload, r.data);
  if (paths.length)
    throw new DomainError(
      ErrorCodes.NOT_WHITELISTED,
      `${paths.length} field(s) of the ${type} payload may not leave this node for a ${role === 'mediator' ? 'mediator' : 'counterpart'}`,
      { type, role, paths: paths.slice(0, 50) },
    );
}

/** The whitelist a package to these node names gets: the mediator's only if every one is a pinned mediator. */
export async function recipientRole(db: Handle, recipients: readonly string[]): Promise<RecipientRole> {
  if (recipients.length === 0) return 'party';
  const rows = await db
    .selectFrom('agreement_keys')
    .select(['node_name', 'role'])
    .where('node_name', 'in', [...recipients])
    .execute();
  const mediator = (name: string) => {
    const roles = rows.filter((r) => r.node_name === name).map((r) => r.role);
    return roles.length > 0 && roles.every((r) => r === 'mediator');
  };
  return recipients.every(mediator) ? 'mediator' : 'party';
}
