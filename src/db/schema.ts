import type { ColumnType, Generated } from 'kysely';
import type { z } from 'zod';
import type { ActorKind } from '../domain/actor.ts';
import type { AuditDetail } from '../domain/audit-events.ts';
import type { Agreement } from '../domain/exchange/agreement.ts';
import type { Bulletin, Disclosure } from '../domain/exchange/bulletin.ts';
import type { Signature } from '../domain/exchange/common.ts';
import type { MatchOutcome } from '../domain/exchange/counterpart.ts';
import type { Substitution } from '../domain/exchange/handover.ts';
import type { Nomination } from '../domain/exchange/list.ts';
import type { ExchangeEvent } from '../domain/exchange/operation.ts';
import type { MatchFieldSchema } from '../domain/match.ts';
import type { PersonRecord } from '../domain/person-view.ts';

/** Timestamps come back from pg as Date; repositories turn them into ISO strings. */
type Timestamp = ColumnType<Date, Date | string, Date | string>;
/**
 * A jsonb column holding a T: pg parses it on read, so a select gives the T that was written; a write
 * passes the JSON text (JSON.stringify of a T). The T is what the code that writes the column stores.
 */
type Json<T> = ColumnType<T, string, string>;
type GeneratedTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export interface NodeIdentityTable {
  id: number;
  name: string;
  org_id: string;
  public_key: string;
  /** Plaintext PKCS #8 PEM of nodes before migration 015; NULL once sealed. */
  private_key: string | null;
  /** The signing key sealed under the key file or passphrase (src/ledger/key-store.ts). */
  sealed_key: string | null;
  demo: boolean;
  /** The party or mediator id this node acts as in agreements (migration 017); null until set. */
  party: string | null;
  created_at: GeneratedTimestamp;
}

export interface NodeKeyRotationsTable {
  seq: number;
  old_public_key: string;
  new_public_key: string;
  /** The rotation note, signed by the old key and the new one (src/app/node/key-rotation.ts). */
  note: string;
  created_at: GeneratedTimestamp;
}

export interface UsersTable {
  id: string;
  org_id: string;
  username: string;
  display_name: string;
  password_hash: string;
  roles: string[];
  disabled_at: Timestamp | null;
  created_at: GeneratedTimestamp;
}

export interface SessionsTable {
  token_hash: string;
  user_id: string;
  csrf_token: string;
  created_at: GeneratedTimestamp;
  expires_at: Timestamp;
}

export interface ApiTokensTable {
  id: string;
  user_id: string;
  token_hash: string;
  name: string;
  created_at: GeneratedTimestamp;
  expires_at: Timestamp | null;
  revoked_at: Timestamp | null;
}

export interface LoginFailuresTable {
  id: Generated<number>;
  key: string;
  at: GeneratedTimestamp;
}

/** Sign-in throttle counters (migration 016, src/app/accounts/sign-in-throttle.ts). */
export interface SignInThrottleTable {
  key: string;
  failures: number;
  last_at: Timestamp;
}

export interface PersonsTable {
  id: string;
  org_id: string;
  sex: string;
  birth_date: string | null;
  birth_precision: string | null;
  birth_year: number | null;
  birth_place: string | null;
  citizenships: string[];
  category: string | null;
  military_branch: string | null;
  military_unit: string | null;
  military_rank: string | null;
  service_number: string | null;
  contacts: Json<NonNullable<PersonRecord['contacts']>> | null;
  health: Json<NonNullable<PersonRecord['health']>> | null;
  marks: string | null;
  photos: Json<NonNullable<PersonRecord['photos']>> | null;
  /** Derived from status_events by replay; kept in the same transaction for filtering. */
  fate_status: string;
  exchange_status: string;
  legal_status: string;
  display_name: string;
  version: number;
  created_at: GeneratedTimestamp;
  updated_at: GeneratedTimestamp;
  /** Transaction that last changed what matching reads (migration 004); bigint as a string. */
  match_txid: ColumnType<string, never, never>;
}

export interface PersonNamesTable {
  id: string;
  person_id: string;
  ord: number;
  script: string;
  lang: string;
  family: string;
  given: string | null;
  patronymic: string | null;
  raw: string | null;
  scheme: string | null;
  source: string | null;
  family_key: string;
  given_key: string;
  patronymic_key: string;
  /** Copies of the person's, for index-only name search (migration 002). */
  org_id: string;
  display_name: string;
  birth_year: number | null;
}

export interface ExternalRefsTable {
  person_id: string;
  org_id: string;
  system: string;
  value: string;
}

export interface StatusEventsTable {
  id: string;
  person_id: string;
  org_id: string;
  dimension: string;
  value: string;
  occurred_at: Timestamp;
  recorded_at: Timestamp;
  source_type: string;
  source_ref: string | null;
  verification: string;
  note: string | null;
  supersedes: string | null;
  recorded_by: string | null;
}

export interface AuditEventsTable {
  id: Generated<string>;
  org_id: string;
  at: GeneratedTimestamp;
  actor_id: string | null;
  actor_name: string;
  /** user, operator, node or peer (src/domain/actor.ts); null on rows written before migration 017. */
  actor_kind: ActorKind | null;
  action: string;
  entity_type: string;
  entity_id: string | null;
  /** One of the details src/domain/audit-events.ts declares, as writeAudit wrote it. */
  detail: Json<AuditDetail>;
  request_id: string | null;
}

export interface LogHeadTable {
  id: number;
  /** bigint: pg returns it as a string. */
  size: ColumnType<string, number | string, number | string>;
  frontier: Uint8Array;
  witness_quorum: ColumnType<number, number | undefined, number>;
}

export interface LogEntriesTable {
  idx: ColumnType<string, number | string, never>;
  kind: string;
  data: Uint8Array;
  created_at: GeneratedTimestamp;
}

export interface LogNodesTable {
  level: number;
  idx: ColumnType<string, number | string, never>;
  hash: Uint8Array;
}

export interface LogCheckpointsTable {
  size: ColumnType<string, number | string, never>;
  root: Uint8Array;
  note: string;
  created_at: GeneratedTimestamp;
}

export interface LogCosignaturesTable {
  size: ColumnType<string, number | string, never>;
  witness: string;
  signature_line: string;
  created_at: GeneratedTimestamp;
}

/** One committed version of a record (migration 014, src/db/records.ts). */
export interface RecordCommitmentsTable {
  log_idx: ColumnType<string, number | string, never>;
  seq: number;
  table_name: string;
  row_id: string;
  version: ColumnType<string, number | string, never>;
  digest: Uint8Array;
}

export interface LogWitnessesTable {
  name: string;
  vkey: string;
  url: string | null;
  created_at: GeneratedTimestamp;
}

export interface WitnessedLogsTable {
  origin: string;
  vkey: string;
  size: ColumnType<string, number | string | undefined, number | string>;
  root: Uint8Array | null;
  checkpoint: string | null;
  updated_at: GeneratedTimestamp;
}

export interface WitnessEvidenceTable {
  id: ColumnType<string, never, never>;
  origin: string;
  reason: 'fork' | 'inconsistent';
  recorded_size: ColumnType<string, number | string, never>;
  recorded_checkpoint: string | null;
  request: Uint8Array;
  created_at: GeneratedTimestamp;
}

export interface PinnedKeysTable {
  vkey: string;
  key_ref: string;
  label: ColumnType<string, string | undefined, string>;
  created_at: GeneratedTimestamp;
}

export interface PackagesTable {
  hash: Uint8Array;
  direction: 'sent' | 'accepted';
  sender: string;
  sequence: ColumnType<string, number | string, never>;
  type: string;
  log_index: ColumnType<string, number | string, never>;
  bytes: Uint8Array;
  /** The recipient of a sent package (its chain), '*' for one sent to several before migration 011, '' when accepted. */
  peer: ColumnType<string, string | undefined, never>;
  created_at: GeneratedTimestamp;
}

/** The package key of each party and mediator, pinned per agreement (migration 008). */
export interface AgreementKeysTable {
  agreement_id: string;
  signer: string;
  role: 'party' | 'mediator';
  vkey: string;
  key_ref: string;
  node_name: string;
  pinned_by: string;
  created_at: GeneratedTimestamp;
}

/** What this node did with each accepted package's content (migration 008). */
export interface PackageApplicationsTable {
  package_hash: Uint8Array;
  log_index: ColumnType<string, number | string, never>;
  type: string;
  status: 'applied' | 'refused' | 'kept';
  code: string | null;
  message: string | null;
  created_at: GeneratedTimestamp;
}

/** A counterpart's list version received as a package (migration 008). */
export interface ReceivedListsTable {
  version_id: ColumnType<string, number | string, never>;
  package_hash: Uint8Array;
  list_hash: string;
  owner: string;
}

/** Where peer nodes listen (migration 009). */
export interface PeersTable {
  node_name: string;
  url: string;
  created_at: GeneratedTimestamp;
}

/** Attempts to deliver sent packages (migration 009). */
export interface PackageDeliveriesTable {
  id: Generated<string>;
  package_hash: Uint8Array;
  recipient: string;
  status: 'delivered' | 'failed';
  detail: string | null;
  created_at: GeneratedTimestamp;
}

/** Agreement versions proposed for an exchange (migration 010). */
export interface AgreementDraftsTable {
  agreement_hash: string;
  org_id: string;
  exchange_id: string;
  agreement_id: string;
  version: number;
  body: Json<Agreement>;
  proposed_by: string;
  created_at: GeneratedTimestamp;
}

/** Signatures over agreement versions (migration 010). */
export interface AgreementSignaturesTable {
  agreement_hash: string;
  signer: string;
  signature: Json<Signature>;
  created_at: GeneratedTimestamp;
}

/** Substitutions proposed for approval by both parties (migration 012). */
export interface SubstitutionProposalsTable {
  approval_hash: string;
  exchange_id: string;
  stage_id: string;
  substitution_id: string;
  body: Json<Substitution>;
  proposed_by: string;
  created_at: GeneratedTimestamp;
}

/** Parties' approvals of proposed substitutions (migration 012). */
export interface SubstitutionApprovalsTable {
  approval_hash: string;
  signer: string;
  signature: Json<Signature>;
  created_at: GeneratedTimestamp;
}

/** The review queue of match candidates (migration 004). */
export interface MatchCandidatesTable {
  id: string;
  org_id: string;
  kind: 'duplicate' | 'list';
  pair_key: string;
  person_id: string;
  other_person_id: string | null;
  /** The counterpart's list row (ListSubject, src/app/matching/match-review.ts). */
  subject: Json<unknown> | null;
  source: string | null;
  score: number;
  band: 'likely' | 'possible';
  explanation: string;
  fields: Json<z.infer<typeof MatchFieldSchema>[]>;
  status: ColumnType<'pending' | 'confirmed' | 'rejected', undefined, 'confirmed' | 'rejected'>;
  created_at: GeneratedTimestamp;
  created_by: string;
  decided_at: Timestamp | null;
  decided_by: string | null;
  decision_note: string | null;
}

/** Exchange operations (migration 006), append-only. */
export interface ExchangesTable {
  id: string;
  org_id: string;
  agreement: Json<Agreement>;
  agreement_hash: string;
  log_index: ColumnType<string, number | string, never>;
  created_by: string;
  created_at: GeneratedTimestamp;
}

export interface ExchangeEventsTable {
  exchange_id: string;
  seq: number;
  kind: string;
  event: Json<ExchangeEvent>;
  commitment: Uint8Array;
  chain: Uint8Array;
  log_index: ColumnType<string, number | string, never>;
  created_by: string;
  created_at: GeneratedTimestamp;
}

export interface ExchangeBulletinsTable {
  id: ColumnType<string, never, never>;
  exchange_id: string;
  seq: number;
  bulletin: Json<Bulletin>;
  disclosures: Json<Disclosure[]>;
  bulletin_hash: string;
  log_index: ColumnType<string, number | string, never>;
  created_by: string;
  created_at: GeneratedTimestamp;
}

/** Lists and negotiation (migration 007); a version is immutable once signed. */
export interface ExchangeListVersionsTable {
  id: ColumnType<string, never, never>;
  exchange_id: string;
  kind: string;
  owner: string;
  version: number;
  parent_hash: string | null;
  version_hash: string;
  created_iso: string;
  source_file_sha256: string | null;
  entry_count: number;
  signed_at: ColumnType<Date | null, never, Date>;
  signature: Json<Signature> | null;
  log_index: ColumnType<string | null, never, number | string>;
  created_by: string;
  created_at: GeneratedTimestamp;
}

export interface ExchangeListEntriesTable {
  version_id: ColumnType<string, number | string, never>;
  ord: number;
  nomination_id: string;
  person_id: string | null;
  record_hash: string | null;
  nomination: Json<Nomination>;
  claimed_category: string | null;
  flags: ColumnType<string[], string[] | undefined, never>;
  match: Json<MatchOutcome> | null;
  eligibility: Json<ListEntryEligibility> | null;
  duplicate_of: number | null;
}

export interface ExchangeListResponsesTable {
  id: ColumnType<string, never, never>;
  version_id: ColumnType<string, number | string, never>;
  nomination_id: string;
  response: string;
  note: string | null;
  responder: string;
  responded_at: string;
  created_by: string;
  created_at: GeneratedTimestamp;
}

/** Background jobs (migration 013). */
export interface JobsTable {
  id: string;
  org_id: string;
  kind: 'person_import' | 'list_import' | 'dedup';
  state: ColumnType<JobState, JobState | undefined, JobState>;
  phase: string | null;
  done: ColumnType<number, number | undefined, number>;
  total: ColumnType<number | null, number | null | undefined, number | null>;
  input: Json<JobInputs[JobKind]>;
  /** The handler's own checkpoint and result (src/app/jobs): opaque here. */
  checkpoint: Json<unknown> | null;
  result: Json<unknown> | null;
  error: Json<JobError> | null;
  created_by_user: string | null;
  created_by: string;
  roles: string[];
  created_at: GeneratedTimestamp;
  started_at: Timestamp | null;
  heartbeat_at: Timestamp | null;
  finished_at: Timestamp | null;
}
export type JobState = 'queued' | 'running' | 'succeeded' | 'failed';
export type JobKind = JobsTable['kind'];

/** What each kind of job is given (src/app/jobs/jobs.ts runs them). */
export interface JobInputs {
  person_import: { file: string; fileName: string; fileSha256: string };
  list_import: {
    file: string;
    fileName: string;
    exchangeId: string;
    /** A counterpart's list: their offer or their request (ListKindNames, src/app/lists). */
    kind: 'their_offer' | 'their_request';
  };
  dedup: { likelyOnly: boolean };
}

/** Why a job failed: a domain error's code, message and details. */
export interface JobError {
  code: string;
  message: string;
  details?: Record<string, unknown> | undefined;
}

/** Whether a nominated person meets the agreement's category, and why (src/app/lists). */
export interface ListEntryEligibility {
  value: 'true' | 'false' | 'unknown';
  reason: string;
}

export interface DB {
  jobs: JobsTable;
  node_identity: NodeIdentityTable;
  node_key_rotations: NodeKeyRotationsTable;
  users: UsersTable;
  sessions: SessionsTable;
  api_tokens: ApiTokensTable;
  login_failures: LoginFailuresTable;
  sign_in_throttle: SignInThrottleTable;
  persons: PersonsTable;
  person_names: PersonNamesTable;
  external_refs: ExternalRefsTable;
  status_events: StatusEventsTable;
  audit_events: AuditEventsTable;
  match_candidates: MatchCandidatesTable;
  log_head: LogHeadTable;
  log_entries: LogEntriesTable;
  log_nodes: LogNodesTable;
  log_checkpoints: LogCheckpointsTable;
  log_cosignatures: LogCosignaturesTable;
  record_commitments: RecordCommitmentsTable;
  log_witnesses: LogWitnessesTable;
  witnessed_logs: WitnessedLogsTable;
  witness_evidence: WitnessEvidenceTable;
  pinned_keys: PinnedKeysTable;
  packages: PackagesTable;
  agreement_keys: AgreementKeysTable;
  package_applications: PackageApplicationsTable;
  received_lists: ReceivedListsTable;
  peers: PeersTable;
  agreement_drafts: AgreementDraftsTable;
  agreement_signatures: AgreementSignaturesTable;
  substitution_proposals: SubstitutionProposalsTable;
  substitution_approvals: SubstitutionApprovalsTable;
  package_deliveries: PackageDeliveriesTable;
  exchanges: ExchangesTable;
  exchange_events: ExchangeEventsTable;
  exchange_bulletins: ExchangeBulletinsTable;
  exchange_list_versions: ExchangeListVersionsTable;
  exchange_list_entries: ExchangeListEntriesTable;
  exchange_list_responses: ExchangeListResponsesTable;
}
