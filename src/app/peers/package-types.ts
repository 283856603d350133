/**
 * The one registry of package types: what each type carries, what of it may leave this node (its
 * outbound whitelist, DESIGN.md invariant 8), and whether a node receiving it applies its content
 * or only keeps it. A new package type is added here; if it is applied on receipt,
 * `PACKAGE_HANDLERS` (src/app/peers/package-handlers.ts) fails to type-check until it names the
 * handler. (The handlers live in their own file because they send packages themselves: this file
 * imports only the domain, so every sender may import it.)
 *
 * The envelope (header, signatures, hash chain) is type-blind: src/ledger/package.ts.
 */
import { z } from 'zod';
import { AgreementSchema } from '../../domain/exchange/agreement.ts';
import { HashHexSchema, IdSchema, SignatureSchema } from '../../domain/exchange/common.ts';
import { SubstitutionSchema } from '../../domain/exchange/handover.ts';
import { ListResponseSchema, ListVersionSchema } from '../../domain/exchange/list.ts';
import { ExchangeEventSchema } from '../../domain/exchange/operation.ts';
import { personSchema, type RecipientRole } from './outbound-person.ts';

/** The payload of an `exchange.confirmation` package: one signer's confirmation of a stage. */
export const ConfirmationPayloadSchema = z.object({
  exchangeId: z.string(),
  stageId: z.string(),
  /** The agreement's id of the signer (a party or a mediator). */
  signer: z.string(),
  role: z.enum(['party', 'mediator']),
  reconciliationHash: z.string().regex(/^[0-9a-f]{64}$/),
});
export type ConfirmationPayload = z.infer<typeof ConfirmationPayloadSchema>;

export interface PackageTypeSpec {
  /** Version of the payload schema this node writes. */
  readonly version: number;
  /** What the payload is, in one line. */
  readonly doc: string;
  /**
   * The outbound whitelist: exactly what may leave for a recipient in `role`. A payload member it
   * does not name is refused (NOT_WHITELISTED, src/app/peers/outbound.ts).
   */
  readonly whitelist: (role: RecipientRole) => z.ZodType;
  /**
   * On receipt: `apply` — a handler acts on the content (src/app/peers/package-handlers.ts);
   * `keep` — stored and logged, read where needed (e.g. confirmations, by the bulletin).
   */
  readonly inbound: 'apply' | 'keep';
}

export const PACKAGE_TYPES = {
  'agreement.draft': {
    version: 1,
    doc: 'a proposed agreement version, sent to its other signers',
    whitelist: () => z.object({ exchangeId: IdSchema.optional(), agreement: AgreementSchema }),
    inbound: 'apply',
  },
  'agreement.signature': {
    version: 1,
    doc: "a signer's signature on an agreement version",
    whitelist: () =>
      z.object({
        exchangeId: IdSchema.optional(),
        agreementId: IdSchema.optional(),
        agreementHash: HashHexSchema,
        signature: SignatureSchema,
      }),
    inbound: 'apply',
  },
  'exchange.events': {
    version: 1,
    doc: 'exchange events this node recorded (handovers, reconciliations, signatures), for the other signers',
    whitelist: () =>
      z.object({ exchangeId: IdSchema, events: z.array(ExchangeEventSchema).min(1).max(20_000) }),
    inbound: 'apply',
  },
  'exchange.confirmation': {
    version: 1,
    doc: "a signer's confirmation of a stage's reconciliation, as a bulletin carries it",
    whitelist: () => ConfirmationPayloadSchema,
    inbound: 'keep',
  },
  'substitution.approval': {
    version: 1,
    doc: "a party's approval of a proposed substitution",
    whitelist: () =>
      z.object({
        exchangeId: IdSchema,
        substitutionId: IdSchema,
        approvalHash: HashHexSchema,
        signature: SignatureSchema,
        /** The substitution approved (ids of lines, a reason code): what the other party signs too. */
        substitution: SubstitutionSchema.optional(),
      }),
    inbound: 'apply',
  },
  'exception.approval': {
    version: 1,
    doc: "a party's approval of an exception to the agreement",
    whitelist: () =>
      z.object({
        exchangeId: IdSchema,
        exceptionId: IdSchema,
        approvalHash: HashHexSchema,
        signature: SignatureSchema,
      }),
    inbound: 'keep',
  },
  'list.version': {
    version: 1,
    doc: 'a signed list version (a request or an offer) with the persons it names',
    whitelist: (role) =>
      z.object({
        exchangeId: IdSchema,
        list: ListVersionSchema,
        /** The registry persons the list names, as they may leave (keyed by registry person id). */
        persons: z.record(IdSchema, personSchema(role)),
      }),
    inbound: 'apply',
  },
  'list.response': {
    version: 1,
    doc: "answers to a counterpart's list version",
    whitelist: () => z.object({ exchangeId: IdSchema, response: ListResponseSchema }),
    inbound: 'apply',
  },
} as const satisfies Record<string, PackageTypeSpec>;

/** Every package type this node knows. */
export type PackageType = keyof typeof PACKAGE_TYPES;

/** The package types whose content a receiving node applies (each has a handler). */
export type AppliedPackageType = {
  [T in PackageType]: (typeof PACKAGE_TYPES)[T]['inbound'] extends 'apply' ? T : never;
}[PackageType];

/** The package types this node may send, sorted (each has a whitelist). */
export const WHITELISTED_PACKAGE_TYPES = (Object.keys(PACKAGE_TYPES) as PackageType[]).sort();

export function isPackageType(type: string): type is PackageType {
  return Object.hasOwn(PACKAGE_TYPES, type);
}

export const AGREEMENT_DRAFT_PACKAGE_TYPE = 'agreement.draft' satisfies PackageType;
/** Package type of a signature on an agreement version (payload: AgreementSignaturePayload). */
export const AGREEMENT_SIGNATURE_PACKAGE_TYPE = 'agreement.signature' satisfies PackageType;
export const EXCHANGE_EVENTS_PACKAGE_TYPE = 'exchange.events' satisfies PackageType;
/** Package type of a stage confirmation signature (payload: ConfirmationPayload). */
export const CONFIRMATION_PACKAGE_TYPE = 'exchange.confirmation' satisfies PackageType;
export const SUBSTITUTION_APPROVAL_PACKAGE_TYPE = 'substitution.approval' satisfies PackageType;
export const LIST_VERSION_PACKAGE_TYPE = 'list.version' satisfies PackageType;
export const LIST_RESPONSE_PACKAGE_TYPE = 'list.response' satisfies PackageType;
