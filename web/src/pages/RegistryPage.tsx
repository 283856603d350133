import { type FormEvent, useEffect, useState } from 'react';
import { exportUrl, type PersonQuery, useApi, useCan, useMeta } from '../api.ts';
import { ErrorBox, Loading, StatusBadge } from '../components/ui.tsx';
import { formatBirth, formatPercent, fullName, nameInScript } from '../format.ts';
import { useI18n } from '../i18n.ts';
import { Link, navigate, useLocation } from '../router.tsx';
import { useLoad, useTitle } from '../useLoad.ts';

const PAGE_SIZE = 50;

/** The list's state lives in the URL, so back/forward and shared links restore a search. */
function queryFromUrl(search: URLSearchParams): PersonQuery {
  const offset = Number(search.get('offset') ?? '0');
  return {
    q: search.get('q') ?? '',
    birthYear: search.get('birthYear') ?? '',
    category: search.get('category') ?? '',
    status: search.get('status') ?? '',
    limit: PAGE_SIZE,
    offset: Number.isInteger(offset) && offset > 0 ? offset : 0,
  };
}

function urlFor(q: PersonQuery): string {
  const p = new URLSearchParams();
  if (q.q) p.set('q', q.q);
  if (q.birthYear) p.set('birthYear', q.birthYear);
  if (q.category) p.set('category', q.category);
  if (q.status) p.set('status', q.status);
  if (q.offset) p.set('offset', String(q.offset));
  const s = p.toString();
  return s ? `/?${s}` : '/';
}

export function RegistryPage() {
  const i18n = useI18n();
  const { t, code } = i18n;
  const api = useApi();
  const meta = useMeta();
  const can = useCan();
  const location = useLocation();
  const query = queryFromUrl(location.search);
  const key = urlFor(query);
  useTitle(t('registry.title'));

  const [q, setQ] = useState(query.q ?? '');
  const [birthYear, setBirthYear] = useState(query.birthYear ?? '');
  const [category, setCategory] = useState(query.category ?? '');
  const [status, setStatus] = useState(query.status ?? '');
  const [yearError, setYearError] = useState(false);

  // Follow the URL when it changes under the form (back/forward, header link).
  useEffect(() => {
    const fromUrl = queryFromUrl(new URLSearchParams(key.slice(2)));
    setQ(fromUrl.q ?? '');
    setBirthYear(fromUrl.birthYear ?? '');
    setCategory(fromUrl.category ?? '');
    setStatus(fromUrl.status ?? '');
  }, [key]);

  const { state, reload } = useLoad(key, (signal) => api.listPersons(query, signal));

  function submit(e: FormEvent) {
    e.preventDefault();
    const year = birthYear.trim();
    if (year && !/^\d{4}$/.test(year)) {
      setYearError(true);
      return;
    }
    setYearError(false);
    navigate(urlFor({ q: q.trim(), birthYear: year, category, status, limit: PAGE_SIZE, offset: 0 }));
  }

  function clear() {
    setYearError(false);
    navigate('/');
  }

  const page = (offset: number) => navigate(urlFor({ ...query, offset }));

  return (
    <div data-testid="registry-page">
      <div className="page-title">
        <h1>{t('registry.title')}</h1>
        <div className="toolbar">
          {can('person:write') && (
            <Link to="/persons/new" className="button" data-testid="new-person-link">
              {t('nav.newPerson')}
            </Link>
          )}
          {can('registry:export') && (
            <>
              <span className="toolbar-label">{t('registry.export')}:</span>
              <a href={exportUrl('csv')} download data-testid="export-csv">
                {t('registry.exportCsv')}
              </a>
              <a href={exportUrl('xlsx')} download data-testid="export-xlsx">
                {t('registry.exportXlsx')}
              </a>
            </>
          )}
        </div>
      </div>

      <search aria-label={t('registry.filters')}>
        <form className="filters" onSubmit={submit}>
          <div className="field field-grow">
            <label htmlFor="filter-q">{t('registry.q')}</label>
            <input
              id="filter-q"
              type="search"
              value={q}
              onChange={(e) => setQ(e.target.value)}
              aria-describedby="filter-q-hint"
              autoComplete="off"
              spellCheck={false}
              data-testid="search-input"
            />
            <p id="filter-q-hint" className="hint">
              {t('registry.qHint')}
            </p>
          </div>
          <div className="field field-year">
            <label htmlFor="filter-year">{t('registry.birthYear')}</label>
            <input
              id="filter-year"
              inputMode="numeric"
              maxLength={4}
              value={birthYear}
              onChange={(e) => setBirthYear(e.target.value)}
              aria-invalid={yearError || undefined}
              aria-describedby={yearError ? 'filter-year-error' : undefined}
              data-testid="filter-birth-year"
            />
            {yearError && (
              <p id="filter-year-error" className="field-error">
                {t('registry.birthYearInvalid')}
              </p>
            )}
          </div>
          <div className="field">
            <label htmlFor="filter-category">{t('registry.category')}</label>
            <select
              id="filter-category"
              value={category}
              onChange={(e) => setCategory(e.target.value)}
              data-testid="filter-category"
            >
              <option value="">{t('registry.any')}</option>
              {meta.categories.map((c) => (
                <option key={c} value={c}>
                  {code('category', c)}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="filter-status">{t('registry.status')}</label>
            <select
              id="filter-status"
              value={status}
              onChange={(e) => setStatus(e.target.value)}
              data-testid="filter-status"
            >
              <option value="">{t('registry.any')}</option>
              <option value="none">{code('status', 'none')}</option>
              {meta.dimensions.fate.map((s) => (
                <option key={s} value={s}>
                  {code('status', s)}
                </option>
              ))}
            </select>
          </div>
          <div className="filter-actions">
            <button type="submit" data-testid="search-submit">
              {t('registry.submit')}
            </button>
            <button type="button" className="button-secondary" onClick={clear}>
              {t('registry.clear')}
            </button>
          </div>
        </form>
      </search>

      <section aria-labelledby="results-heading" aria-busy={state.status === 'loading' || undefined}>
        <h2 id="results-heading" className="visually-hidden">
          {t('registry.results')}
        </h2>
        {state.status === 'loading' && <Loading />}
        {state.status === 'error' && <ErrorBox error={state.error} onRetry={reload} />}
        {state.status === 'ok' && state.data.items.length === 0 && (
          <p className="empty" role="status" data-testid="no-results">
            {t('registry.noResults')}
          </p>
        )}
        {state.status === 'ok' && state.data.items.length > 0 && (
          <>
            <p className="muted" role="status" data-testid="results-count">
              {t('registry.showing', {
                from: query.offset + 1,
                to: query.offset + state.data.items.length,
              })}
            </p>
            <div className="table-wrap">
              <table className="table table-stack" data-testid="results">
                <thead>
                  <tr>
                    <th scope="col">{t('registry.colNameCyrl')}</th>
                    <th scope="col">{t('registry.colNameLatn')}</th>
                    <th scope="col">{t('registry.colBirth')}</th>
                    <th scope="col">{t('registry.colCategory')}</th>
                    <th scope="col">{t('registry.colFate')}</th>
                    <th scope="col">{t('registry.colExchange')}</th>
                  </tr>
                </thead>
                <tbody>
                  {state.data.items.map((p) => {
                    const cyrl = nameInScript(p.names, 'Cyrl');
                    const latn = nameInScript(p.names, 'Latn');
                    return (
                      <tr key={p.id} data-testid="person-row" data-person-id={p.id}>
                        <th scope="row" className="cell-name" data-label={t('registry.colNameCyrl')}>
                          <Link to={`/persons/${encodeURIComponent(p.id)}`} data-testid="person-link">
                            {cyrl ? fullName(cyrl) : p.displayName}
                          </Link>
                          {p.match && (
                            <span
                              className={`badge ${p.match.band === 'likely' ? 'badge-good' : 'badge-warn'}`}
                              title={t('registry.matchHint', {
                                band: code('matches.band', p.match.band),
                                score: formatPercent(p.match.score, i18n),
                              })}
                              data-testid="match-badge"
                            >
                              {code('matches.band', p.match.band)}
                            </span>
                          )}
                        </th>
                        <td data-label={t('registry.colNameLatn')}>
                          {latn ? fullName(latn) : t('common.empty')}
                        </td>
                        <td className="nowrap" data-label={t('registry.colBirth')}>
                          {formatBirth(p.birth, i18n)}
                        </td>
                        <td data-label={t('registry.colCategory')}>{code('category', p.category)}</td>
                        <td data-label={t('registry.colFate')}>
                          <StatusBadge value={p.status.fate} />
                        </td>
                        <td data-label={t('registry.colExchange')}>
                          <StatusBadge value={p.status.exchange} />
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
            <nav className="pager" aria-label={t('registry.paging')}>
              <button
                type="button"
                className="button-secondary"
                disabled={query.offset === 0}
                onClick={() => page(Math.max(0, query.offset - PAGE_SIZE))}
                data-testid="page-prev"
              >
                ← {t('registry.prev')}
              </button>
              <button
                type="button"
                className="button-secondary"
                disabled={!state.data.hasMore}
                onClick={() => page(query.offset + PAGE_SIZE)}
                data-testid="page-next"
              >
                {t('registry.next')} →
              </button>
            </nav>
          </>
        )}
      </section>
    </div>
  );
}
