import { DomainError, type ErrorCode, ErrorCodes } from '../errors.ts';

/**
 * Why the exchange domain refused something. Each violation travels as a DomainError with one of the
 * shared codes (so src/http/errors.ts maps it without change) and `details.violation` naming the rule.
 */
export const Violations = {
  /** A signed agreement, list version or manifest cannot change; make a new version instead. */
  SIGNED_IMMUTABLE: { code: ErrorCodes.CONFLICT },
  /** A hash does not match the content it claims to cover (parent link, signature, commitment). */
  HASH_MISMATCH: { code: ErrorCodes.VALIDATION_FAILED },
  /** The signer or acting node is not one this document or action requires (another party, a mediator, an outsider). */
  NOT_A_SIGNER: { code: ErrorCodes.VALIDATION_FAILED },
  /** This signer has already signed this version (agreement, manifest); a second signature is refused. */
  ALREADY_SIGNED: { code: ErrorCodes.VALIDATION_FAILED },
  /** The node has no party setting yet (`homeward init --party ID`), so it cannot act in an agreement. */
  NODE_PARTY_NOT_SET: { code: ErrorCodes.VALIDATION_FAILED },
  /** Invariant 1: the person was already handed over in this direction in the current custody episode. */
  DOUBLE_HANDOVER: { code: ErrorCodes.CONFLICT },
  /** Invariant 1: a person sits on at most one open nomination / one manifest entry. */
  DUPLICATE_PERSON: { code: ErrorCodes.DUPLICATE },
  /** An id is already used in this exchange or document (stage, manifest line, nomination, substitution, exception, record). */
  DUPLICATE_ID: { code: ErrorCodes.DUPLICATE },
  /** A nomination is answered twice in one response to a list version. */
  DUPLICATE_RESPONSE: { code: ErrorCodes.DUPLICATE },
  /** The manifest line already has a current handover record; a correction names it in `supersedes`. */
  RECORD_EXISTS: { code: ErrorCodes.DUPLICATE },
  /** The rule warning already has a justification; it is not justified twice. */
  ALREADY_JUSTIFIED: { code: ErrorCodes.DUPLICATE },
  /** Invariant 2: a handover must refer to an active entry of a locked manifest or an approved exception. */
  OFF_MANIFEST: { code: ErrorCodes.FORBIDDEN_TRANSITION },
  /** Invariant 5: a person who refused repatriation never goes on a manifest to that destination. */
  REFUSED_REPATRIATION: { code: ErrorCodes.FORBIDDEN_TRANSITION },
  /** Invariant 4: a stage cannot be confirmed while a rule breach has no justification. */
  UNJUSTIFIED_BREACH: { code: ErrorCodes.FORBIDDEN_TRANSITION },
  /** The stage state machine does not allow this action now. */
  STAGE_TRANSITION: { code: ErrorCodes.FORBIDDEN_TRANSITION },
  /** The referenced stage, entry, record, category or party does not exist. */
  UNKNOWN_REFERENCE: { code: ErrorCodes.NOT_FOUND },
  /** Versions (of an agreement or a list) are not numbered 1..n without a gap. */
  VERSION_GAP: { code: ErrorCodes.NOT_FOUND },
  /** A record is inconsistent in itself (e.g. handed over without a confirmed identity). */
  INCONSISTENT_RECORD: { code: ErrorCodes.VALIDATION_FAILED },
} as const satisfies Record<string, { code: ErrorCode }>;

export type Violation = keyof typeof Violations;

/** Messages carry ids and counts only, never names (they reach users and logs). */
export function violation(v: Violation, message: string, details: Record<string, unknown> = {}): DomainError {
  return new DomainError(Violations[v].code, message, { violation: v, ...details });
}

export function violationOf(e: unknown): Violation | undefined {
  if (!(e instanceof DomainError)) return undefined;
  const v = e.details?.violation;
  return typeof v === 'string' && v in Violations ? (v as Violation) : undefined;
}
