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
  /** The signer is not one whose signature this document requires, or has already signed it. */
  NOT_A_SIGNER: { code: ErrorCodes.VALIDATION_FAILED },
  /** Invariant 1: the person was already handed over in this direction in the current custody episode. */
  DOUBLE_HANDOVER: { code: ErrorCodes.CONFLICT },
  /** Invariant 1: a person sits on at most one open nomination / one manifest entry. */
  DUPLICATE_PERSON: { code: ErrorCodes.DUPLICATE },
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
