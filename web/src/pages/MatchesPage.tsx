import { useState } from 'react';
import {
  ApiError,
  type ListSubject,
  type MatchCandidate,
  type MatchStatus,
  type Person,
  useApi,
} from '../api.ts';
import { ErrorBox, Loading } from '../components/ui.tsx';
import {
  errorMessage,
  formatBirth,
  formatDate,
  formatInstant,
  formatNumber,
  formatPercent,
  fullName,
} from '../format.ts';
import { type I18n, useI18n } from '../i18n.ts';
import { Link, navigate, useLocation } from '../router.tsx';
import { useLoad, useTitle } from '../useLoad.ts';

const STATUSES: readonly MatchStatus[] = ['pending', 'confirmed', 'rejected'];
const PAGE = 20;

/** The review queue: each candidate pair side by side with the engine's reasons; decided once. */
export function MatchesPage() {
  const i18n = useI18n();
  const { t, code } = i18n;
  const api = useApi();
  const location = useLocation();
  const raw = location.search.get('status');
  const status: MatchStatus = STATUSES.includes(raw as MatchStatus) ? (raw as MatchStatus) : 'pending';
  const offsetParam = Number(location.search.get('offset') ?? '0');
  const offset = Number.isInteger(offsetParam) && offsetParam > 0 ? offsetParam : 0;
  useTitle(t('matches.title'));
  const key = `matches:${status}:${offset}`;
  const { state, reload } = useLoad(key, (signal) => api.listMatches(status, offset, signal));
  const go = (s: MatchStatus, o = 0) => navigate(`/matches?status=${s}${o ? `&offset=${o}` : ''}`);

  return (
    <div data-testid="matches-page">
      <div className="page-title">
        <h1>{t('matches.title')}</h1>
      </div>
      <p className="muted">{t('matches.intro')}</p>
      <div className="field">
        <label htmlFor="match-status">{t('matches.filterStatus')}</label>
        <select
          id="match-status"
          value={status}
          onChange={(e) => go(e.target.value as MatchStatus)}
          data-testid="match-status"
        >
          {STATUSES.map((s) => (
            <option key={s} value={s}>
              {code('matches.status', s)}
            </option>
          ))}
        </select>
      </div>
      <section aria-busy={state.status === 'loading' || undefined}>
        {state.status === 'loading' && <Loading />}
        {state.status === 'error' && <ErrorBox error={state.error} onRetry={reload} />}
        {state.status === 'ok' && state.data.items.length === 0 && (
          <p className="empty" role="status" data-testid="no-matches">
            {t('matches.empty')}
          </p>
        )}
        {state.status === 'ok' &&
          state.data.items.map((m) => <Candidate key={m.id} m={m} i18n={i18n} onDecided={reload} />)}
        {state.status === 'ok' && (offset > 0 || state.data.hasMore) && (
          <nav className="pager" aria-label={t('registry.paging')}>
            <button
              type="button"
              className="button-secondary"
              disabled={offset === 0}
              onClick={() => go(status, Math.max(0, offset - PAGE))}
            >
              ← {t('registry.prev')}
            </button>
            <button
              type="button"
              className="button-secondary"
              disabled={!state.data.hasMore}
              onClick={() => go(status, offset + PAGE)}
            >
              {t('registry.next')} →
            </button>
          </nav>
        )}
      </section>
    </div>
  );
}

function Candidate({ m, i18n, onDecided }: { m: MatchCandidate; i18n: I18n; onDecided: () => void }) {
  const { t, code } = i18n;
  const api = useApi();
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function decide(decision: 'confirm' | 'reject') {
    setBusy(true);
    setError(null);
    try {
      await api.decideMatch(m.id, decision, note);
      onDecided();
    } catch (e) {
      setError(
        e instanceof ApiError && e.code === 'CONFLICT' ? t('matches.alreadyDecided') : errorMessage(e, i18n),
      );
      if (e instanceof ApiError && e.code === 'CONFLICT') onDecided();
    } finally {
      setBusy(false);
    }
  }

  const headingId = `match-${m.id}`;
  return (
    <article
      className="card match-card"
      aria-labelledby={headingId}
      data-testid="match-candidate"
      data-match-id={m.id}
    >
      <h2 id={headingId} className="match-heading">
        {code('matches.kind', m.kind)} ·{' '}
        <span
          className={`badge ${m.band === 'likely' ? 'badge-good' : 'badge-warn'}`}
          data-testid="match-band"
        >
          {code('matches.band', m.band)}
        </span>{' '}
        · {t('matches.score')} {formatPercent(m.score, i18n)}
      </h2>
      <div className="match-pair">
        {m.kind === 'list' && m.subject ? (
          <SubjectSide subject={m.subject} i18n={i18n} />
        ) : (
          <PersonSide title={t('matches.personA')} person={m.person} i18n={i18n} />
        )}
        <PersonSide
          title={m.kind === 'list' ? t('matches.registryPerson') : t('matches.personB')}
          person={m.kind === 'list' ? m.person : m.otherPerson}
          i18n={i18n}
        />
      </div>
      <table className="table match-why" data-testid="match-why">
        <caption>{t('matches.why')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('matches.field')}</th>
            <th scope="col">{t('matches.level')}</th>
            <th scope="col">{t('matches.weight')}</th>
          </tr>
        </thead>
        <tbody>
          {m.fields.map((f) => (
            <tr key={`${f.field}-${f.level}`}>
              <th scope="row">{code('matchField', f.field)}</th>
              <td>{code('matchLevel', f.level)}</td>
              <td className="nowrap">
                {formatNumber(f.weight, i18n, {
                  signDisplay: 'exceptZero',
                  minimumFractionDigits: 1,
                  maximumFractionDigits: 1,
                })}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {m.source && (
        <p className="muted small">
          {t('matches.source')}: <code>{m.source}</code>
        </p>
      )}
      {m.status === 'pending' ? (
        <div className="match-decide">
          <div className="field field-grow">
            <label htmlFor={`note-${m.id}`}>{t('matches.note')}</label>
            <textarea
              id={`note-${m.id}`}
              value={note}
              maxLength={2000}
              rows={2}
              onChange={(e) => setNote(e.target.value)}
              data-testid="match-note"
            />
          </div>
          <div className="filter-actions">
            <button
              type="button"
              disabled={busy}
              onClick={() => decide('confirm')}
              data-testid="match-confirm"
            >
              {busy ? t('matches.deciding') : t('matches.confirm')}
            </button>
            <button
              type="button"
              className="button-secondary"
              disabled={busy}
              onClick={() => decide('reject')}
              data-testid="match-reject"
            >
              {t('matches.reject')}
            </button>
          </div>
          {error && (
            <p className="alert alert-error" role="alert">
              {error}
            </p>
          )}
        </div>
      ) : (
        <p className="muted" data-testid="match-decided">
          {t('matches.decided', {
            status: code('matches.status', m.status),
            who: m.decidedBy ?? '',
            when: formatInstant(m.decidedAt, i18n),
          })}
          {m.note ? ` — ${m.note}` : ''}
        </p>
      )}
    </article>
  );
}

function Row({ term, value }: { term: string; value: string | null | undefined }) {
  return (
    <>
      <dt>{term}</dt>
      <dd>{value || '—'}</dd>
    </>
  );
}

function PersonSide({ title, person, i18n }: { title: string; person: Person | null; i18n: I18n }) {
  const { t } = i18n;
  return (
    <section className="match-side" data-testid="match-person">
      <h3>{title}</h3>
      {!person ? (
        <p className="muted">{t('matches.unavailable')}</p>
      ) : (
        <>
          <p>
            <Link to={`/persons/${encodeURIComponent(person.id)}`}>{person.displayName}</Link>
          </p>
          <ul className="plain-list">
            {person.names.map((n) => (
              <li key={`${n.script}-${fullName(n)}`} lang={n.lang}>
                {fullName(n)}
              </li>
            ))}
          </ul>
          <dl className="details">
            <Row term={t('matches.born')} value={formatBirth(person.birth, i18n)} />
            <Row term={t('matches.birthPlace')} value={person.birthPlace} />
            <Row term={t('matches.unit')} value={person.military?.unit} />
            <Row term={t('matches.serviceNumber')} value={person.military?.serviceNumber} />
          </dl>
        </>
      )}
    </section>
  );
}

function SubjectSide({ subject, i18n }: { subject: ListSubject; i18n: I18n }) {
  const { t } = i18n;
  return (
    <section className="match-side" data-testid="match-subject">
      <h3>{t('matches.listRow', { id: subject.listId })}</h3>
      <ul className="plain-list">
        {subject.names.map((n) => {
          const text = [n.family, n.given, n.patronymic].filter(Boolean).join(' ');
          return <li key={text}>{text}</li>;
        })}
      </ul>
      <dl className="details">
        <Row term={t('matches.born')} value={subject.birthDate && formatDate(subject.birthDate, i18n)} />
        <Row term={t('matches.birthPlace')} value={subject.birthPlace} />
        <Row term={t('matches.unit')} value={subject.unit} />
        <Row term={t('matches.serviceNumber')} value={subject.serviceNumber} />
      </dl>
    </section>
  );
}
