import { z } from 'zod';
import { DomainError, ErrorCodes } from '../errors.ts';
import { PlainDateSchema } from '../person.ts';
import {
  contentHash,
  deepFreeze,
  HashHexSchema,
  IdSchema,
  PersonClasses,
  parseWith,
  type Signature,
  SignatureSchema,
  Subjects,
} from './common.ts';
import { violation } from './errors.ts';
import { PredicateSchema } from './predicate.ts';

/** Numeric N-for-N, all-for-all by category, one-sided release, or repatriation of remains. */
export const AgreementTypes = ['numeric', 'all_for_all', 'unilateral', 'remains'] as const;
export type AgreementType = (typeof AgreementTypes)[number];

export const PartySchema = z.object({ id: IdSchema, name: z.string().min(1).max(200) });

/**
 * A category of people the agreement covers, with a checkable predicate. `subject` and `class` say
 * how handovers in this category are counted in public numbers.
 */
export const CategorySchema = z.object({
  id: IdSchema,
  label: z.string().min(1).max(300),
  subject: z.enum(Subjects),
  class: z.enum(PersonClasses),
  predicate: PredicateSchema,
});
export type Category = z.infer<typeof CategorySchema>;

/** Where a rule is checked: each stage on its own, the agreement as a whole, or both. */
export const RuleScopes = ['stage', 'agreement', 'both'] as const;

/**
 * Ratio per category (null: everyone in the exchange): handed-over counts divided by each party's
 * share must be equal. `shares` is keyed by the *receiving* party: {A: 1, B: 1} is 1:1; {A: 30, B: 1}
 * means A receives 30 for every one B receives. "All for all" has no numbers: every accepted entry of
 * the category must be handed over by the end.
 */
export const RatioRuleSchema = z.discriminatedUnion('kind', [
  z.object({
    id: IdSchema,
    kind: z.literal('ratio'),
    category: IdSchema.nullable(),
    shares: z.record(IdSchema, z.number().int().positive()),
    scope: z.enum(RuleScopes),
  }),
  z.object({ id: IdSchema, kind: z.literal('all_for_all'), category: IdSchema }),
]);
export type RatioRule = z.infer<typeof RatioRuleSchema>;

/** "Wounded first": nobody of `after` (null: any other category) crosses before the last of `first`. */
export const OrderingRuleSchema = z.object({
  id: IdSchema,
  first: IdSchema,
  after: IdSchema.nullable(),
  scope: z.enum(RuleScopes),
});
export type OrderingRule = z.infer<typeof OrderingRuleSchema>;

/** How many the receiving party `direction` is to receive (per category, or in all when null). */
export const TargetSchema = z.object({
  direction: IdSchema,
  category: IdSchema.nullable(),
  count: z.number().int().nonnegative(),
});
export type Target = z.infer<typeof TargetSchema>;

export const ConditionSchema = z.object({ code: IdSchema, text: z.string().min(1).max(2000) });

/** The negotiated content; what every party and mediator signs (its hash). */
export const AgreementBodySchema = z.object({
  id: IdSchema,
  version: z.number().int().positive(),
  /** Hash of the version this one supersedes (null for version 1): versions form a hash chain. */
  supersedes: HashHexSchema.nullable(),
  /** Why this version was made, required from version 2 on. */
  amendmentReason: z.string().max(2000).nullable(),
  title: z.string().min(1).max(300),
  ordinal: z.number().int().positive().nullable(),
  type: z.enum(AgreementTypes),
  parties: z.array(PartySchema).length(2),
  mediators: z.array(PartySchema).min(1).max(5),
  concludedAt: PlainDateSchema,
  place: z.string().max(200),
  /** For unilateral releases: the party that releases (the only direction is to the other party). */
  releasingParty: IdSchema.nullable(),
  categories: z.array(CategorySchema).min(1).max(50),
  ratioRules: z.array(RatioRuleSchema).max(50),
  orderingRules: z.array(OrderingRuleSchema).max(50),
  targets: z.array(TargetSchema).max(100),
  conditions: z.array(ConditionSchema).max(100),
});
export type AgreementBody = z.infer<typeof AgreementBodySchema>;

export const AgreementSchema = AgreementBodySchema.extend({ signatures: z.array(SignatureSchema) });
export type Agreement = z.infer<typeof AgreementSchema>;

export function agreementBody(a: Agreement | AgreementBody): AgreementBody {
  const { signatures: _, ...body } = a as Agreement;
  return body;
}

export function agreementHash(a: Agreement | AgreementBody): string {
  return contentHash(agreementBody(a));
}

export function partyIds(a: AgreementBody): [string, string] {
  return [a.parties[0]!.id, a.parties[1]!.id];
}

/** The receiving parties a handover may go to under this agreement. */
export function allowedDirections(a: AgreementBody): string[] {
  const [x, y] = partyIds(a);
  if (a.type === 'unilateral') return [a.releasingParty === x ? y : x];
  return [x, y];
}

export function findCategory(a: AgreementBody, id: string) {
  return a.categories.find((c) => c.id === id);
}

/** Every party and every mediator signs an agreement version. */
export function requiredAgreementSigners(a: AgreementBody): { signer: string; role: 'party' | 'mediator' }[] {
  return [
    ...a.parties.map((p) => ({ signer: p.id, role: 'party' as const })),
    ...a.mediators.map((m) => ({ signer: m.id, role: 'mediator' as const })),
  ];
}

/** Cross-field checks the schema cannot express; returns problems as {path, message}. */
export function agreementProblems(a: AgreementBody): { path: string; message: string }[] {
  const out: { path: string; message: string }[] = [];
  const parties = a.parties.map((p) => p.id);
  const cats = new Set(a.categories.map((c) => c.id));
  const ids = [...parties, ...a.mediators.map((m) => m.id)];
  if (new Set(ids).size !== ids.length)
    out.push({ path: 'parties', message: 'party and mediator ids must differ' });
  if (cats.size !== a.categories.length)
    out.push({ path: 'categories', message: 'category ids must be unique' });
  const ruleIds = [...a.ratioRules, ...a.orderingRules].map((r) => r.id);
  if (new Set(ruleIds).size !== ruleIds.length)
    out.push({ path: 'rules', message: 'rule ids must be unique' });
  a.ratioRules.forEach((r, i) => {
    if (r.category !== null && !cats.has(r.category))
      out.push({ path: `ratioRules.${i}.category`, message: 'unknown category' });
    if (r.kind === 'ratio') {
      const keys = Object.keys(r.shares).sort();
      if (keys.join() !== [...parties].sort().join())
        out.push({ path: `ratioRules.${i}.shares`, message: 'a share for each party' });
    }
  });
  a.orderingRules.forEach((r, i) => {
    if (!cats.has(r.first) || (r.after !== null && !cats.has(r.after)))
      out.push({ path: `orderingRules.${i}`, message: 'unknown category' });
  });
  const directions = allowedDirections(a);
  a.targets.forEach((t, i) => {
    if (!directions.includes(t.direction))
      out.push({ path: `targets.${i}.direction`, message: 'not a receiving party of this agreement' });
    if (t.category !== null && !cats.has(t.category))
      out.push({ path: `targets.${i}.category`, message: 'unknown category' });
  });
  if (a.type === 'unilateral' && (a.releasingParty === null || !parties.includes(a.releasingParty)))
    out.push({ path: 'releasingParty', message: 'a unilateral release names the releasing party' });
  if (a.type !== 'unilateral' && a.releasingParty !== null)
    out.push({ path: 'releasingParty', message: 'only unilateral releases name a releasing party' });
  if (a.type === 'numeric' && !a.ratioRules.some((r) => r.kind === 'ratio'))
    out.push({ path: 'ratioRules', message: 'a numeric exchange states its ratio' });
  if (a.type === 'all_for_all' && !a.ratioRules.some((r) => r.kind === 'all_for_all'))
    out.push({ path: 'ratioRules', message: 'an all-for-all exchange names its categories' });
  if (a.type === 'remains' && a.categories.some((c) => c.subject !== 'remains'))
    out.push({ path: 'categories', message: 'a remains agreement counts remains only' });
  if (a.version === 1 && a.supersedes !== null)
    out.push({ path: 'supersedes', message: 'version 1 supersedes nothing' });
  if (a.version > 1 && (a.supersedes === null || !a.amendmentReason))
    out.push({ path: 'supersedes', message: 'an amendment names the version it supersedes and why' });
  return out;
}

/** Parse and check a draft agreement version (no signatures yet). */
export function draftAgreement(input: unknown): Agreement {
  const body = parseWith(AgreementBodySchema, input, 'agreement');
  const problems = agreementProblems(body);
  if (problems.length)
    throw new DomainError(ErrorCodes.VALIDATION_FAILED, 'invalid agreement', { issues: problems });
  return { ...body, signatures: [] };
}

export function isAgreementInForce(a: Agreement): boolean {
  const hash = agreementHash(a);
  return requiredAgreementSigners(a).every((r) =>
    a.signatures.some((s) => s.signer === r.signer && s.role === r.role && s.contentHash === hash),
  );
}

/**
 * Add one signature. It must cover this version's hash and come from a required signer who has not
 * signed yet. The content never changes once anyone has signed: signatures are the only thing added.
 * Returns a new, frozen agreement.
 */
export function signAgreement(a: Agreement, sig: Signature): Agreement {
  const s = parseWith(SignatureSchema, sig, 'signature');
  const hash = agreementHash(a);
  if (s.contentHash !== hash)
    throw violation('HASH_MISMATCH', 'the signature covers another version of the agreement', {
      expected: hash,
    });
  if (!requiredAgreementSigners(a).some((r) => r.signer === s.signer && r.role === s.role))
    throw violation('NOT_A_SIGNER', `${s.signer} does not sign this agreement as ${s.role}`);
  if (a.signatures.some((x) => x.signer === s.signer))
    throw violation('ALREADY_SIGNED', `${s.signer} has already signed this version`);
  return deepFreeze({ ...a, signatures: [...a.signatures, s] });
}

/** Change a draft; refused once anyone has signed (a new version is needed instead). */
export function editAgreementDraft(
  a: Agreement,
  change: Partial<Omit<AgreementBody, 'id' | 'version' | 'supersedes'>>,
) {
  if (a.signatures.length)
    throw violation(
      'SIGNED_IMMUTABLE',
      'a signed agreement version cannot change; amend it with a new version',
    );
  return draftAgreement({ ...agreementBody(a), ...change });
}

/** A new version superseding an agreement in force; the old version stays as it was. */
export function amendAgreement(
  prev: Agreement,
  reason: string,
  change: Partial<Omit<AgreementBody, 'id' | 'version' | 'supersedes' | 'amendmentReason'>>,
): Agreement {
  if (!isAgreementInForce(prev))
    throw violation('STAGE_TRANSITION', 'only an agreement in force is amended; edit the draft instead');
  return draftAgreement({
    ...agreementBody(prev),
    ...change,
    version: prev.version + 1,
    supersedes: agreementHash(prev),
    amendmentReason: reason,
  });
}

/**
 * The version in force from a set of versions: the highest fully signed one whose chain of
 * `supersedes` hashes leads back to version 1. Throws HASH_MISMATCH on a broken chain.
 */
export function agreementInForce(versions: readonly Agreement[]): Agreement | undefined {
  const sorted = [...versions].sort((x, y) => x.version - y.version);
  sorted.forEach((v, i) => {
    const prev = sorted[i - 1];
    if (v.version !== i + 1 || v.id !== sorted[0]!.id)
      throw violation('VERSION_GAP', 'agreement versions must be 1..n of one agreement');
    if (prev && v.supersedes !== agreementHash(prev))
      throw violation('HASH_MISMATCH', `version ${v.version} does not supersede version ${prev.version}`);
  });
  return sorted.filter(isAgreementInForce).at(-1);
}

/** Agreement lifecycle (DESIGN.md "State machines"); amendments are new versions, not states. */
export const AgreementStatuses = [
  'negotiating',
  'agreed',
  'lists_exchanged',
  'reconciling',
  'ready',
  'in_execution',
  'completed',
  'partially_completed',
  'suspended',
  'collapsed',
] as const;
export type AgreementStatus = (typeof AgreementStatuses)[number];

export const agreementTransitions = {
  negotiating: ['agreed', 'collapsed'],
  agreed: ['lists_exchanged', 'suspended', 'collapsed'],
  lists_exchanged: ['reconciling', 'suspended', 'collapsed'],
  reconciling: ['ready', 'lists_exchanged', 'suspended', 'collapsed'],
  ready: ['in_execution', 'reconciling', 'suspended', 'collapsed'],
  in_execution: ['completed', 'partially_completed', 'suspended', 'collapsed'],
  suspended: ['negotiating', 'reconciling', 'in_execution', 'partially_completed', 'collapsed'],
  completed: [],
  partially_completed: [],
  collapsed: [],
} as const satisfies Record<AgreementStatus, readonly AgreementStatus[]>;

export function nextAgreementStatus(from: AgreementStatus, to: AgreementStatus): AgreementStatus {
  if (!(agreementTransitions[from] as readonly string[]).includes(to))
    throw new DomainError(ErrorCodes.FORBIDDEN_TRANSITION, `agreement cannot go from ${from} to ${to}`, {
      from,
      to,
    });
  return to;
}
