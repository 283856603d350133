/**
 * The outbound whitelist (DESIGN.md invariant 8): a package leaves this node only if every field of
 * its payload is whitelisted for the package's type and its recipients. Each type this node sends has
 * a schema of exactly what may leave; a field the schema does not name is refused with
 * NOT_WHITELISTED and its path (never its value), and nothing is signed or logged. A type without a
 * whitelist cannot be sent at all. The whitelists are in the registry of package types
 * (src/app/peers/package-types.ts); the person schemas they use, in src/app/peers/outbound-person.ts.
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
import type { DB } from '../../db/schema.ts';
import { DomainError, ErrorCodes } from '../../domain/errors.ts';
import { shownIssue } from '../../domain/field-names.ts';
import type { JsonValue } from '../../ledger/jcs.ts';
import type { RecipientRole } from './outbound-person.ts';
import { isPackageType, PACKAGE_TYPES, WHITELISTED_PACKAGE_TYPES } from './package-types.ts';

type Handle = Kysely<DB> | Transaction<DB>;

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
  if (!isPackageType(type))
    throw new DomainError(ErrorCodes.NOT_WHITELISTED, `no outbound whitelist for package type ${type}`, {
      type,
      types: WHITELISTED_PACKAGE_TYPES,
    });
  const whitelist = PACKAGE_TYPES[type].whitelist(role);
  const r = whitelist.safeParse(payload);
  if (!r.success)
    throw new DomainError(ErrorCodes.VALIDATION_FAILED, `the ${type} payload is malformed`, {
      type,
      issues: r.error.issues.slice(0, 10).map((i) => shownIssue(whitelist, i)),
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
