/**
 * Lists between nodes: a signed version of our request or offer goes to the counterpart and the
 * mediator as a `list.version` package, and answers per entry come back as `list.response` packages.
 *
 * Sending (`sendListVersion`): only a signed version of our own list. The nominations travel as the
 * domain signed them (registry nominations name our registry ids); the people they name travel beside
 * them as `OutboundPerson`s, made field by field for the recipient (src/app/peers/outbound.ts, invariant 8),
 * never as registry records. The list carries our party's Ed25519 signature over its hash.
 *
 * Receiving (`applyListVersion`, run by the inbox, src/app/peers/inbox.ts): the sender's key must be pinned
 * under the agreement for the list's owner, and the owner's signature must verify with it. The list
 * then becomes a version of their request or offer here exactly as a counterpart's file does
 * (`importCounterpartList`): one row per nomination, the fields as received, matched against our
 * registry and flagged (matched, ambiguous, unknown, already released, ineligible, duplicate), then
 * frozen. The hash of their version is kept (`received_lists`), since their answers and ours name it.
 *
 * Answering (`sendListResponses`): responses recorded here to their version go back naming their
 * version's hash and their nomination ids. Receiving answers (`applyListResponses`) records them on
 * our own version whose hash they name, responder checked against the sender's pinned signer.
 */
import { createHash } from 'node:crypto';
import type { Transaction } from 'kysely';
import { z } from 'zod';
import { commitRecords } from '../../db/records.ts';
import type { DB } from '../../db/schema.ts';
import { type RequestContext, requirePermission } from '../../domain/access.ts';
import { DomainError, ErrorCodes } from '../../domain/errors.ts';
import { IdSchema } from '../../domain/exchange/common.ts';
import {
  type ListResponse,
  type ListVersion,
  ListVersionSchema,
  listHash,
} from '../../domain/exchange/list.ts';
import { COUNTERPART_LIST_COLUMNS } from '../../io/counterpart-list-file.ts';
import { toJsonValue } from '../../ledger/jcs.ts';
import {
  ownSigner,
  pinnedSignatureProblem,
  requireOtherSignerNodes,
  signerOfSender,
} from '../exchange/agreement-keys.ts';
import { signAsNode } from '../exchange/signatures.ts';
import {
  importCounterpartList,
  type ListKindName,
  listListVersions,
  loadDomainListVersion,
  loadListVersion,
  recordListResponses,
  signListVersion,
} from '../lists/lists.ts';
import { recipientRole } from './outbound.ts';
import {
  type OutboundPerson,
  outboundPerson,
  type ReceivedPerson,
  ReceivedPersonSchema,
} from './outbound-person.ts';
import { LIST_RESPONSE_PACKAGE_TYPE, LIST_VERSION_PACKAGE_TYPE } from './package-types.ts';
import { type SentPackage, sendPackage } from './packages.ts';

export interface ListVersionPayload {
  exchangeId: string;
  list: ListVersion;
  persons: Record<string, OutboundPerson>;
}

/** Sends a signed version of our request or offer to the counterpart and the mediator. */
export async function sendListVersion(
  ctx: RequestContext,
  tx: Transaction<DB>,
  exchangeId: string,
  versionId: string,
): Promise<{ listHash: string; recipients: string[]; packages: SentPackage[] }> {
  requirePermission(ctx, 'list:write', 'ledger:write', 'node:sign');
  const summary = (await listListVersions(tx, ctx, exchangeId)).find((v) => v.id === versionId);
  if (!summary) throw new DomainError(ErrorCodes.NOT_FOUND, 'no such list version in this exchange');
  if (!summary.kind.startsWith('our_'))
    throw new DomainError(
      ErrorCodes.VALIDATION_FAILED,
      'only our own request or offer is sent to the others',
    );
  if (!summary.signed)
    throw new DomainError(
      ErrorCodes.FORBIDDEN_TRANSITION,
      `sign version ${summary.version} before sending it`,
    );
  const stored = await loadDomainListVersion(tx, ctx, exchangeId, versionId);
  const hash = listHash(stored);
  const { nodes: recipients } = await requireOtherSignerNodes(tx, stored.agreementId);
  const role = await recipientRole(tx, recipients);
  const signature = await signAsNode(
    tx,
    ctx,
    { kind: 'list_version', entityId: exchangeId },
    {
      signer: stored.owner,
      role: 'party',
      contentHash: hash,
      signedAt: stored.signatures[0]?.signedAt ?? new Date().toISOString(),
    },
  );
  const list: ListVersion = { ...stored, signatures: [signature] };
  const ids = [
    ...new Set(list.entries.flatMap((e) => (e.subject.kind === 'registry' ? [e.subject.personId] : []))),
  ];
  const persons = await outboundPersons(tx, ctx, ids, role);
  const sent = await sendPackage(ctx, tx, {
    type: LIST_VERSION_PACKAGE_TYPE,
    version: 1,
    recipients,
    payload: toJsonValue({ exchangeId, list, persons }),
  });
  return { listHash: hash, recipients, packages: sent.all };
}

/** Registry persons as they may leave for `role`: only the whitelisted columns are even read. */
async function outboundPersons(
  tx: Transaction<DB>,
  ctx: RequestContext,
  ids: readonly string[],
  role: 'party' | 'mediator',
): Promise<Record<string, OutboundPerson>> {
  const out: Record<string, OutboundPerson> = {};
  for (let at = 0; at < ids.length; at += 1000) {
    const chunk = ids.slice(at, at + 1000);
    const rows = await tx
      .selectFrom('persons')
      .select([
        'id',
        'sex',
        'birth_date',
        'birth_precision',
        'birth_place',
        'citizenships',
        'category',
        'military_branch',
        'military_unit',
        'military_rank',
        'service_number',
      ])
      .where('org_id', '=', ctx.orgId)
      .where('id', 'in', chunk)
      .execute();
    const names = await tx
      .selectFrom('person_names')
      .select(['person_id', 'script', 'lang', 'family', 'given', 'patronymic'])
      .where('person_id', 'in', chunk)
      .orderBy('person_id')
      .orderBy('ord')
      .execute();
    const refs = await tx
      .selectFrom('external_refs')
      .select(['person_id', 'system', 'value'])
      .where('org_id', '=', ctx.orgId)
      .where('person_id', 'in', chunk)
      .execute();
    for (const r of rows) {
      const military =
        r.military_branch || r.military_unit || r.military_rank || r.service_number
          ? {
              branch: r.military_branch,
              unit: r.military_unit,
              rank: r.military_rank,
              serviceNumber: r.service_number,
            }
          : null;
      out[r.id] = outboundPerson(
        {
          names: names.filter((n) => n.person_id === r.id),
          sex: r.sex,
          birth:
            r.birth_date && r.birth_precision ? { date: r.birth_date, precision: r.birth_precision } : null,
          birthPlace: r.birth_place,
          citizenships: r.citizenships,
          category: r.category,
          military,
          externalRefs: refs.filter((x) => x.person_id === r.id),
        },
        role,
      );
    }
  }
  const missing = ids.find((id) => !out[id]);
  if (missing) throw new DomainError(ErrorCodes.NOT_FOUND, 'the list names a person not in this registry');
  return out;
}

function csvCell(v: string): string {
  return /[",\r\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v;
}

function birthText(b: { date: string; precision: string } | null | undefined): string {
  if (!b) return '';
  if (b.precision === 'day') return b.date;
  if (b.precision === 'month') return b.date.slice(0, 7);
  return b.date.slice(0, 4);
}

/**
 * A received list as rows in the counterpart list format (src/io/counterpart-list-file.ts): one row per
 * nomination, `id` its nomination id, the fields of the person as received (first name of the list),
 * or the counterpart record's own cells. Deterministic, so its hash identifies the rendering.
 */
export function receivedListRows(payload: {
  list: ListVersion;
  persons: Record<string, OutboundPerson | ReceivedPerson>;
}): string {
  const lines = [COUNTERPART_LIST_COLUMNS.join(',')];
  for (const n of payload.list.entries) {
    let cells: Record<(typeof COUNTERPART_LIST_COLUMNS)[number], string>;
    if (n.subject.kind === 'registry') {
      const p = payload.persons[n.subject.personId];
      if (!p)
        throw new DomainError(
          ErrorCodes.VALIDATION_FAILED,
          `nomination ${n.id} names a person the package does not carry`,
        );
      const name = p.names[0]!;
      cells = {
        id: n.id,
        family_name: name.family,
        given_name: name.given ?? '',
        patronymic: name.patronymic ?? '',
        birth_date: birthText(p.birth),
        birth_place: 'birthPlace' in p ? (p.birthPlace ?? '') : '',
        unit: p.military?.unit ?? '',
        service_number: p.military?.serviceNumber ?? '',
        category: n.category,
        person_category: p.category ?? '',
      };
    } else {
      const f = n.subject.record.fields;
      cells = {
        id: n.id,
        family_name: f.family_name ?? '',
        given_name: f.given_name ?? '',
        patronymic: f.patronymic ?? '',
        birth_date: f.birth_date ?? '',
        birth_place: f.birth_place ?? '',
        unit: f.unit ?? '',
        service_number: f.service_number ?? '',
        category: n.category,
        person_category: f.person_category ?? '',
      };
    }
    lines.push(COUNTERPART_LIST_COLUMNS.map((c) => csvCell(cells[c])).join(','));
  }
  return `${lines.join('\n')}\n`;
}

/** Inbox handler for `list.version`: see the file comment. */
export async function applyListVersion(
  ctx: RequestContext,
  tx: Transaction<DB>,
  p: { hash: Uint8Array; sender: string; payload: unknown },
): Promise<'applied' | 'kept'> {
  const raw = p.payload as { exchangeId?: unknown; list?: unknown; persons?: unknown };
  if (typeof raw?.exchangeId !== 'string')
    throw new DomainError(ErrorCodes.VALIDATION_FAILED, 'a list.version payload names its exchange');
  const parsed = ListVersionSchema.safeParse(raw.list);
  if (!parsed.success) throw new DomainError(ErrorCodes.VALIDATION_FAILED, 'the list version is malformed');
  const list = parsed.data;
  const persons = z.record(IdSchema, ReceivedPersonSchema).safeParse(raw.persons ?? {});
  if (!persons.success)
    throw new DomainError(ErrorCodes.VALIDATION_FAILED, 'the persons the list names are malformed');
  const payload = { exchangeId: raw.exchangeId, list, persons: persons.data };
  const key = await signerOfSender(tx, list.agreementId, p.sender);
  if (key.signer !== list.owner)
    throw new DomainError(
      ErrorCodes.KEY_NOT_PINNED_FOR_AGREEMENT,
      `a list owned by ${list.owner} was sent with the key of ${key.signer}`,
    );
  const hash = listHash(list);
  const sig = list.signatures.find((s) => s.signer === list.owner);
  const problem = sig ? pinnedSignatureProblem(sig, key, hash) : 'the list is not signed by its owner';
  if (problem)
    throw new DomainError(ErrorCodes.VALIDATION_FAILED, `list version ${list.version}: ${problem}`);
  // A mediator keeps the parties' lists as the packages they came in (its node has no lists of its own).
  if ((await ownSigner(tx, list.agreementId))?.role === 'mediator') return 'kept';
  const kind: ListKindName = list.kind === 'request' ? 'their_request' : 'their_offer';
  const bytes = new TextEncoder().encode(receivedListRows(payload));
  const digest = createHash('sha256').update(p.hash).digest('hex').slice(0, 16);
  const imported = await importCounterpartList(ctx, tx, {
    exchangeId: payload.exchangeId,
    kind,
    bytes,
    filename: `list-${list.owner}-v${list.version}-${digest}.csv`,
    createdAt: list.createdAt,
  });
  await signListVersion(ctx, tx, payload.exchangeId, imported.id);
  await tx
    .insertInto('received_lists')
    .values({
      version_id: imported.id,
      package_hash: Buffer.from(p.hash),
      list_hash: hash,
      owner: list.owner,
    })
    .execute();
  await commitRecords(tx, [{ table: 'received_lists', key: imported.id }]);
  return 'applied';
}

/**
 * Sends the answers recorded here to a version of their list back to the others, naming their
 * version's hash and their nomination ids.
 */
export async function sendListResponses(
  ctx: RequestContext,
  tx: Transaction<DB>,
  exchangeId: string,
  versionId: string,
): Promise<{ count: number; packages: SentPackage[] }> {
  requirePermission(ctx, 'list:write', 'ledger:write', 'node:sign');
  const received = await tx
    .selectFrom('received_lists')
    .select(['list_hash', 'owner'])
    .where('version_id', '=', versionId)
    .executeTakeFirst();
  if (!received)
    throw new DomainError(
      ErrorCodes.VALIDATION_FAILED,
      'only answers to a list received as a package are sent back',
    );
  const detail = await loadListVersion(tx, ctx, exchangeId, versionId);
  const own = await ownSigner(tx, (await loadDomainListVersion(tx, ctx, exchangeId, versionId)).agreementId);
  if (!own) throw new DomainError(ErrorCodes.KEY_NOT_PINNED_FOR_AGREEMENT, "this node's key is not pinned");
  const entries = detail.entries.flatMap((e) => {
    const theirId =
      e.nomination.subject.kind === 'counterpart' ? e.nomination.subject.record.fields.id : undefined;
    return e.response && theirId ? [{ nominationId: theirId, response: e.response, note: null }] : [];
  });
  if (!entries.length) throw new DomainError(ErrorCodes.VALIDATION_FAILED, 'no answers recorded to send');
  const response: ListResponse = {
    listHash: received.list_hash,
    responder: own.signer,
    respondedAt: new Date().toISOString(),
    entries,
  };
  const sent = await sendPackage(ctx, tx, {
    type: LIST_RESPONSE_PACKAGE_TYPE,
    version: 1,
    recipients: (await requireOtherSignerNodes(tx, own.agreementId)).nodes,
    payload: toJsonValue({ exchangeId, response }),
  });
  return { count: entries.length, packages: sent.all };
}

/** Inbox handler for `list.response`: answers to one of our versions, recorded on it. */
export async function applyListResponses(
  ctx: RequestContext,
  tx: Transaction<DB>,
  p: { sender: string; payload: unknown },
): Promise<'applied' | 'kept'> {
  const raw = p.payload as { exchangeId?: unknown; response?: ListResponse };
  if (typeof raw?.exchangeId !== 'string' || !raw.response)
    throw new DomainError(
      ErrorCodes.VALIDATION_FAILED,
      'a list.response payload names its exchange and answers',
    );
  const r = raw.response;
  const ours = await tx
    .selectFrom('exchange_list_versions')
    .innerJoin('exchanges', 'exchanges.id', 'exchange_list_versions.exchange_id')
    .select(['exchange_list_versions.id', 'exchanges.agreement'])
    .where('exchange_list_versions.exchange_id', '=', raw.exchangeId)
    .where('exchange_list_versions.version_hash', '=', String(r.listHash))
    .where('exchange_list_versions.kind', 'in', ['our_request', 'our_offer'])
    .executeTakeFirst();
  if (!ours) {
    // The mediator keeps answers between the parties; a party must find the version they answer.
    const agreementOf = await tx
      .selectFrom('exchanges')
      .select('agreement')
      .where('id', '=', raw.exchangeId)
      .executeTakeFirst();
    const id = (agreementOf?.agreement as { id?: string } | undefined)?.id;
    if (id && (await ownSigner(tx, id))?.role === 'mediator') return 'kept';
    throw new DomainError(ErrorCodes.NOT_FOUND, 'the answers name no list version of ours');
  }
  const key = await signerOfSender(tx, (ours.agreement as { id: string }).id, p.sender);
  if (key.signer !== r.responder)
    throw new DomainError(
      ErrorCodes.KEY_NOT_PINNED_FOR_AGREEMENT,
      `answers by ${String(r.responder)} were sent with the key of ${key.signer}`,
    );
  await recordListResponses(ctx, tx, raw.exchangeId, String(ours.id), {
    responder: r.responder,
    respondedAt: r.respondedAt,
    entries: r.entries,
  });
  return 'applied';
}
