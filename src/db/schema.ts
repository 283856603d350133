import type { ColumnType, Generated } from 'kysely';

/** Timestamps come back from pg as Date; repositories turn them into ISO strings. */
type Timestamp = ColumnType<Date, Date | string, Date | string>;
type Json<T> = ColumnType<T, string, string>;
type GeneratedTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export interface NodeIdentityTable {
  id: number;
  name: string;
  org_id: string;
  public_key: string;
  private_key: string;
  demo: boolean;
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
  contacts: Json<unknown> | null;
  health: Json<unknown> | null;
  marks: string | null;
  photos: Json<unknown> | null;
  /** Derived from status_events by replay; kept in the same transaction for filtering. */
  fate_status: string;
  exchange_status: string;
  legal_status: string;
  display_name: string;
  version: number;
  created_at: GeneratedTimestamp;
  updated_at: GeneratedTimestamp;
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
  action: string;
  entity_type: string;
  entity_id: string | null;
  detail: Json<Record<string, unknown>>;
  request_id: string | null;
}

export interface DB {
  node_identity: NodeIdentityTable;
  users: UsersTable;
  sessions: SessionsTable;
  api_tokens: ApiTokensTable;
  login_failures: LoginFailuresTable;
  persons: PersonsTable;
  person_names: PersonNamesTable;
  external_refs: ExternalRefsTable;
  status_events: StatusEventsTable;
  audit_events: AuditEventsTable;
}
