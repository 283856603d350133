/**
 * Every action the audit trail records, with the entity it is about and the exact shape of its
 * detail: `writeAudit` (src/db/audit.ts) accepts only these, so an unknown action or a detail of the
 * wrong shape does not compile. Details name fields, counts, ids, hashes and key references, never
 * personal values, so the trail can be shown to auditors without becoming a second registry.
 */
import type { Role } from './access.ts';

/** What was signed with the node's key. */
export const NodeSignedKinds = [
  'agreement',
  'list_version',
  'manifest',
  'stage_confirmation',
  'substitution_approval',
  'package',
] as const;
export type NodeSignedKind = (typeof NodeSignedKinds)[number];

type Range = [number | undefined, number | undefined];

export interface AuditEvents {
  'person.created': {
    entityType: 'person';
    detail: { fields: string[] } | { via: 'import'; source: string } | { via: string; events: number };
  };
  'person.updated': {
    entityType: 'person';
    detail: { fields: string[] } | { via: 'import'; source: string };
  };
  'person.restricted_read': { entityType: 'person'; detail: { fields: string[] } };
  'person.exported': { entityType: 'registry'; detail: { format: string; rows: number } };
  'status.recorded': {
    entityType: 'person';
    detail: { eventId: string; dimension: string; value: string; supersedes: string | null };
  };
  'registry.imported': {
    entityType: 'registry';
    detail: { source: string; total: number; created: number; updated: number; unchanged: number };
  };
  'user.created': { entityType: 'user'; detail: { roles: readonly Role[] | string[] } };
  'user.disabled': { entityType: 'user'; detail?: undefined };
  'user.signed_in': { entityType: 'user'; detail?: undefined };
  'user.sign_in_failed': { entityType: 'user'; detail?: undefined };
  'token.created': { entityType: 'token'; detail: { user: string } };
  'node.initialised': { entityType: 'node'; detail?: undefined };
  /** Rows written before record commitments existed, committed once on the first start after. */
  'records.baseline': { entityType: 'log'; detail: { records: number; entries: number[] } };
  'node.party_set': { entityType: 'node'; detail: { party: string } };
  'evidence.notarized': { entityType: 'log'; detail: { sha256: string } };
  'package.sent': {
    entityType: 'package';
    detail: { type: string; recipients: number; sequences: number[]; logIndexes: Range };
  };
  'package.delivered': {
    entityType: 'package';
    detail: { recipient: string; count: number; sequences: number[] };
  };
  'package.accepted': {
    entityType: 'package';
    detail: { count: number; senders: string[]; types: string[]; logIndexes: Range };
  };
  'match.candidates_recorded': {
    entityType: 'registry';
    detail: { kind: string; source: string | null; proposed: number; added: number };
  };
  'match.decided': {
    entityType: 'match' | 'person';
    detail: {
      kind: string;
      decision: 'confirmed' | 'rejected';
      band: string | null;
      score: number | null;
      note: boolean;
    } & ({ personIds: string[] } | { matchCandidate: string });
  };
  'exchange.created': {
    entityType: 'exchange';
    detail: { agreementId: string; version: number; agreementHash: string; logIndex: number };
  };
  'exchange.events_recorded': {
    entityType: 'exchange';
    detail: { count: number; seqs: Range; kinds: string[]; logIndexes: Range };
  };
  'exchange.bulletin_published': {
    entityType: 'exchange';
    detail: { hash: string; logIndex: number; stages: number; seq: number };
  };
  'list.version_created': { entityType: 'exchange'; detail: ListVersionDetail };
  'list.imported': { entityType: 'exchange'; detail: ListVersionDetail };
  'list.signed': {
    entityType: 'exchange';
    detail: { kind: string; version: number; versionHash: string; logIndex: number };
  };
  'list.responses_recorded': {
    entityType: 'exchange';
    detail: { kind: string; version: number; count: number };
  };
  'job.started': { entityType: 'job'; detail: { kind: string } };

  // ---- Trust changes: whom this node believes. ----
  /** A key trusted for packages (`package pin`). */
  'trust.key_pinned': { entityType: 'key'; detail: { keyRef: string; vkeySha256: string } };
  /** A key pinned as one signer's under an agreement. */
  'trust.agreement_key_pinned': {
    entityType: 'key';
    detail: { agreementId: string; signer: string; role: string; keyRef: string; own: boolean };
  };
  /** Where a peer node listens (`package peer`). */
  'trust.peer_set': {
    entityType: 'peer';
    detail: { nodeName: string; url: string; previousUrl: string | null };
  };
  /** A log this node witnesses (`log witness trust`). */
  /** This node's signing key replaced (`key rotate`): the rotation note's number and both key refs. */
  'node_key.rotated': {
    entityType: 'node';
    detail: { seq: number; logSize: number; oldKeyRef: string; newKeyRef: string; noteSha256: string };
  };
  /** Another node's key followed along its rotation notes (`key follow`). */
  'trust.key_followed': {
    entityType: 'key';
    detail: { where: 'pinned' | 'witnessed'; fromKeyRef: string; toKeyRef: string };
  };
  'trust.log_witnessed': {
    entityType: 'log';
    detail: { origin: string; keyRef: string; size: number; replacedKey: boolean };
  };
  /** A witness of this node's log (`log witness add`). */
  'trust.witness_added': { entityType: 'log'; detail: { name: string; keyRef: string; url: string | null } };
  /** How many witnesses make a checkpoint final (`log quorum`). */
  'trust.witness_quorum_set': { entityType: 'log'; detail: { quorum: number; witnesses: number } };

  // ---- Signatures made with the node's key: what was signed, never its content. ----
  'node_key.signed': {
    entityType: 'exchange' | 'package';
    detail: { kind: NodeSignedKind; sha256: string; keyRef: string; signer?: string | undefined };
  };
}

// A type, not an interface: details are plain JSON objects, assignable to `Record<string, unknown>`.
type ListVersionDetail = {
  kind: string;
  version: number;
  versionHash: string;
  entries: number;
  fileSha256?: string;
  flags: Record<string, number>;
};

export type AuditAction = keyof AuditEvents;
export type AuditEntityType = AuditEvents[AuditAction]['entityType'];

/** One audit row to write: the action decides the entity type and the detail's shape. */
export type AuditEntry = {
  [A in AuditAction]: {
    action: A;
    entityType: AuditEvents[A]['entityType'];
    entityId: string | null;
  } & (undefined extends AuditEvents[A]['detail']
    ? { detail?: undefined }
    : { detail: AuditEvents[A]['detail'] });
}[AuditAction];

/** The detail stored for an action that has none: writeAudit writes `{}`. */
export type NoAuditDetail = Record<string, never>;

/** What a stored audit row holds as the detail of action `A`. */
export type StoredAuditDetail<A extends AuditAction> = undefined extends AuditEvents[A]['detail']
  ? NoAuditDetail
  : AuditEvents[A]['detail'];

/** Any stored audit detail (the audit_events.detail column). */
export type AuditDetail = StoredAuditDetail<AuditAction>;

/** A stored audit row's action, entity type and detail, correlated: narrowing on `action` types `detail`. */
export type AuditRecord = {
  [A in AuditAction]: {
    action: A;
    entityType: AuditEvents[A]['entityType'];
    detail: StoredAuditDetail<A>;
  };
}[AuditAction];
