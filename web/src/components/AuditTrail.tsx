import { ApiError, useApi } from '../api.ts';
import { formatInstant } from '../format.ts';
import { useI18n } from '../i18n.ts';
import { useLoad } from '../useLoad.ts';
import { ErrorBox, Loading } from './ui.tsx';

function detailText(detail: unknown): string {
  if (detail === null || detail === undefined) return '';
  if (typeof detail === 'string') return detail;
  return JSON.stringify(detail);
}

/** The person's audit trail; hidden entirely for roles without audit access (403). */
export function AuditTrail({ personId, refreshKey }: { personId: string; refreshKey: number }) {
  const i18n = useI18n();
  const { t } = i18n;
  const api = useApi();
  const { state, reload } = useLoad(`${personId}#${refreshKey}`, (signal) => api.listAudit(personId, signal));

  if (state.status === 'error' && state.error instanceof ApiError && state.error.code === 'FORBIDDEN')
    return null;

  return (
    <section aria-labelledby="audit-heading" className="card" data-testid="audit-trail">
      <h2 id="audit-heading">{t('audit.title')}</h2>
      {state.status === 'loading' && <Loading />}
      {state.status === 'error' && <ErrorBox error={state.error} onRetry={reload} />}
      {state.status === 'ok' && state.data.items.length === 0 && <p className="muted">{t('audit.empty')}</p>}
      {state.status === 'ok' && state.data.items.length > 0 && (
        <div className="table-wrap">
          <table className="table table-compact">
            <thead>
              <tr>
                <th scope="col">{t('audit.at')}</th>
                <th scope="col">{t('audit.actor')}</th>
                <th scope="col">{t('audit.action')}</th>
                <th scope="col">{t('audit.detail')}</th>
              </tr>
            </thead>
            <tbody>
              {state.data.items.map((a) => (
                <tr key={a.id} data-testid="audit-entry">
                  <td className="nowrap">
                    <time dateTime={a.at}>{formatInstant(a.at, i18n)}</time>
                  </td>
                  <td>{a.actor ?? t('common.empty')}</td>
                  <td>
                    <code>{a.action}</code>
                  </td>
                  <td className="cell-detail">{detailText(a.detail)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
