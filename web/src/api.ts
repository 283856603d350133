import createClient from 'openapi-fetch';
import { createContext, useContext } from 'react';
import { JustificationCodes as StageJustificationCodes } from '../../src/domain/exchange/stage.ts';
import type { components, operations, paths } from './api.gen.ts';

/**
 * Shapes of the JSON API under /api, as the UI uses them: every one is derived from the types
 * generated from the server's OpenAPI document (web/src/api.gen.ts, `npm run gen:api`), so a change
 * of a route's schema shows here as a type error instead of drifting silently.
 */

/** The JSON body of a response (or request body) object of the generated document. */
type JsonOf<R> = R extends { content: { 'application/json': infer B } } ? B : never;
/** The JSON body of an operation's success answer (200, 201 or 202). */
type Answer<Op extends keyof operations> = JsonOf<
  operations[Op]['responses'][Extract<keyof operations[Op]['responses'], 200 | 201 | 202>]
>;
/** The JSON body an operation takes. */
type BodyOf<Op extends keyof operations> = JsonOf<NonNullable<operations[Op]['requestBody']>>;
type Item<T> = T extends readonly (infer I)[] ? I : never;

export type Session = Answer<'getSession'>;
export type User = Session['user'];
export type Meta = Answer<'getMeta'>;

export type Dimension = keyof Meta['dimensions'];
export const dimensions = ['fate', 'exchange', 'legal'] as const satisfies readonly Dimension[];

export type Person = Answer<'getPerson'>;
export type PersonName = Item<Person['names']>;
export type BirthDate = NonNullable<Person['birth']>;
export type StatusTriple = Person['status'];
export type Military = NonNullable<Person['military']>;
export type Contact = Item<NonNullable<Person['contacts']>>;
export type HealthFlag = Item<NonNullable<Person['health']>>;
export type Photo = Item<NonNullable<Person['photos']>>;
export type ExternalRef = Item<NonNullable<Person['externalRefs']>>;
export type PersonInput = BodyOf<'createPerson'>;
type PersonsQuery = NonNullable<operations['listPersons']['parameters']['query']>;
/** The registry search as the page keeps it (in its URL): each filter's text, and the page. */
export type PersonQuery = { [K in Exclude<keyof PersonsQuery, 'limit' | 'offset'>]?: string } & {
  limit: number;
  offset: number;
};

export type PersonSummary = Item<Answer<'listPersons'>['items']>;
/** Present on a person summary when the matching engine found this person for the query. */
export type MatchInfo = NonNullable<PersonSummary['match']>;
export type MatchField = Item<MatchInfo['fields']>;

export type MatchCandidate = Item<Answer<'listMatches'>['items']>;
export type ListSubject = NonNullable<MatchCandidate['subject']>;
export type MatchStatus = MatchCandidate['status'];

export type StatusEvent = Answer<'recordStatusEvent'>;
export type StatusEventInput = BodyOf<'recordStatusEvent'>;
export type AuditEntry = Item<Answer<'listPersonAudit'>['items']>;

/** A background job (imports, dedup) as GET /api/jobs/:id reports it. */
export type Job = Answer<'getJob'>;
type JobResult = NonNullable<Job['result']>;
/** What a person import job reports when it succeeded. */
export type ImportResult = Extract<JobResult, { created: number }>;
/** What a list import job reports when it succeeded. */
export type ListImportResult = Extract<JobResult, { versionId: string }>;

/** The details of an error answer (src/http/openapi.ts documents them). */
type ErrorDetails = NonNullable<JsonOf<components['responses']['Error']>['error']['details']>;
export type ValidationIssue = Item<NonNullable<ErrorDetails['issues']>>;
export type ImportRowError = Item<NonNullable<ErrorDetails['rows']>>;

/** Lists and negotiation (see src/app/lists). */
export type ListVersionSummary = Item<Answer<'listListVersions'>['items']>;
export type ListKind = ListVersionSummary['kind'];
export type ListVersionDetail = Answer<'getListVersion'>;
export type ListEntry = Item<ListVersionDetail['entries']>;
export type ListMatch = NonNullable<ListEntry['match']>;
export type ListFlag = Item<ListEntry['flags']>;
/** Every flag, in the order the UI shows them (the type check below fails when one is missing). */
export const ListFlags = [
  'matched',
  'ambiguous',
  'unknown',
  'already_released',
  'ineligible_for_category',
  'eligibility_unknown',
  'duplicate_within_list',
  'impossible_date',
] as const satisfies readonly ListFlag[];

export type ExchangeSummary = Item<Answer<'listExchanges'>['items']>;
export type StageSummary = Item<ExchangeSummary['stages']>;
export type StageBoard = Answer<'getStageBoard'>;
export type Reconciliation = StageBoard['reconciliation'];
/** Counts of one stage, derived on the server from the handover records (never stored). */
export type StageCounts = Reconciliation['totals'][string];
export type BoardLine = Item<StageBoard['lines']>;
export type StageWarning = Item<StageBoard['warnings']>;
/** Which signer of the agreement this node acts as (src/app/node/node-party.ts). */
export type ActingParty = NonNullable<StageBoard['actingAs']>;
export type StageActionResult = Answer<'reconcileStage'>;
export type HandoverBody = BodyOf<'recordHandover'>;

export type JustificationCode = BodyOf<'justifyWarning'>['code'];
/** The codes a stage warning is justified with, in the order the UI offers them (the domain's list). */
export const JustificationCodes = StageJustificationCodes satisfies readonly JustificationCode[];

/** Fails to type-check when a list above misses a value the server's document has. */
type Covers<All, Listed> = [Exclude<All, Listed>] extends [never] ? true : never;
const coversEveryValue: [
  Covers<ListFlag, (typeof ListFlags)[number]>,
  Covers<JustificationCode, (typeof JustificationCodes)[number]>,
  Covers<Dimension, (typeof dimensions)[number]>,
] = [true, true, true];
void coversEveryValue;

/** GET /api/exchanges/:id/agreement (src/app/exchange/agreement-view.ts). */
export type AgreementView = Answer<'getAgreement'>;
/** A substitution awaiting a party's approval (GET …/stages/:stageId/substitutions). */
export type PendingSubstitution = Answer<'proposeSubstitution'>;
export type SubstitutionProposal = BodyOf<'proposeSubstitution'>;
/** A proposed agreement version awaiting signatures (GET /api/agreements). */
export type PendingAgreement = Item<Answer<'listPendingAgreements'>['items']>;

/** GET /api/public/bulletin: the node's latest published bulletin, verifiable offline. */
export type PublicBulletin = Answer<'getPublicBulletin'>;
/** One published number and what it counts; null: a withheld small cell. */
export type BulletinCell = Item<PublicBulletin['verifiable']['bulletin']['cumulative']>;

/** The latest bulletin as the file `homeward bulletin verify` checks, served for download. */
export const PUBLIC_BULLETIN_FILE = '/api/public/bulletin.json' satisfies keyof paths;

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

/** What openapi-fetch answers: the success body, or the error body, with the response. */
type Fetched<D> = { data?: D; error?: unknown; response: Response };

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/**
 * One client per signed-in session: it carries the CSRF token for mutating requests and reports a
 * lost session (401 outside sign-in) so the app can return to the login page. Requests go through
 * openapi-fetch typed by the generated `paths`: a path, parameter or body the server's document does
 * not have fails type-checking.
 */
export class ApiClient {
  private csrfToken: string | null = null;
  private readonly onUnauthenticated: () => void;
  private readonly client = createClient<paths>({
    credentials: 'same-origin',
    headers: { accept: 'application/json' },
  });

  constructor(onUnauthenticated: () => void) {
    this.onUnauthenticated = onUnauthenticated;
    this.client.use({
      onRequest: ({ request, schemaPath }) => {
        const signingIn = request.method === 'POST' && schemaPath === '/api/session';
        if (request.method !== 'GET' && !signingIn && this.csrfToken)
          request.headers.set('x-csrf-token', this.csrfToken);
        return request;
      },
    });
  }

  setCsrfToken(token: string | null): void {
    this.csrfToken = token;
  }

  /** The success body, or an ApiError (a network failure has code NETWORK; an abort is rethrown). */
  private async call<D>(pending: Promise<Fetched<D>>, path: string): Promise<D> {
    let fetched: Fetched<D>;
    try {
      fetched = await pending;
    } catch (e) {
      if (e instanceof DOMException && e.name === 'AbortError') throw e;
      throw new ApiError(0, 'NETWORK', e instanceof Error ? e.message : String(e));
    }
    const res = fetched.response;
    if (!res.ok) {
      const err =
        typeof fetched.error === 'object' && fetched.error !== null
          ? (
              fetched.error as {
                error?: { code?: string; message?: string; details?: Record<string, unknown> };
              }
            ).error
          : undefined;
      const apiError = new ApiError(
        res.status,
        err?.code ?? `HTTP_${res.status}`,
        err?.message ?? (res.statusText || `HTTP ${res.status}`),
        err?.details,
      );
      if (res.status === 401 && path !== '/api/session') this.onUnauthenticated();
      throw apiError;
    }
    return fetched.data as D;
  }

  getSession(signal?: AbortSignal) {
    return this.call(this.client.GET('/api/session', { signal }), '/api/session');
  }
  signIn(username: string, password: string) {
    return this.call(this.client.POST('/api/session', { body: { username, password } }), '/api/session');
  }
  async signOut(): Promise<void> {
    await this.call(this.client.DELETE('/api/session'), '/api/session');
  }
  getMeta(signal?: AbortSignal) {
    return this.call(this.client.GET('/api/meta', { signal }), '/api/meta');
  }
  listPersons(query: PersonQuery, signal?: AbortSignal) {
    // The filters as the page took them from its URL: the server parses and validates them.
    const given = Object.fromEntries(
      Object.entries(query).filter(([, v]) => v !== undefined && v !== ''),
    ) as PersonsQuery;
    return this.call(this.client.GET('/api/persons', { params: { query: given }, signal }), '/api/persons');
  }
  getPerson(id: string, signal?: AbortSignal) {
    return this.call(
      this.client.GET('/api/persons/{id}', { params: { path: { id } }, signal }),
      '/api/persons',
    );
  }
  createPerson(input: PersonInput) {
    return this.call(this.client.POST('/api/persons', { body: input }), '/api/persons');
  }
  updatePerson(id: string, input: BodyOf<'updatePerson'>) {
    return this.call(
      this.client.PUT('/api/persons/{id}', { params: { path: { id } }, body: input }),
      '/api/persons',
    );
  }
  listStatusEvents(id: string, signal?: AbortSignal) {
    return this.call(
      this.client.GET('/api/persons/{id}/status-events', { params: { path: { id } }, signal }),
      '/api/persons',
    );
  }
  recordStatusEvent(id: string, input: StatusEventInput) {
    return this.call(
      this.client.POST('/api/persons/{id}/status-events', { params: { path: { id } }, body: input }),
      '/api/persons',
    );
  }
  listAudit(id: string, signal?: AbortSignal) {
    return this.call(
      this.client.GET('/api/persons/{id}/audit', { params: { path: { id } }, signal }),
      '/api/persons',
    );
  }
  listMatches(status: MatchStatus, offset: number, signal?: AbortSignal) {
    return this.call(
      this.client.GET('/api/matches', { params: { query: { status, limit: 20, offset } }, signal }),
      '/api/matches',
    );
  }
  decideMatch(id: string, decision: 'confirm' | 'reject', note: string) {
    return this.call(
      this.client.POST('/api/matches/{id}/decision', {
        params: { path: { id } },
        body: note.trim() ? { decision, note: note.trim() } : { decision },
      }),
      '/api/matches',
    );
  }
  getJob(id: string, signal?: AbortSignal) {
    return this.call(this.client.GET('/api/jobs/{id}', { params: { path: { id } }, signal }), '/api/jobs');
  }
  /**
   * Follow a job started by `started` until it ends, reporting each poll to `onProgress`. Resolves
   * with the job's result; a failed job throws an ApiError carrying its code and details (so an
   * IMPORT_REJECTED job shows its rows like a rejected request did).
   */
  async followJob<T extends JobResult>(
    started: Promise<{ jobId: string }>,
    onProgress?: (job: Job) => void,
  ): Promise<T> {
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
      this.call(
        this.client.POST('/api/imports/persons', {
          params: { query: { filename: file.name } },
          body: file,
          bodySerializer: (b) => b,
          headers: { 'content-type': contentType },
        }),
        '/api/imports/persons',
      ),
      onProgress,
    );
  }
  getPublicBulletin(signal?: AbortSignal) {
    return this.call(this.client.GET('/api/public/bulletin', { signal }), '/api/public/bulletin');
  }
  listExchanges(signal?: AbortSignal) {
    return this.call(this.client.GET('/api/exchanges', { signal }), '/api/exchanges');
  }
  getSubstitutions(exchangeId: string, stageId: string, signal?: AbortSignal) {
    return this.call(
      this.client.GET('/api/exchanges/{id}/stages/{stageId}/substitutions', {
        params: { path: { id: exchangeId, stageId } },
        signal,
      }),
      '/api/exchanges',
    );
  }
  proposeSubstitution(exchangeId: string, stageId: string, body: BodyOf<'proposeSubstitution'>) {
    return this.call(
      this.client.POST('/api/exchanges/{id}/stages/{stageId}/substitutions', {
        params: { path: { id: exchangeId, stageId } },
        body,
      }),
      '/api/exchanges',
    );
  }
  approveSubstitution(exchangeId: string, substitutionId: string) {
    return this.call(
      this.client.POST('/api/exchanges/{id}/substitutions/{substitutionId}/approvals', {
        params: { path: { id: exchangeId, substitutionId } },
      }),
      '/api/exchanges',
    );
  }
  listPendingAgreements(signal?: AbortSignal) {
    return this.call(this.client.GET('/api/agreements', { signal }), '/api/agreements');
  }
  signAgreement(exchangeId: string, hash: string) {
    return this.call(
      this.client.POST('/api/exchanges/{id}/agreement/signatures', {
        params: { path: { id: exchangeId } },
        body: { hash },
      }),
      '/api/exchanges',
    );
  }
  getStageBoard(exchangeId: string, stageId: string, signal?: AbortSignal) {
    return this.call(
      this.client.GET('/api/exchanges/{id}/stages/{stageId}', {
        params: { path: { id: exchangeId, stageId } },
        signal,
      }),
      '/api/exchanges',
    );
  }
  listListVersions(exchangeId: string, signal?: AbortSignal) {
    return this.call(
      this.client.GET('/api/exchanges/{id}/lists', { params: { path: { id: exchangeId } }, signal }),
      '/api/exchanges',
    );
  }
  getListVersion(exchangeId: string, versionId: string, signal?: AbortSignal) {
    return this.call(
      this.client.GET('/api/exchanges/{id}/lists/{versionId}', {
        params: { path: { id: exchangeId, versionId } },
        signal,
      }),
      '/api/exchanges',
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
      this.call(
        this.client.POST('/api/exchanges/{id}/lists/import', {
          params: { path: { id: exchangeId }, query: { kind, filename: file.name } },
          body: file,
          bodySerializer: (b) => b,
          headers: { 'content-type': xlsx ? XLSX_TYPE : 'text/csv' },
        }),
        '/api/exchanges',
      ),
      onProgress,
    );
  }
  signListVersion(exchangeId: string, versionId: string) {
    return this.call(
      this.client.POST('/api/exchanges/{id}/lists/{versionId}/sign', {
        params: { path: { id: exchangeId, versionId } },
      }),
      '/api/exchanges',
    );
  }
  getAgreement(exchangeId: string, signal?: AbortSignal) {
    return this.call(
      this.client.GET('/api/exchanges/{id}/agreement', { params: { path: { id: exchangeId } }, signal }),
      '/api/exchanges',
    );
  }
  reconcileStage(exchangeId: string, stageId: string) {
    return this.call(
      this.client.POST('/api/exchanges/{id}/stages/{stageId}/reconcile', {
        params: { path: { id: exchangeId, stageId } },
      }),
      '/api/exchanges',
    );
  }
  justifyWarning(exchangeId: string, stageId: string, body: BodyOf<'justifyWarning'>) {
    return this.call(
      this.client.POST('/api/exchanges/{id}/stages/{stageId}/justifications', {
        params: { path: { id: exchangeId, stageId } },
        body,
      }),
      '/api/exchanges',
    );
  }
  signConfirmation(exchangeId: string, stageId: string, reconciliationHash: string) {
    return this.call(
      this.client.POST('/api/exchanges/{id}/stages/{stageId}/confirmations', {
        params: { path: { id: exchangeId, stageId } },
        body: { reconciliationHash },
      }),
      '/api/exchanges',
    );
  }
  recordHandover(exchangeId: string, stageId: string, body: HandoverBody) {
    return this.call(
      this.client.POST('/api/exchanges/{id}/stages/{stageId}/handovers', {
        params: { path: { id: exchangeId, stageId } },
        body,
      }),
      '/api/exchanges',
    );
  }
}

export const exportUrl = (
  format: NonNullable<operations['exportPersons']['parameters']['query']>['format'],
) => `${'/api/exports/persons' satisfies keyof paths}?format=${format}`;

export const ApiContext = createContext<ApiClient | null>(null);

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
