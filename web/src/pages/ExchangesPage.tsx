import { useState } from 'react';
import { type PendingAgreement, useApi, useCan } from '../api.ts';
import { ErrorBox, Loading } from '../components/ui.tsx';
import { errorMessage, formatDate } from '../format.ts';
import { type Language, useI18n } from '../i18n.ts';
import { Link } from '../router.tsx';
import { useLoad, useTitle } from '../useLoad.ts';
import { agreementPath } from './AgreementPage.tsx';
import { listsPath } from './ListsPage.tsx';

const reportBase = (exchangeId: string) => `/api/exchanges/${encodeURIComponent(exchangeId)}`;
// Reports are rendered by the server in the reader's language (`lang`), not the browser's.
const actPath = (exchangeId: string, stageId: string, format: 'html' | 'pdf', lang: Language) =>
  `${reportBase(exchangeId)}/stages/${encodeURIComponent(stageId)}/act?format=${format}&lang=${lang}`;

export const boardPath = (exchangeId: string, stageId: string) =>
  `/exchanges/${encodeURIComponent(exchangeId)}/stages/${encodeURIComponent(stageId)}`;

/** The exchanges of this node and their stages; each stage opens its live board. */
export function ExchangesPage() {
  const i18n = useI18n();
  const { t, code } = i18n;
  const api = useApi();
  useTitle(t('exchanges.title'));
  const { state, reload } = useLoad('exchanges', (signal) => api.listExchanges(signal));
  return (
    <div data-testid="exchanges-page">
      <div className="page-title">
        <h1>{t('exchanges.title')}</h1>
      </div>
      <p className="muted">{t('exchanges.intro')}</p>
      <PendingAgreements />
      {state.status === 'loading' && <Loading />}
      {state.status === 'error' && <ErrorBox error={state.error} onRetry={reload} />}
      {state.status === 'ok' && state.data.items.length === 0 && (
        <p className="empty" role="status">
          {t('exchanges.empty')}
        </p>
      )}
      {state.status === 'ok' &&
        state.data.items.map((x) => (
          <section key={x.id} className="card" data-testid="exchange" data-exchange-id={x.id}>
            <h2>
              {x.agreement.title}
              <span className="muted small">
                {' '}
                · {x.id} · v{x.agreement.version}
              </span>{' '}
              <Link to={agreementPath(x.id)} className="button button-small" data-testid="open-agreement">
                {t('exchanges.openAgreement')}
              </Link>{' '}
              <Link to={listsPath(x.id)} className="button button-small" data-testid="open-lists">
                {t('exchanges.openLists')}
              </Link>
            </h2>
            <div className="table-wrap">
              <table className="table table-compact">
                <thead>
                  <tr>
                    <th scope="col">{t('exchanges.colStage')}</th>
                    <th scope="col">{t('exchanges.colDate')}</th>
                    <th scope="col">{t('exchanges.colCrossing')}</th>
                    <th scope="col">{t('exchanges.colStatus')}</th>
                    <th scope="col">{t('exchanges.reports')}</th>
                    <th scope="col">
                      <span className="visually-hidden">{t('exchanges.openBoard')}</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {x.stages.map((s) => (
                    <tr key={s.stageId}>
                      <th scope="row">{s.stageId}</th>
                      <td className="nowrap">{formatDate(s.date, i18n)}</td>
                      <td>{s.crossingPoint}</td>
                      <td>{code('stageStatus', s.status)}</td>
                      <td className="nowrap">
                        <a
                          href={actPath(x.id, s.stageId, 'html', i18n.lang)}
                          target="_blank"
                          rel="noopener"
                          data-testid="report-act"
                        >
                          {t('exchanges.reportAct')}
                        </a>{' '}
                        (
                        <a
                          href={actPath(x.id, s.stageId, 'pdf', i18n.lang)}
                          target="_blank"
                          rel="noopener"
                          data-testid="report-act-pdf"
                        >
                          {t('exchanges.reportPdf')}
                        </a>
                        )
                      </td>
                      <td>
                        <Link
                          to={boardPath(x.id, s.stageId)}
                          className="button button-small"
                          data-testid="open-board"
                        >
                          {t('exchanges.openBoard')}
                        </Link>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <p className="small" data-testid="exchange-reports">
              {t('exchanges.reports')}:{' '}
              {(['reconciliation', 'progress', 'dossier'] as const).map((k, i) => (
                <span key={k}>
                  {i > 0 && ' · '}
                  <a
                    href={`${reportBase(x.id)}/reports/${k}?lang=${i18n.lang}`}
                    target="_blank"
                    rel="noopener"
                    data-testid={`report-${k}`}
                  >
                    {t(
                      k === 'reconciliation'
                        ? 'exchanges.reportReconciliation'
                        : k === 'progress'
                          ? 'exchanges.reportProgress'
                          : 'exchanges.reportDossier',
                    )}
                  </a>
                </span>
              ))}
            </p>
          </section>
        ))}
    </div>
  );
}

/** Proposed agreement versions awaiting signatures, with "Sign as <party>" where this node may sign. */
function PendingAgreements() {
  const i18n = useI18n();
  const { t } = i18n;
  const api = useApi();
  const can = useCan();
  const { state, reload } = useLoad('pending-agreements', (signal) => api.listPendingAgreements(signal));
  const [busy, setBusy] = useState<string | null>(null);
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);
  if (state.status !== 'ok' || state.data.items.length === 0) return null;
  const sign = async (a: PendingAgreement) => {
    setBusy(a.agreementHash);
    try {
      await api.signAgreement(a.exchangeId, a.agreementHash);
      setResult({ ok: true, text: t('agreements.signedNow') });
      reload();
    } catch (err) {
      setResult({ ok: false, text: errorMessage(err, i18n) });
    } finally {
      setBusy(null);
    }
  };
  return (
    <section className="card" data-testid="pending-agreements">
      <h2>{t('agreements.pending')}</h2>
      <p className="muted small">{t('agreements.pendingIntro')}</p>
      {result && (
        <p
          role="status"
          className={`alert ${result.ok ? 'alert-success' : 'alert-error'}`}
          data-testid="pending-agreement-result"
        >
          {result.text}
        </p>
      )}
      <ul className="plain-list">
        {state.data.items.map((a) => (
          <li key={a.agreementHash} data-testid="pending-agreement" data-agreement-id={a.agreementId}>
            <strong>{a.title}</strong>{' '}
            <span className="muted small">
              · {a.exchangeId} · v{a.version} · {t('agreements.proposedBy', { who: a.proposedBy })} ·{' '}
              <code title={a.agreementHash}>{a.agreementHash.slice(0, 12)}…</code>
            </span>
            <div className="small">
              {a.signed.length > 0 && (
                <span data-testid="agreement-signed">
                  {t('agreements.signedBy')}: {a.signed.map((s) => s.signer).join(', ')}.{' '}
                </span>
              )}
              <span data-testid="agreement-awaiting">
                {t('agreements.awaiting')}: {a.awaiting.join(', ')}
              </span>
            </div>
            {a.canSign && a.ownSigner && can('exchange:write') && can('node:sign') && (
              <button
                type="button"
                className="button button-small"
                disabled={busy !== null}
                onClick={() => sign(a)}
                data-testid="sign-agreement"
              >
                {t('agreements.sign', { who: a.ownSigner })}
              </button>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
