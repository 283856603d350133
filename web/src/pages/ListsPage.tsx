import { type FormEvent, useMemo, useState } from 'react';
import {
  ApiError,
  type ImportRowError,
  type Job,
  type ListEntry,
  type ListFlag,
  ListFlags,
  type ListKind,
  type ListVersionSummary,
  useApi,
  useCan,
} from '../api.ts';
import { JobProgress } from '../components/JobProgress.tsx';
import { ErrorBox, Loading } from '../components/ui.tsx';
import { explainMatch, formatDate, formatInstant, formatNumber } from '../format.ts';
import { type MessageKey, useI18n } from '../i18n.ts';
import { Link } from '../router.tsx';
import { rowErrorText } from '../server-messages.ts';
import { useLoad, useTitle } from '../useLoad.ts';

export const listsPath = (exchangeId: string) => `/exchanges/${encodeURIComponent(exchangeId)}/lists`;

const FLAG_CLASS: Record<ListFlag, string> = {
  matched: 'badge badge-good',
  ambiguous: 'badge badge-warn',
  unknown: 'badge badge-neutral',
  already_released: 'badge badge-grave',
  ineligible_for_category: 'badge badge-grave',
  eligibility_unknown: 'badge badge-warn',
  duplicate_within_list: 'badge badge-warn',
  impossible_date: 'badge badge-warn',
};

type Filter = 'all' | ListFlag;

/** Our list and the counterpart's side by side, every imported entry with its flags. */
export function ListsPage({ exchangeId }: { exchangeId: string }) {
  const { t } = useI18n();
  const api = useApi();
  const can = useCan();
  useTitle(t('lists.title'));
  const { state, reload } = useLoad(`lists:${exchangeId}`, (signal) =>
    api.listListVersions(exchangeId, signal),
  );
  const [ours, setOurs] = useState<string | null>(null);
  const [theirs, setTheirs] = useState<string | null>(null);
  const [filter, setFilter] = useState<Filter>('all');

  const versions = state.status === 'ok' ? state.data.items : [];
  const mine = versions.filter((v) => v.kind.startsWith('our_'));
  const other = versions.filter((v) => v.kind.startsWith('their_'));
  const ourId = ours ?? mine.at(-1)?.id ?? null;
  const theirId = theirs ?? other.at(-1)?.id ?? null;

  return (
    <div data-testid="lists-page">
      <p className="small">
        <Link to="/exchanges">{t('lists.back')}</Link>
      </p>
      <div className="page-title">
        <h1>
          {t('lists.title')} <span className="muted small">· {exchangeId}</span>
        </h1>
      </div>
      <p className="muted">{t('lists.intro')}</p>
      {can('list:write') && <ImportForm exchangeId={exchangeId} onDone={reload} />}
      {state.status === 'loading' && <Loading />}
      {state.status === 'error' && <ErrorBox error={state.error} onRetry={reload} />}
      {state.status === 'ok' && (
        <>
          <p>
            <label>
              {t('lists.filter')}{' '}
              <select
                value={filter}
                onChange={(e) => setFilter(e.target.value as Filter)}
                data-testid="flag-filter"
              >
                <option value="all">{t('lists.filterAll')}</option>
                {ListFlags.map((f) => (
                  <option key={f} value={f}>
                    {t(`listFlag.${f}` as MessageKey)}
                  </option>
                ))}
              </select>
            </label>
          </p>
          <div
            style={{
              display: 'grid',
              gap: '1rem',
              gridTemplateColumns: 'repeat(auto-fit, minmax(28rem, 1fr))',
            }}
          >
            <ListColumn
              title={t('lists.ours')}
              exchangeId={exchangeId}
              versions={mine}
              selected={ourId}
              onSelect={setOurs}
              filter={filter}
              onSigned={reload}
              testId="our-list"
            />
            <ListColumn
              title={t('lists.theirs')}
              exchangeId={exchangeId}
              versions={other}
              selected={theirId}
              onSelect={setTheirs}
              filter={filter}
              onSigned={reload}
              testId="their-list"
            />
          </div>
        </>
      )}
    </div>
  );
}

function ListColumn(props: {
  title: string;
  exchangeId: string;
  versions: ListVersionSummary[];
  selected: string | null;
  onSelect: (id: string) => void;
  filter: Filter;
  onSigned: () => void;
  testId: string;
}) {
  const { t } = useI18n();
  const { versions, selected } = props;
  return (
    <section className="card" data-testid={props.testId}>
      <h2>{props.title}</h2>
      {versions.length === 0 ? (
        <p className="empty" role="status">
          {t('lists.noVersions')}
        </p>
      ) : (
        <>
          <label>
            {t('lists.version')}{' '}
            <select value={selected ?? ''} onChange={(e) => props.onSelect(e.target.value)}>
              {versions.map((v) => (
                <option key={v.id} value={v.id}>
                  {t(`listKind.${v.kind}` as MessageKey)} v{v.version} ·{' '}
                  {v.signed ? t('lists.signedShort') : t('lists.unsigned')}
                </option>
              ))}
            </select>
          </label>
          {selected && (
            <VersionView
              key={selected}
              exchangeId={props.exchangeId}
              versionId={selected}
              filter={props.filter}
              onSigned={props.onSigned}
            />
          )}
        </>
      )}
    </section>
  );
}

function VersionView(props: { exchangeId: string; versionId: string; filter: Filter; onSigned: () => void }) {
  const i18n = useI18n();
  const { t } = i18n;
  const api = useApi();
  const can = useCan();
  const { state, reload } = useLoad(`list:${props.exchangeId}:${props.versionId}`, (signal) =>
    api.getListVersion(props.exchangeId, props.versionId, signal),
  );
  const [signing, setSigning] = useState<'idle' | 'busy' | Error>('idle');
  const entries = useMemo(
    () =>
      state.status === 'ok'
        ? state.data.entries.filter(
            (e) => props.filter === 'all' || e.flags.includes(props.filter as ListFlag),
          )
        : [],
    [state, props.filter],
  );
  if (state.status === 'loading') return <Loading />;
  if (state.status === 'error') return <ErrorBox error={state.error} onRetry={reload} />;
  const v = state.data;
  const sign = async () => {
    setSigning('busy');
    try {
      await api.signListVersion(props.exchangeId, props.versionId);
      setSigning('idle');
      reload();
      props.onSigned();
    } catch (e) {
      setSigning(e instanceof Error ? e : new Error(String(e)));
    }
  };
  const flagged = ListFlags.filter((f) => v.flagCounts[f] > 0);
  const hasResponses = v.entries.some((e) => e.response !== null);
  return (
    <div data-testid="list-version" data-version-id={v.id}>
      <p className="small">
        {t('lists.entries', { count: v.entryCount })} · {t('lists.hash')}{' '}
        <code title={v.versionHash}>{v.versionHash.slice(0, 16)}…</code> ·{' '}
        {v.signed ? t('lists.signed', { date: formatInstant(v.signedAt, i18n) }) : t('lists.unsigned')}
        {!v.signed && can('list:write') && can('node:sign') && (
          <>
            {' '}
            <button
              type="button"
              className="button button-small"
              onClick={sign}
              disabled={signing === 'busy'}
              data-testid="sign-list"
            >
              {signing === 'busy' ? t('lists.signing') : t('lists.sign')}
            </button>
          </>
        )}
      </p>
      {signing instanceof Error && <ErrorBox error={signing} />}
      {flagged.length > 0 && (
        <p className="small" data-testid="flag-counts">
          {flagged.map((f) => (
            <span key={f} className={FLAG_CLASS[f]} style={{ marginRight: '0.4rem' }}>
              {t(`listFlag.${f}` as MessageKey)}: {v.flagCounts[f]}
            </span>
          ))}
        </p>
      )}
      <div className="table-wrap">
        <table className="table table-compact">
          <thead>
            <tr>
              <th scope="col">{t('lists.colRow')}</th>
              <th scope="col">{t('lists.colPerson')}</th>
              <th scope="col">{t('lists.colCategory')}</th>
              <th scope="col">{t('lists.colFlags')}</th>
              <th scope="col">{t('lists.colMatch')}</th>
              {hasResponses && <th scope="col">{t('lists.colResponse')}</th>}
            </tr>
          </thead>
          <tbody>
            {entries.map((e) => (
              <EntryRow key={e.ord} e={e} withResponse={hasResponses} />
            ))}
          </tbody>
        </table>
      </div>
      {entries.length === 0 && (
        <p className="empty" role="status">
          {t('lists.noEntries')}
        </p>
      )}
    </div>
  );
}

function EntryRow({ e, withResponse }: { e: ListEntry; withResponse: boolean }) {
  const i18n = useI18n();
  const { t, code } = i18n;
  const s = e.nomination.subject;
  const f = s.kind === 'counterpart' ? s.record.fields : null;
  const name = f
    ? [f.family_name, f.given_name, f.patronymic].filter(Boolean).join(' ') || f.id || '—'
    : null;
  const m = e.match;
  return (
    <tr data-testid="list-entry" data-flags={e.flags.join(' ')}>
      <td className="nowrap">{s.kind === 'counterpart' ? s.record.source.row : e.ord + 1}</td>
      <td>
        {name ?? (
          <Link to={`/persons/${encodeURIComponent(s.kind === 'registry' ? s.personId : '')}`}>
            {e.registryName ?? t('lists.registryPerson')}
          </Link>
        )}
        {f?.birth_date && <span className="muted small"> · {formatDate(f.birth_date, i18n)}</span>}
      </td>
      <td>{code('exchangeCategory', e.nomination.category)}</td>
      <td>
        {e.flags.map((flag) => (
          <span
            key={flag}
            className={FLAG_CLASS[flag]}
            style={{ marginRight: '0.25rem' }}
            title={
              flag === 'duplicate_within_list' && e.duplicateOf !== null
                ? t('lists.duplicateOf', { row: e.duplicateOf })
                : (flag === 'ineligible_for_category' || flag === 'eligibility_unknown') && e.eligibility
                  ? e.eligibility.reason
                  : undefined
            }
          >
            {t(`listFlag.${flag}` as MessageKey)}
          </span>
        ))}
        {/* The reason is the server's English account of the facts checked: inline in English, in
            the flag's tooltip (marked English) for the other languages, whose screens stay in them. */}
        {e.eligibility && e.eligibility.value !== 'true' && i18n.lang === 'en' && (
          <div className="muted small">{e.eligibility.reason}</div>
        )}
      </td>
      <td className="small">
        {m?.kind === 'matched' && (
          <details data-testid="match-explanation">
            <summary>
              {t('lists.score', {
                score: formatNumber(m.score, i18n, { minimumFractionDigits: 3, maximumFractionDigits: 3 }),
              })}
            </summary>
            <div className="muted" style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
              {explainMatch(m.explanation, i18n)}
            </div>
            <Link to={`/persons/${encodeURIComponent(m.personId)}`}>
              {e.registryName ?? t('lists.registryPerson')}
            </Link>
          </details>
        )}
        {m?.kind === 'ambiguous' && t('lists.candidates', { count: m.candidates.length })}
      </td>
      {withResponse && <td>{e.response ? t(`listResponse.${e.response}` as MessageKey) : '—'}</td>}
    </tr>
  );
}

function ImportForm({ exchangeId, onDone }: { exchangeId: string; onDone: () => void }) {
  const { t, lang } = useI18n();
  const api = useApi();
  const [file, setFile] = useState<File | null>(null);
  const [kind, setKind] = useState<Extract<ListKind, 'their_offer' | 'their_request'>>('their_offer');
  const [outcome, setOutcome] = useState<
    | { kind: 'idle' | 'busy' }
    | { kind: 'done'; version: number; count: number; queued: number }
    | { kind: 'rejected'; message: string; rows: ImportRowError[] }
    | { kind: 'error'; error: Error }
  >({ kind: 'idle' });
  const [job, setJob] = useState<Job | null>(null);
  const submit = async (ev: FormEvent) => {
    ev.preventDefault();
    if (!file) return;
    setOutcome({ kind: 'busy' });
    try {
      const r = await api.importList(exchangeId, file, kind, setJob);
      setOutcome({ kind: 'done', version: r.version, count: r.entryCount, queued: r.queued });
      onDone();
    } catch (e) {
      if (e instanceof ApiError && e.code === 'IMPORT_REJECTED')
        setOutcome({ kind: 'rejected', message: e.message, rows: e.rows });
      else setOutcome({ kind: 'error', error: e instanceof Error ? e : new Error(String(e)) });
    }
  };
  return (
    <form className="card" onSubmit={submit} data-testid="list-import">
      <h2>{t('lists.import')}</h2>
      <p className="muted small">{t('lists.importHelp')}</p>
      <input type="file" accept=".csv,.txt,.xlsx" onChange={(e) => setFile(e.target.files?.[0] ?? null)} />{' '}
      <label>
        {t('lists.importKind')}{' '}
        <select value={kind} onChange={(e) => setKind(e.target.value as typeof kind)}>
          <option value="their_offer">{t('listKind.their_offer')}</option>
          <option value="their_request">{t('listKind.their_request')}</option>
        </select>
      </label>{' '}
      <button type="submit" className="button" disabled={!file || outcome.kind === 'busy'}>
        {outcome.kind === 'busy' ? t('lists.importing') : t('lists.importSubmit')}
      </button>
      {outcome.kind === 'busy' && <JobProgress job={job} />}
      {outcome.kind === 'done' && (
        <p role="status">
          {t('lists.imported', { version: outcome.version, count: outcome.count })}{' '}
          {t('lists.queued', { count: outcome.queued })}
        </p>
      )}
      {outcome.kind === 'error' && <ErrorBox error={outcome.error} />}
      {outcome.kind === 'rejected' && (
        <div role="alert" data-testid="list-import-errors">
          <p>{t('lists.rejected')}</p>
          <ul>
            {outcome.rows.map((r) => (
              <li key={`${r.line}-${r.column}-${r.code}-${r.message}`}>
                {t('lists.line', { line: r.line })}
                {r.column ? ` · ${r.column}` : ''}: {rowErrorText(lang, r)}
              </li>
            ))}
          </ul>
        </div>
      )}
    </form>
  );
}
