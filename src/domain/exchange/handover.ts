import { z } from 'zod';
import { PlainDateSchema } from '../person.ts';
import { contentHash, HashHexSchema, IdSchema, InstantSchema, SignatureSchema } from './common.ts';

/** A person as manifests, handovers and invariants know them: `person:<registry id>` or `record:<hash>`. */
export const PersonRefSchema = z.string().regex(/^(person:[A-Za-z0-9._:-]{1,128}|record:[0-9a-f]{64})$/);

/** One line of a stage manifest: who goes to which receiving party, in which agreement category. */
export const ManifestEntrySchema = z.object({
  id: IdSchema,
  personRef: PersonRefSchema,
  /** The receiving party. */
  direction: IdSchema,
  category: IdSchema,
  /** Released outside the exchange (e.g. seriously wounded "outside the exchange"): not in the ratio. */
  outsideExchange: z.boolean().default(false),
  /** A reserve line: used only through an approved substitution. */
  reserve: z.boolean().default(false),
  nominationId: IdSchema.nullable().default(null),
  /** Opaque token printed as a QR code for the check-in at the crossing; carries no personal data. */
  token: z.string().max(200).nullable().default(null),
  /** The category predicate's answer when the manifest was built (list eligibility). */
  eligibility: z.enum(['true', 'false', 'unknown']),
});
export type ManifestEntry = z.output<typeof ManifestEntrySchema>;
export type ManifestEntryInput = z.input<typeof ManifestEntrySchema>;

/** A stage's planned count for one direction and category. */
export const PlannedCountSchema = z.object({
  direction: IdSchema,
  category: IdSchema,
  count: z.number().int().nonnegative(),
});

export const StagePlanSchema = z.object({
  stageId: IdSchema,
  agreementId: IdSchema,
  date: PlainDateSchema,
  crossingPoint: z.string().min(1).max(200),
  planned: z.array(PlannedCountSchema).max(200),
});
export type StagePlan = z.infer<typeof StagePlanSchema>;

/**
 * A manifest version. Version 1 is drafted before the stage; a later version (an amendment of a locked
 * manifest) names its parent's hash and the reasons. Both parties sign the hash to lock it.
 */
export const ManifestSchema = z.object({
  stageId: IdSchema,
  version: z.number().int().positive(),
  parentHash: HashHexSchema.nullable(),
  reasons: z.string().max(2000).nullable(),
  entries: z.array(ManifestEntrySchema).max(20_000),
});
export type Manifest = z.output<typeof ManifestSchema>;
export type ManifestInput = z.input<typeof ManifestSchema>;

export function manifestHash(m: Manifest): string {
  return contentHash({ t: 'homeward/manifest/v1', ...m });
}

/** What went wrong at the crossing, person by person. */
export const DiscrepancyCodes = [
  'wrong_person_presented',
  'not_presented',
  'refused_at_crossing',
  'unfit',
  'legal_hold',
  'deceased',
  'already_released',
  'identity_inconclusive',
  'off_manifest',
] as const;
export type DiscrepancyCode = (typeof DiscrepancyCodes)[number];

/** Discrepancies that stop a handover; `off_manifest` only notes an approved exception. */
export const BlockingDiscrepancies: readonly DiscrepancyCode[] = DiscrepancyCodes.filter(
  (c) => c !== 'off_manifest',
);

export const IdentityMethods = ['document', 'biometric', 'photo', 'qr_token', 'interview', 'visual'] as const;

/**
 * What happened to one manifest entry at the crossing. Willingness is the outcome only (never the
 * interview). Counts are derived from these records and nothing else.
 */
export const HandoverRecordSchema = z.object({
  id: IdSchema,
  stageId: IdSchema,
  /** A manifest entry of the locked manifest (or a substitute from the reserve), or an exception's entry. */
  entryId: IdSchema,
  identityCheck: z
    .object({ method: z.enum(IdentityMethods), result: z.enum(['confirmed', 'mismatch', 'inconclusive']) })
    .nullable(),
  willingness: z.enum(['willing', 'refuses', 'not_asked']),
  fitness: z.enum(['fit', 'fit_with_escort', 'unfit', 'not_assessed']),
  outcome: z.enum(['handed_over', 'not_handed_over']),
  crossedAt: InstantSchema.nullable(),
  /** The receiving party's officer (an account id, not a name). */
  receivedBy: IdSchema.nullable(),
  discrepancies: z.array(z.enum(DiscrepancyCodes)).max(9),
  recordedAt: InstantSchema,
  /** A correction: the record this one replaces, for the same entry, before reconciliation. */
  supersedes: IdSchema.nullable().default(null),
});
export type HandoverRecord = z.output<typeof HandoverRecordSchema>;
export type HandoverRecordInput = z.input<typeof HandoverRecordSchema>;

/** Problems that make a record inconsistent in itself (empty: consistent). */
export function handoverRecordProblems(r: HandoverRecord): string[] {
  const out: string[] = [];
  const d = new Set(r.discrepancies);
  const blocking = r.discrepancies.filter((c) => BlockingDiscrepancies.includes(c));
  if (d.size !== r.discrepancies.length) out.push('a discrepancy code is repeated');
  if (r.outcome === 'handed_over') {
    if (r.identityCheck?.result !== 'confirmed') out.push('handed over without a confirmed identity');
    if (r.willingness !== 'willing') out.push('handed over without a willing outcome');
    if (r.fitness === 'unfit') out.push('handed over while unfit');
    if (!r.crossedAt || !r.receivedBy) out.push('handed over without crossing time and receiver');
    if (blocking.length) out.push('handed over with a blocking discrepancy');
  } else {
    if (!blocking.length) out.push('not handed over without a discrepancy code');
    if (r.crossedAt) out.push('not handed over yet a crossing time');
  }
  if (r.willingness === 'refuses' && !d.has('refused_at_crossing'))
    out.push('a refusal is coded refused_at_crossing');
  if (r.identityCheck?.result === 'mismatch' && !d.has('wrong_person_presented'))
    out.push('an identity mismatch is coded wrong_person_presented');
  if (d.has('not_presented') && (r.identityCheck || r.willingness !== 'not_asked'))
    out.push('nobody was presented, so nobody was checked or asked');
  if (r.fitness === 'unfit' && !d.has('unfit')) out.push('unfit is coded unfit');
  return out;
}

/** An off-manifest transfer, co-signed by both parties' coordinators (invariant 2). */
export const ExceptionSchema = z.object({
  id: IdSchema,
  stageId: IdSchema,
  entry: ManifestEntrySchema,
  reason: z.string().min(1).max(2000),
  approvals: z.array(SignatureSchema),
});
export type StageException = z.output<typeof ExceptionSchema>;
export type StageExceptionInput = z.input<typeof ExceptionSchema>;

/** A reserve line replacing an active line, approved by both parties; chains are kept. */
export const SubstitutionSchema = z.object({
  id: IdSchema,
  stageId: IdSchema,
  replaces: IdSchema,
  by: IdSchema,
  reason: z.enum(DiscrepancyCodes).or(z.enum(['withdrawn', 'counterpart_request'])),
  approvals: z.array(SignatureSchema),
});
export type Substitution = z.infer<typeof SubstitutionSchema>;

/** What both parties sign to approve a substitution or an exception: everything but the approvals. */
export function approvalHash(x: StageException | Substitution): string {
  const { approvals: _, ...body } = x;
  return contentHash({ t: 'entry' in x ? 'homeward/exception/v1' : 'homeward/substitution/v1', ...body });
}
