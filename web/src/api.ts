import { createContext, useContext } from 'react';

/** Shapes of the JSON API under /api, as the UI uses them. */

export type Dimension = 'fate' | 'exchange' | 'legal';
export const dimensions: readonly Dimension[] = ['fate', 'exchange', 'legal'];

export interface User {
  id: string;
  username: string;
  displayName: string;
  roles: string[];
  /** If the server lists them, actions the user may not take are hidden rather than refused. */
  permissions?: string[];
}

export interface Session {
  user: User;
  csrfToken: string;
}

export interface Meta {
  categories: string[];
  sexes: string[];
  dimensions: Record<Dimension, string[]>;
  transitions: Record<Dimension, Record<string, string[]>>;
  sourceTypes: string[];
  verificationLevels: string[];
  scripts: string[];
}

export interface PersonName {
  script: string;
  lang: string;
  family: string;
  given?: string | null;
  patronymic?: string | null;
  raw?: string | null;
  scheme?: string | null;
  source?: string | null;
}

export interface BirthDate {
  date: string;
  precision: string;
}

export type StatusTriple = Record<Dimension, string>;

export interface PersonSummary {
  id: string;
  displayName: string;
  names: PersonName[];
  birth: BirthDate | null;
  category: string | null;
  status: StatusTriple;
  /** Present when the matching engine found this person for the query. */
  match?: MatchInfo;
}

export interface MatchField {
  field: string;
  level: string;
  weight: number;
}

export interface MatchInfo {
  score: number;
  band: 'likely' | 'possible';
  explanation: string;
  fields: MatchField[];
}

export interface ListSubject {
  listId: string;
  names: { family?: string | null; given?: string | null; patronymic?: string | null }[];
  birthDate?: string | null;
  birthPlace?: string | null;
  unit?: string | null;
  serviceNumber?: string | null;
}

export type MatchStatus = 'pending' | 'confirmed' | 'rejected';

export interface MatchCandidate extends MatchInfo {
  id: string;
  kind: 'duplicate' | 'list';
  status: MatchStatus;
  person: Person | null;
  otherPerson: Person | null;
  subject: ListSubject | null;
  source: string | null;
  createdAt: string;
  createdBy: string;
  decidedAt: string | null;
  decidedBy: string | null;
  note: string | null;
}

export interface Military {
  branch?: string | null;
  unit?: string | null;
  rank?: string | null;
  serviceNumber?: string | null;
}

export interface Contact {
  name: string;
  relation?: string | null;
  phone?: string | null;
  email?: string | null;
}

export interface HealthFlag {
  flag: string;
  determination?: string | null;
}

export interface Photo {
  sha256: string;
  caption?: string | null;
}

export interface ExternalRef {
  system: string;
  value: string;
}

export interface Person {
  id: string;
  displayName?: string;
  names: PersonName[];
  birth: BirthDate | null;
  category: string | null;
  status: StatusTriple;
  /** Absent for roles limited to the minimal view (mediators). */
  sex?: string | null;
  birthPlace?: string | null;
  citizenships?: string[];
  military?: Military | null;
  externalRefs?: ExternalRef[];
  version: number;
  createdAt: string;
  updatedAt: string;
  /** Restricted fields: absent when the signed-in role may not see them. */
  contacts?: Contact[] | null;
  health?: HealthFlag[] | null;
  marks?: string | null;
  photos?: Photo[] | null;
}

export interface PersonInput {
  names: PersonName[];
  sex: string;
  birth: BirthDate | null;
  birthPlace: string | null;
  citizenships: string[];
  category: string | null;
  military: Military | null;
  externalRefs: ExternalRef[];
  contacts?: Contact[];
  health?: HealthFlag[];
  marks?: string | null;
  version?: number;
}

export interface StatusEvent {
  id: string;
  dimension: Dimension;
  value: string;
  occurredAt: string;
  recordedAt: string;
  sourceType: string;
  sourceRef?: string | null;
  verification: string;
  note?: string | null;
  supersedes?: string | null;
  recordedBy?: string | null;
}

export interface StatusEventInput {
  dimension: Dimension;
  value: string;
  occurredAt: string;
  sourceType: string;
  sourceRef?: string;
  verification: string;
  note?: string;
  supersedes?: string;
}

export interface AuditEntry {
  id: string;
  at: string;
  actor: string | null;
  action: string;
  detail: unknown;
}

export interface ImportResult {
  created: number;
  updated: number;
  unchanged: number;
  total: number;
}

/** A background job (imports, dedup) as GET /api/jobs/:id reports it. */
export interface Job {
  id: string;
  kind: 'person_import' | 'list_import' | 'dedup';
  state: 'queued' | 'running' | 'succeeded' | 'failed';
  phase: string | null;
  done: number;
  total: number | null;
  result: unknown;
  error: { code: string; message: string; details?: Record<string, unknown> } | null;
}

/** What a list import job reports when it succeeded. */
export interface ListImportResult {
  versionId: string;
  version: number;
  entryCount: number;
  flagCounts: Record<ListFlag, number>;
  queued: number;
}

export interface ImportRowError {
  /** 1-based line or spreadsheet row; 0 means the file as a whole. */
  line: number;
  column: string | null;
  code: string;
  message: string;
  /** Parameters of the code's translated message (msg.row.<code>). */
  params?: Record<string, string | number>;
  /** Character position within the line, for parse errors. */
  position?: number;
}

export interface ValidationIssue {
  path: string;
  message: string;
}

export interface PersonQuery {
  q?: string;
  birthYear?: string;
  category?: string;
  status?: string;
  limit: number;
  offset: number;
}

/** Lists and negotiation (see src/app/lists/lists.ts). */
export type ListKind = 'our_request' | 'our_offer' | 'their_request' | 'their_offer';
export const ListFlags = [
  'matched',
  'ambiguous',
  'unknown',
  'already_released',
  'ineligible_for_category',
  'eligibility_unknown',
  'duplicate_within_list',
  'impossible_date',
] as const;
export type ListFlag = (typeof ListFlags)[number];

export interface ListVersionSummary {
  id: string;
  exchangeId: string;
  kind: ListKind;
  owner: string;
  version: number;
  parentHash: string | null;
  versionHash: string;
  createdAt: string;
  sourceFileSha256: string | null;
  entryCount: number;
  signed: boolean;
  signedAt: string | null;
  logIndex: number | null;
  createdBy: string;
}

export type ListMatch =
  | { kind: 'matched'; personId: string; score: number; band: string; explanation: string }
  | { kind: 'ambiguous'; candidates: { personId: string; score: number }[] }
  | { kind: 'none' };

export interface ListEntry {
  ord: number;
  nomination: {
    id: string;
    category: string;
    reserve: boolean;
    subject:
      | { kind: 'registry'; personId: string }
      | {
          kind: 'counterpart';
          record: { source: { fileSha256: string; row: number }; fields: Record<string, string> };
        };
  };
  key: string;
  personId: string | null;
  recordHash: string | null;
  claimedCategory: string | null;
  flags: ListFlag[];
  match: ListMatch | null;
  eligibility: { value: 'true' | 'false' | 'unknown'; reason: string } | null;
  duplicateOf: number | null;
  response: string | null;
  registryName: string | null;
}

export interface ListVersionDetail extends ListVersionSummary {
  entries: ListEntry[];
  flagCounts: Record<ListFlag, number>;
}

/** An error answer from the API (or a network failure, code NETWORK). */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: Record<string, unknown> | undefined;
  constructor(status: number, code: string, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details;
  }

  /** Field issues of a VALIDATION_FAILED answer, with paths relative to the body ("names.0.family"). */
  get issues(): ValidationIssue[] {
    const issues = this.details?.issues;
    if (!Array.isArray(issues)) return [];
    return (issues as ValidationIssue[]).map((i) => ({
      path: String(i.path ?? '').replace(/^body\.?/, ''),
      message: String(i.message ?? ''),
    }));
  }

  /** Row errors of an IMPORT_REJECTED answer. */
  get rows(): ImportRowError[] {
    const rows = this.details?.rows;
    return Array.isArray(rows) ? (rows as ImportRowError[]) : [];
  }
}

/** Counts of one stage, derived on the server from the handover records (never stored). */
export interface StageCounts {
  planned: number;
  onManifest: number;
  presented: number;
  handedOver: number;
  outsideExchange: number;
  notHandedOver: number;
  pending: number;
  discrepancies: Record<string, number>;
}

export interface Reconciliation {
  stageId: string;
  cells: (StageCounts & { direction: string; category: string })[];
  totals: Record<string, StageCounts>;
  substitutionChains: string[][];
  exceptions: number;
}

export interface StageSummary {
  stageId: string;
  date: string;
  crossingPoint: string;
  status: string;
}

export interface ExchangeSummary {
  id: string;
  agreement: { id: string; version: number; title: string; ordinal: number | null };
  parties: string[];
  events: number;
  createdAt: string;
  stages: StageSummary[];
}

export interface BoardLine {
  entryId: string;
  personRef: string;
  /** Only when the line names a registry person the signed-in role may read. */
  name: string | null;
  direction: string;
  category: string;
  outsideExchange: boolean;
  record: {
    id: string;
    outcome: 'handed_over' | 'not_handed_over';
    willingness: string;
    fitness: string;
    identity: string | null;
    crossedAt: string | null;
    discrepancies: string[];
    recordedAt: string;
  } | null;
}

/** Which signer of the agreement this node acts as (src/app/node/node-party.ts). */
export interface ActingParty {
  id: string;
  name: string;
  role: 'party' | 'mediator';
  basis: 'node_setting' | 'demo_node';
}

export interface StageWarning {
  id: string;
  kind: string;
  message: string;
  /** The message as a catalogue code with parameters (msg.warning.*). */
  code?: string;
  params?: Record<string, string | number>;
  justification: { code: string; note: string | null; by: string } | null;
}

export interface StageBoard extends StageSummary {
  exchangeId: string;
  seq: number;
  manifestVersion: number | null;
  /** Display names of the agreement's parties, by id. */
  partyNames: Record<string, string>;
  reconciliation: Reconciliation;
  lines: BoardLine[];
  warnings: StageWarning[];
  substitutions: { id: string; replaces: string; by: string; reason: string; approvedBy: string[] }[];
  exceptions: {
    id: string;
    entryId: string;
    direction: string;
    category: string;
    outsideExchange: boolean;
    reason: string;
    approvedBy: string[];
  }[];
  /** What a confirmation signs; null until the stage is reconciled. */
  reconciliationHash: string | null;
  confirmations: { signer: string; role: 'party' | 'mediator'; keyId: string; signedAt: string }[];
  signers: { parties: { id: string; name: string }[]; mediators: { id: string; name: string }[] };
  actingAs: ActingParty | null;
}

/** The codes a stage warning is justified with (src/domain/exchange/stage.ts JustificationCodes). */
export const JustificationCodes = [
  'refusal_at_crossing',
  'medical_hold',
  'unfit_to_travel',
  'not_presented',
  'wrong_person_presented',
  'counterpart_breach',
  'released_outside_exchange',
  'legal_hold',
  'deceased',
  'category_dispute_accepted',
  'agreed_by_parties',
  'mediator_decision',
  'security_incident',
] as const;
export type JustificationCode = (typeof JustificationCodes)[number];

export interface StageActionResult {
  stageId: string;
  seq: number;
  status: string;
}

/** GET /api/exchanges/:id/agreement (src/app/exchange/agreement-view.ts). */
export interface AgreementView {
  exchangeId: string;
  id: string;
  version: number;
  title: string;
  ordinal: number | null;
  type: 'numeric' | 'all_for_all' | 'unilateral' | 'remains';
  supersedes: string | null;
  amendmentReason: string | null;
  parties: { id: string; name: string }[];
  mediators: { id: string; name: string }[];
  concludedAt: string;
  place: string;
  releasingParty: string | null;
  categories: {
    id: string;
    label: string;
    subject: string;
    class: string;
    predicate: string;
    /** The predicate as catalogue codes (msg.predicate.*), rendered one by one and joined. */
    predicateParts?: { code: string; params: Record<string, string | number> }[];
  }[];
  ratioRules: (
    | { id: string; kind: 'ratio'; category: string | null; shares: Record<string, number>; scope: string }
    | { id: string; kind: 'all_for_all'; category: string }
  )[];
  orderingRules: { id: string; first: string; after: string | null; scope: string }[];
  targets: {
    direction: string;
    category: string | null;
    count: number;
    handedOver: number;
    remaining: number;
  }[];
  conditions: { code: string; text: string }[];
  hash: string;
  signatures: {
    signer: string;
    signerName: string;
    role: 'party' | 'mediator';
    keyId: string;
    signedAt: string;
    coversHash: boolean;
  }[];
  requiredSigners: { signer: string; name: string; role: 'party' | 'mediator'; signed: boolean }[];
  inForce: boolean;
  warnings: {
    id: string;
    kind: string;
    message: string;
    code?: string;
    params?: Record<string, string | number>;
  }[];
  progress: {
    cumulative: { direction: string; category: string; handedOver: number }[];
    stages: { stageId: string; date: string; status: string; handedOver: Record<string, number> }[];
  };
  actingAs: ActingParty | null;
}

/** One published number and what it counts (src/domain/exchange/bulletin.ts); null: a withheld small cell. */
export interface BulletinCell {
  metric: { direction: string; exchange: 'in' | 'outside'; subject: string; class: string };
  value: number | null;
}

/** The latest bulletin as the file `homeward bulletin verify` checks, served for download. */
export const PUBLIC_BULLETIN_FILE = '/api/public/bulletin.json';

/** GET /api/public/bulletin: the node's latest published bulletin, verifiable offline. */
export interface PublicBulletin {
  exchangeId: string;
  publishedAt: string;
  /** A demo node: the other signers and the witness are simulated with demo-… keys (see BulletinPage). */
  demo: boolean;
  verifiable: {
    format: string;
    bulletin: {
      agreement: {
        id: string;
        version: number;
        title: string;
        ordinal: number | null;
        parties: { id: string; name: string }[];
      };
      threshold: number;
      definitions: Record<string, string>;
      stages: {
        stageId: string;
        date: string;
        records: number;
        commitment: string;
        confirmation: string;
        cells: BulletinCell[];
      }[];
      cumulative: BulletinCell[];
    };
  };
}

export interface HandoverBody {
  entryId: string;
  id?: string;
  identityCheck: { method: string; result: 'confirmed' | 'mismatch' | 'inconclusive' } | null;
  willingness: 'willing' | 'refuses' | 'not_asked';
  fitness: 'fit' | 'fit_with_escort' | 'unfit' | 'not_assessed';
  outcome: 'handed_over' | 'not_handed_over';
  crossedAt: string | null;
  discrepancies: string[];
}

type Body = { json: unknown } | { raw: Blob; contentType: string } | undefined;

/**
 * One client per signed-in session: it carries the CSRF token for mutating requests and reports a
 * lost session (401 outside sign-in) so the app can return to the login page.
 */
export class ApiClient {
  private csrfToken: string | null = null;
  private readonly onUnauthenticated: () => void;

  constructor(onUnauthenticated: () => void) {
    this.onUnauthenticated = onUnauthenticated;
  }

  setCsrfToken(token: string | null): void {
    this.csrfToken = token;
  }

  private async request<T>(method: string, path: string, body?: Body, signal?: AbortSignal): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    const signingIn = method === 'POST' && path === '/api/session';
    if (method !== 'GET' && !signingIn && this.csrfToken) headers['x-csrf-token'] = this.csrfToken;
    let payload: BodyInit | undefined;
    if (body && 'json' in body) {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(body.json);
    } else if (body) {
      headers['content-type'] = body.contentType;
      payload = body.raw;
    }
    let res: Response;
    try {
      res = await fetch(path, { method, headers, body: payload, credentials: 'same-origin', signal });
    } catch (e) {
      if (e instanceof DOMException && e.name === 'AbortError') throw e;
      throw new ApiError(0, 'NETWORK', e instanceof Error ? e.message : String(e));
    }
    if (res.status === 204) return undefined as T;
    const text = await res.text();
    let data: unknown;
    try {
      data = text ? JSON.parse(text) : undefined;
    } catch {
      data = undefined;
    }
    if (!res.ok) {
      const err = (data as { error?: { code?: string; message?: string; details?: Record<string, unknown> } })
        ?.error;
      const apiError = new ApiError(
        res.status,
        err?.code ?? `HTTP_${res.status}`,
        err?.message ?? (res.statusText || `HTTP ${res.status}`),
        err?.details,
      );
      if (res.status === 401 && path !== '/api/session') this.onUnauthenticated();
      throw apiError;
    }
    return data as T;
  }

  getSession(signal?: AbortSignal) {
    return this.request<Session>('GET', '/api/session', undefined, signal);
  }
  signIn(username: string, password: string) {
    return this.request<Session>('POST', '/api/session', { json: { username, password } });
  }
  signOut() {
    return this.request<void>('DELETE', '/api/session');
  }
  getMeta(signal?: AbortSignal) {
    return this.request<Meta>('GET', '/api/meta', undefined, signal);
  }
  listPersons(query: PersonQuery, signal?: AbortSignal) {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') params.set(k, String(v));
    return this.request<{ items: PersonSummary[]; hasMore: boolean }>(
      'GET',
      `/api/persons?${params}`,
      undefined,
      signal,
    );
  }
  getPerson(id: string, signal?: AbortSignal) {
    return this.request<Person>('GET', `/api/persons/${encodeURIComponent(id)}`, undefined, signal);
  }
  createPerson(input: PersonInput) {
    return this.request<Person>('POST', '/api/persons', { json: input });
  }
  updatePerson(id: string, input: PersonInput & { version: number }) {
    return this.request<Person>('PUT', `/api/persons/${encodeURIComponent(id)}`, { json: input });
  }
  listStatusEvents(id: string, signal?: AbortSignal) {
    return this.request<{ items: StatusEvent[] }>(
      'GET',
      `/api/persons/${encodeURIComponent(id)}/status-events`,
      undefined,
      signal,
    );
  }
  recordStatusEvent(id: string, input: StatusEventInput) {
    return this.request<StatusEvent>('POST', `/api/persons/${encodeURIComponent(id)}/status-events`, {
      json: input,
    });
  }
  listAudit(id: string, signal?: AbortSignal) {
    return this.request<{ items: AuditEntry[] }>(
      'GET',
      `/api/persons/${encodeURIComponent(id)}/audit`,
      undefined,
      signal,
    );
  }
  listMatches(status: MatchStatus, offset: number, signal?: AbortSignal) {
    return this.request<{ items: MatchCandidate[]; hasMore: boolean }>(
      'GET',
      `/api/matches?status=${status}&limit=20&offset=${offset}`,
      undefined,
      signal,
    );
  }
  decideMatch(id: string, decision: 'confirm' | 'reject', note: string) {
    return this.request<MatchCandidate>('POST', `/api/matches/${encodeURIComponent(id)}/decision`, {
      json: note.trim() ? { decision, note: note.trim() } : { decision },
    });
  }
  getJob(id: string, signal?: AbortSignal) {
    return this.request<Job>('GET', `/api/jobs/${encodeURIComponent(id)}`, undefined, signal);
  }
  /**
   * Follow a job started by `started` until it ends, reporting each poll to `onProgress`. Resolves
   * with the job's result; a failed job throws an ApiError carrying its code and details (so an
   * IMPORT_REJECTED job shows its rows like a rejected request did).
   */
  async followJob<T>(started: Promise<{ jobId: string }>, onProgress?: (job: Job) => void): Promise<T> {
    const { jobId } = await started;
    for (let wait = 200; ; wait = Math.min(wait * 1.5, 1000)) {
      const job = await this.getJob(jobId);
      onProgress?.(job);
      if (job.state === 'succeeded') return job.result as T;
      if (job.state === 'failed')
        throw new ApiError(
          422,
          job.error?.code ?? 'JOB_FAILED',
          job.error?.message ?? '',
          job.error?.details,
        );
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
  importPersons(file: File, contentType: string, onProgress?: (job: Job) => void) {
    return this.followJob<ImportResult>(
      this.request<{ jobId: string }>(
        'POST',
        `/api/imports/persons?filename=${encodeURIComponent(file.name)}`,
        {
          raw: file,
          contentType,
        },
      ),
      onProgress,
    );
  }
  getPublicBulletin(signal?: AbortSignal) {
    return this.request<PublicBulletin>('GET', '/api/public/bulletin', undefined, signal);
  }
  listExchanges(signal?: AbortSignal) {
    return this.request<{ items: ExchangeSummary[] }>('GET', '/api/exchanges', undefined, signal);
  }
  getSubstitutions(exchangeId: string, stageId: string, signal?: AbortSignal) {
    return this.request<{
      pending: PendingSubstitution[];
      reserve: { entryId: string; direction: string; category: string }[];
    }>(
      'GET',
      `/api/exchanges/${encodeURIComponent(exchangeId)}/stages/${encodeURIComponent(stageId)}/substitutions`,
      undefined,
      signal,
    );
  }
  proposeSubstitution(
    exchangeId: string,
    stageId: string,
    body: { replaces: string; by: string; reason: string },
  ) {
    return this.request<PendingSubstitution>(
      'POST',
      `/api/exchanges/${encodeURIComponent(exchangeId)}/stages/${encodeURIComponent(stageId)}/substitutions`,
      { json: body },
    );
  }
  approveSubstitution(exchangeId: string, substitutionId: string) {
    return this.request<{ recorded: boolean }>(
      'POST',
      `/api/exchanges/${encodeURIComponent(exchangeId)}/substitutions/${encodeURIComponent(substitutionId)}/approvals`,
      { json: {} },
    );
  }
  listPendingAgreements(signal?: AbortSignal) {
    return this.request<{ items: PendingAgreement[] }>('GET', '/api/agreements', undefined, signal);
  }
  signAgreement(exchangeId: string, hash: string) {
    return this.request<PendingAgreement>(
      'POST',
      `/api/exchanges/${encodeURIComponent(exchangeId)}/agreement/signatures`,
      { json: { hash } },
    );
  }
  getStageBoard(exchangeId: string, stageId: string, signal?: AbortSignal) {
    return this.request<StageBoard>(
      'GET',
      `/api/exchanges/${encodeURIComponent(exchangeId)}/stages/${encodeURIComponent(stageId)}`,
      undefined,
      signal,
    );
  }
  listListVersions(exchangeId: string, signal?: AbortSignal) {
    return this.request<{ items: ListVersionSummary[] }>(
      'GET',
      `/api/exchanges/${encodeURIComponent(exchangeId)}/lists`,
      undefined,
      signal,
    );
  }
  getListVersion(exchangeId: string, versionId: string, signal?: AbortSignal) {
    return this.request<ListVersionDetail>(
      'GET',
      `/api/exchanges/${encodeURIComponent(exchangeId)}/lists/${encodeURIComponent(versionId)}`,
      undefined,
      signal,
    );
  }
  importList(
    exchangeId: string,
    file: File,
    kind: 'their_offer' | 'their_request',
    onProgress?: (job: Job) => void,
  ) {
    const xlsx = /\.xlsx$/i.test(file.name);
    return this.followJob<ListImportResult>(
      this.request<{ jobId: string }>(
        'POST',
        `/api/exchanges/${encodeURIComponent(exchangeId)}/lists/import?kind=${kind}&filename=${encodeURIComponent(file.name)}`,
        {
          raw: file,
          contentType: xlsx
            ? 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'
            : 'text/csv',
        },
      ),
      onProgress,
    );
  }
  signListVersion(exchangeId: string, versionId: string) {
    return this.request<ListVersionSummary>(
      'POST',
      `/api/exchanges/${encodeURIComponent(exchangeId)}/lists/${encodeURIComponent(versionId)}/sign`,
    );
  }
  getAgreement(exchangeId: string, signal?: AbortSignal) {
    return this.request<AgreementView>(
      'GET',
      `/api/exchanges/${encodeURIComponent(exchangeId)}/agreement`,
      undefined,
      signal,
    );
  }
  private stagePath(exchangeId: string, stageId: string, action: string) {
    return `/api/exchanges/${encodeURIComponent(exchangeId)}/stages/${encodeURIComponent(stageId)}/${action}`;
  }
  reconcileStage(exchangeId: string, stageId: string) {
    return this.request<StageActionResult>('POST', this.stagePath(exchangeId, stageId, 'reconcile'));
  }
  justifyWarning(
    exchangeId: string,
    stageId: string,
    body: { warningId: string; code: JustificationCode; note: string | null },
  ) {
    return this.request<StageActionResult>('POST', this.stagePath(exchangeId, stageId, 'justifications'), {
      json: body,
    });
  }
  signConfirmation(exchangeId: string, stageId: string, reconciliationHash: string) {
    return this.request<StageActionResult & { reconciliationHash: string }>(
      'POST',
      this.stagePath(exchangeId, stageId, 'confirmations'),
      { json: { reconciliationHash } },
    );
  }
  recordHandover(exchangeId: string, stageId: string, body: HandoverBody) {
    return this.request<{ recordId: string; seq: number; reconciliation: Reconciliation }>(
      'POST',
      `/api/exchanges/${encodeURIComponent(exchangeId)}/stages/${encodeURIComponent(stageId)}/handovers`,
      { json: body },
    );
  }
}

export const exportUrl = (format: 'csv' | 'xlsx') => `/api/exports/persons?format=${format}`;

export const ApiContext = createContext<ApiClient | null>(null);

/** A substitution awaiting a party's approval (GET …/stages/:stageId/substitutions). */
export interface PendingSubstitution {
  substitutionId: string;
  stageId: string;
  replaces: string;
  by: string;
  reason: string;
  approvalHash: string;
  proposedBy: string;
  approvedBy: string[];
  awaiting: string[];
  canApprove: boolean;
}

/** A proposed agreement version awaiting signatures (GET /api/agreements). */
export interface PendingAgreement {
  exchangeId: string;
  title: string;
  agreementId: string;
  version: number;
  agreementHash: string;
  proposedBy: string;
  signed: { signer: string; role: string; signedAt: string }[];
  awaiting: string[];
  started: boolean;
  ownSigner?: string | null;
  canSign?: boolean;
}

export function useApi(): ApiClient {
  const api = useContext(ApiContext);
  if (!api) throw new Error('useApi outside ApiContext');
  return api;
}

export const UserContext = createContext<User | null>(null);

/** Whether the signed-in user may do something; without a permission list, the server decides. */
export function useCan(): (permission: string) => boolean {
  const user = useContext(UserContext);
  return (permission) => !user?.permissions || user.permissions.includes(permission);
}

export const MetaContext = createContext<Meta | null>(null);

export function useMeta(): Meta {
  const meta = useContext(MetaContext);
  if (!meta) throw new Error('useMeta outside MetaContext');
  return meta;
}
