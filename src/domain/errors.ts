/**
 * Domain error codes. Each code is mapped to an HTTP status only at the edge (src/http/errors.ts).
 * Messages must never contain personal data: they are shown to users and may reach logs.
 */
export const ErrorCodes = {
  /** Input failed validation; `details` says which field and why. */
  VALIDATION_FAILED: 'VALIDATION_FAILED',
  /** The record does not exist, or belongs to another organisation, or the caller may not see it. */
  NOT_FOUND: 'NOT_FOUND',
  /** The caller is signed in but their role does not allow this action. */
  FORBIDDEN: 'FORBIDDEN',
  /** No valid session or token. */
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  /** Too many failed sign-in attempts; try again later. */
  THROTTLED: 'THROTTLED',
  /** The state machine does not allow this status after the current one. */
  FORBIDDEN_TRANSITION: 'FORBIDDEN_TRANSITION',
  /** A status that claims confirmation cites a source that cannot confirm it. */
  INSUFFICIENT_SOURCE: 'INSUFFICIENT_SOURCE',
  /** The record changed since the caller read it (optimistic concurrency). */
  CONFLICT: 'CONFLICT',
  /** A unique value (external reference, user name) is already taken. */
  DUPLICATE: 'DUPLICATE',
  /** An upload is larger than the node's limit (`--max-upload-mb`); nothing was kept. */
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  /** An import file was rejected; `details.rows` lists every bad row by line and column. */
  IMPORT_REJECTED: 'IMPORT_REJECTED',
  /** The data directory is owned by another running process. */
  DATA_DIR_LOCKED: 'DATA_DIR_LOCKED',
  /** The CSRF token is missing or does not match the session. */
  CSRF_FAILED: 'CSRF_FAILED',
  /** The account is disabled. */
  ACCOUNT_DISABLED: 'ACCOUNT_DISABLED',
  /**
   * An outbound package carries a field not whitelisted for its type and recipients (invariant 8);
   * `details.paths` names the fields, never their values.
   */
  NOT_WHITELISTED: 'NOT_WHITELISTED',
  /** A counterpart's package is authentic but not from a key pinned for the agreement it concerns. */
  KEY_NOT_PINNED_FOR_AGREEMENT: 'KEY_NOT_PINNED_FOR_AGREEMENT',
  /**
   * The node's own stored records fail an integrity check (an exchange's stored events no longer
   * replay): altered in the database. `details` names the record (an event's sequence number).
   */
  INTEGRITY_ERROR: 'INTEGRITY_ERROR',
} as const;

export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

export class DomainError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;
  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = 'DomainError';
    this.code = code;
    this.details = details;
  }
}

export function isDomainError(e: unknown): e is DomainError {
  return e instanceof DomainError;
}
