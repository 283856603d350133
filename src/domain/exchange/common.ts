import { z } from 'zod';
import { canonicalBytes } from '../../lib/jcs.ts';
import { hex, sha256 } from '../../lib/sha256.ts';
import { DomainError, ErrorCodes } from '../errors.ts';
import { shownIssue } from '../field-names.ts';

/** Ids of parties, mediators, stages, entries: short slugs or UUIDs, safe in logs and URLs. */
export const IdSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/, 'must be an id');
export type Id = z.infer<typeof IdSchema>;

export const HashHexSchema = z.string().regex(/^[0-9a-f]{64}$/, 'must be a lowercase hex SHA-256');

/** A UTC instant with milliseconds, as `Date.prototype.toISOString` writes it. */
export const InstantSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/, 'must be a UTC instant');

/** Whom a count or an entry concerns: a living person or human remains. */
export const Subjects = ['persons', 'remains'] as const;
export type Subject = (typeof Subjects)[number];

/** The military/civilian split every published number states. */
export const PersonClasses = ['military', 'civilian'] as const;
export type PersonClass = (typeof PersonClasses)[number];

/** The role under which a key signs: a party to the agreement or a mediator (witness). */
export const SignerRoles = ['party', 'mediator'] as const;
export type SignerRole = (typeof SignerRoles)[number];

/**
 * A signature as the domain sees it: who signed which content hash. The Ed25519 value is checked by
 * the package layer (src/ledger/package.ts, keys pinned per agreement); the domain checks that the
 * right signers signed the right hash.
 */
export const SignatureSchema = z.object({
  signer: IdSchema,
  role: z.enum(SignerRoles),
  keyId: z.string().min(1).max(200),
  contentHash: HashHexSchema,
  signedAt: InstantSchema,
  /** Base64 Ed25519 signature over the package that carried this; verified outside the domain. */
  value: z.string().max(200).optional(),
});
export type Signature = z.infer<typeof SignatureSchema>;

/** Drop undefined members (JSON has no undefined) so that canonical JSON is defined for any domain value. */
export function toJson<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** SHA-256 over RFC 8785 canonical JSON, lowercase hex. */
export function contentHash(value: unknown): string {
  return hex(sha256(canonicalBytes(toJson(value))));
}

/** Freeze a value and everything inside it: signed documents are immutable in memory as well. */
export function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/** Parse with a Zod schema; failures become VALIDATION_FAILED naming the paths, never the values. */
export function parseWith<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  throw new DomainError(ErrorCodes.VALIDATION_FAILED, `invalid ${what}`, {
    issues: r.error.issues.map((i) => shownIssue(schema, i)),
  });
}

/** Count items by a string key, keys sorted, so counts serialise deterministically. */
export function countBy<T>(items: readonly T[], key: (t: T) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const t of items) {
    const k = key(t);
    out[k] = (out[k] ?? 0) + 1;
  }
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
