import { type FormEvent, useRef, useState } from 'react';
import { ApiError, type ImportResult, type ImportRowError, type Job, useApi } from '../api.ts';
import { JobProgress } from '../components/JobProgress.tsx';
import { errorMessage } from '../format.ts';
import { type MessageKey, useI18n } from '../i18n.ts';
import { rowErrorText } from '../server-messages.ts';
import { useTitle } from '../useLoad.ts';

const COLUMNS: { name: string; required: boolean; meaning: MessageKey }[] = [
  { name: 'id', required: true, meaning: 'import.col.id' },
  { name: 'family_name', required: true, meaning: 'import.col.family_name' },
  { name: 'given_name', required: false, meaning: 'import.col.given_name' },
  { name: 'patronymic', required: false, meaning: 'import.col.patronymic' },
  { name: 'birth_date', required: false, meaning: 'import.col.birth_date' },
  { name: 'birth_place', required: false, meaning: 'import.col.birth_place' },
  { name: 'unit', required: false, meaning: 'import.col.unit' },
  { name: 'service_number', required: false, meaning: 'import.col.service_number' },
  { name: 'sex', required: false, meaning: 'import.col.sex' },
  { name: 'category', required: false, meaning: 'import.col.category' },
];

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

function contentTypeOf(file: File): string | null {
  const name = file.name.toLowerCase();
  if (name.endsWith('.csv')) return 'text/csv';
  if (name.endsWith('.xlsx')) return XLSX_TYPE;
  return null;
}

type Outcome =
  | { kind: 'done'; result: ImportResult }
  | { kind: 'rejected'; message: string; rows: ImportRowError[] }
  | { kind: 'error'; message: string };

export function ImportPage() {
  const i18n = useI18n();
  const { t } = i18n;
  const api = useApi();
  const fileRef = useRef<HTMLInputElement>(null);
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [job, setJob] = useState<Job | null>(null);
  useTitle(t('import.title'));

  async function submit(e: FormEvent) {
    e.preventDefault();
    const file = fileRef.current?.files?.[0];
    if (!file) {
      setOutcome({ kind: 'error', message: t('import.noFile') });
      return;
    }
    const type = contentTypeOf(file);
    if (!type) {
      setOutcome({ kind: 'error', message: t('import.badType') });
      return;
    }
    setBusy(true);
    setOutcome(null);
    try {
      setOutcome({ kind: 'done', result: await api.importPersons(file, type, setJob) });
    } catch (err) {
      if (err instanceof ApiError && err.code === 'IMPORT_REJECTED')
        setOutcome({ kind: 'rejected', message: err.message, rows: err.rows });
      else setOutcome({ kind: 'error', message: errorMessage(err, i18n) });
    } finally {
      setBusy(false);
      setJob(null);
    }
  }

  return (
    <div data-testid="import-page">
      <h1>{t('import.title')}</h1>
      <p>{t('import.intro')}</p>
      <p className="alert alert-info">{t('import.allOrNothing')}</p>

      <section aria-labelledby="columns-heading" className="card">
        <h2 id="columns-heading">{t('import.columns')}</h2>
        <div className="table-wrap">
          <table className="table table-compact table-stack" data-testid="import-columns">
            <thead>
              <tr>
                <th scope="col">{t('import.colName')}</th>
                <th scope="col">{t('import.colRequired')}</th>
                <th scope="col">{t('import.colMeaning')}</th>
              </tr>
            </thead>
            <tbody>
              {COLUMNS.map((c) => (
                <tr key={c.name}>
                  <th scope="row">
                    <code>{c.name}</code>
                  </th>
                  <td data-label={t('import.colRequired')}>
                    {c.required ? <strong>{t('import.required')}</strong> : t('import.optional')}
                  </td>
                  <td data-label={t('import.colMeaning')}>{t(c.meaning)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>

      <form onSubmit={submit} className="card stack" data-testid="import-form">
        <div className="field">
          <label htmlFor="import-file">{t('import.file')}</label>
          <input
            id="import-file"
            ref={fileRef}
            type="file"
            accept={`.csv,text/csv,.xlsx,${XLSX_TYPE}`}
            onChange={() => setOutcome(null)}
            data-testid="import-file"
          />
        </div>
        <div>
          <button type="submit" disabled={busy} data-testid="import-submit">
            {busy ? t('import.uploading') : t('import.submit')}
          </button>
        </div>
      </form>

      {busy && <JobProgress job={job} />}
      {outcome?.kind === 'done' && (
        <section className="alert alert-success" role="status" data-testid="import-result">
          <h2>{t('import.done')}</h2>
          <dl className="counts">
            <div>
              <dt>{t('import.created')}</dt>
              <dd data-testid="import-created">{outcome.result.created}</dd>
            </div>
            <div>
              <dt>{t('import.updated')}</dt>
              <dd data-testid="import-updated">{outcome.result.updated}</dd>
            </div>
            <div>
              <dt>{t('import.unchanged')}</dt>
              <dd data-testid="import-unchanged">{outcome.result.unchanged}</dd>
            </div>
            <div>
              <dt>{t('import.total')}</dt>
              <dd data-testid="import-total">{outcome.result.total}</dd>
            </div>
          </dl>
        </section>
      )}
      {outcome?.kind === 'error' && (
        <p className="alert alert-error" role="alert" data-testid="import-error">
          {outcome.message}
        </p>
      )}
      {outcome?.kind === 'rejected' && (
        <section className="alert alert-error" role="alert" data-testid="import-rejected">
          <p>
            <strong>{t('import.rejected')}</strong>
          </p>
          {/* The server's summary is English; other languages have the translated line above. */}
          {outcome.message && i18n.lang === 'en' && <p>{outcome.message}</p>}
          <div className="table-wrap">
            <table className="table table-compact" data-testid="import-errors">
              <thead>
                <tr>
                  <th scope="col">{t('import.line')}</th>
                  <th scope="col">{t('import.column')}</th>
                  <th scope="col">{t('import.message')}</th>
                </tr>
              </thead>
              <tbody>
                {outcome.rows.map((r, i) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: one line may carry several errors; the list is fixed
                  <tr key={i} data-testid="import-error-row">
                    <td className="nowrap">
                      {r.line === 0 ? t('import.wholeFile') : r.line}
                      {r.position ? `:${r.position}` : ''}
                    </td>
                    <td>{r.column ? <code>{r.column}</code> : t('common.empty')}</td>
                    <td>{rowErrorText(i18n.lang, r)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      )}
    </div>
  );
}
