import { type AgreementView, useApi } from '../api.ts';
import { Detail, ErrorBox, Loading } from '../components/ui.tsx';
import { formatDate, formatInstant } from '../format.ts';
import { type I18n, useI18n } from '../i18n.ts';
import { Link } from '../router.tsx';
import { predicateText, warningText } from '../server-messages.ts';
import { useLoad, useTitle } from '../useLoad.ts';

export const agreementPath = (exchangeId: string) => `/exchanges/${encodeURIComponent(exchangeId)}/agreement`;

/**
 * The agreement an exchange runs under: categories with who qualifies, rules, targets with progress
 * (derived on the server from the handover records), conditions, its hash and every signature, and
 * whether it is in force.
 */
export function AgreementPage({ exchangeId }: { exchangeId: string }) {
  const i18n = useI18n();
  const { t } = i18n;
  const api = useApi();
  const { state, reload } = useLoad(`agreement:${exchangeId}`, (signal) =>
    api.getAgreement(exchangeId, signal),
  );
  useTitle(state.status === 'ok' ? t('agreement.title', { title: state.data.title }) : t('agreement.facts'));
  if (state.status === 'loading') return <Loading />;
  if (state.status === 'error') return <ErrorBox error={state.error} onRetry={reload} />;
  const a = state.data;
  return (
    <div data-testid="agreement-page">
      <p className="back">
        <Link to="/exchanges">← {t('agreement.back')}</Link>
      </p>
      <div className="page-title">
        <h1>{t('agreement.title', { title: a.title })}</h1>
        <span
          className={`badge ${a.inForce ? 'badge-good' : 'badge-warn'}`}
          data-testid="agreement-in-force"
          data-in-force={String(a.inForce)}
          title={t('agreement.inForceHelp')}
        >
          {a.inForce ? t('agreement.inForce') : t('agreement.notInForce')}
        </span>
      </div>
      <p className="subtitle">
        {t('agreement.subtitle', { exchange: a.exchangeId, id: a.id, version: a.version })}
      </p>
      <Facts a={a} i18n={i18n} />
      <Categories a={a} i18n={i18n} />
      <Rules a={a} i18n={i18n} />
      <Targets a={a} i18n={i18n} />
      <section className="card" aria-labelledby="agreement-conditions" data-testid="agreement-conditions">
        <h2 id="agreement-conditions">{t('agreement.conditions')}</h2>
        {a.conditions.length === 0 ? (
          <p className="empty">{t('agreement.noConditions')}</p>
        ) : (
          <ul>
            {a.conditions.map((c) => (
              <li key={c.code}>{c.text}</li>
            ))}
          </ul>
        )}
      </section>
      <Signatures a={a} i18n={i18n} />
      <section className="card" aria-labelledby="agreement-warnings" data-testid="agreement-warnings">
        <h2 id="agreement-warnings">{t('agreement.warnings')}</h2>
        {a.warnings.length === 0 ? (
          <p className="empty">{t('agreement.noWarnings')}</p>
        ) : (
          <ul>
            {a.warnings.map((w) => (
              <li key={w.id} data-testid="agreement-warning" data-warning-id={w.id}>
                <strong>{i18n.code('warningKind', w.kind)}</strong>{' '}
                <span className="muted small">
                  {warningText(i18n.lang, w, {
                    party: (id) => nameOf(a, id),
                    category: (id) => categoryLabel(a, id, i18n),
                  })}
                </span>
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}

const nameOf = (a: AgreementView, id: string) =>
  [...a.parties, ...a.mediators].find((p) => p.id === id)?.name ?? id;
const categoryOf = (a: AgreementView, id: string) => a.categories.find((c) => c.id === id)?.label ?? id;
/** A category by name in the reader's language where the catalogue has it, else the agreement's label. */
const categoryLabel = (a: AgreementView, id: string, i18n: I18n) =>
  i18n.code('exchangeCategory', id) === id ? categoryOf(a, id) : i18n.code('exchangeCategory', id);

function Facts({ a, i18n }: { a: AgreementView; i18n: I18n }) {
  const { t, code } = i18n;
  return (
    <section className="card" aria-labelledby="agreement-facts" data-testid="agreement-facts">
      <h2 id="agreement-facts">{t('agreement.facts')}</h2>
      <dl className="details">
        <Detail term={t('agreement.type')}>{code('agreementType', a.type)}</Detail>
        <Detail term={t('agreement.concluded')}>
          {t('agreement.concludedValue', { date: formatDate(a.concludedAt, i18n), place: a.place })}
        </Detail>
        <Detail term={t('agreement.parties')} testId="agreement-parties">
          {a.parties.map((p) => p.name).join(' · ')}
        </Detail>
        <Detail term={t('agreement.mediators')}>{a.mediators.map((m) => m.name).join(' · ')}</Detail>
        <Detail term={t('agreement.ordinal')}>{a.ordinal === null ? null : String(a.ordinal)}</Detail>
      </dl>
      {a.amendmentReason && <p>{t('agreement.amends', { reason: a.amendmentReason })}</p>}
      {a.actingAs && (
        <p className="muted small" data-testid="agreement-acting-as">
          {t(a.actingAs.basis === 'demo_node' ? 'agreement.actingAsDemo' : 'agreement.actingAs', {
            name: a.actingAs.name,
            role: code('signerRole', a.actingAs.role),
          })}
        </p>
      )}
    </section>
  );
}

function Categories({ a, i18n }: { a: AgreementView; i18n: I18n }) {
  const { t, code } = i18n;
  return (
    <section className="card" aria-labelledby="agreement-categories" data-testid="agreement-categories">
      <h2 id="agreement-categories">{t('agreement.categories')}</h2>
      <div className="table-wrap">
        <table className="table table-compact">
          <thead>
            <tr>
              <th scope="col">{t('agreement.colCategory')}</th>
              <th scope="col">{t('agreement.colPredicate')}</th>
              <th scope="col">{t('agreement.colCountedAs')}</th>
            </tr>
          </thead>
          <tbody>
            {a.categories.map((c) => (
              <tr key={c.id} data-testid="agreement-category" data-category-id={c.id}>
                <th scope="row">
                  {code('exchangeCategory', c.id) === c.id ? c.label : code('exchangeCategory', c.id)}
                </th>
                <td data-testid="category-predicate">{predicateText(i18n.lang, c)}</td>
                <td className="muted small">
                  {code('countSubject', c.subject)} · {code('countClass', c.class)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function Rules({ a, i18n }: { a: AgreementView; i18n: I18n }) {
  const { t, code } = i18n;
  const items = [
    ...a.ratioRules.map((r) =>
      r.kind === 'ratio'
        ? {
            id: r.id,
            text: t('agreement.ratio', {
              ratio: Object.keys(r.shares)
                .map((p) => r.shares[p])
                .join(' : '),
              parties: Object.keys(r.shares)
                .map((p) => nameOf(a, p))
                .join(' : '),
              category: r.category ? categoryOf(a, r.category) : t('agreement.allCategories'),
              scope: code('ruleScope', r.scope),
            }),
          }
        : { id: r.id, text: t('agreement.allForAll', { category: categoryOf(a, r.category) }) },
    ),
    ...a.orderingRules.map((r) => ({
      id: r.id,
      text: t('agreement.ordering', {
        first: categoryOf(a, r.first),
        after: r.after ? categoryOf(a, r.after) : t('agreement.anyOther'),
        scope: code('ruleScope', r.scope),
      }),
    })),
  ];
  return (
    <section className="card" aria-labelledby="agreement-rules" data-testid="agreement-rules">
      <h2 id="agreement-rules">{t('agreement.rules')}</h2>
      {items.length === 0 ? (
        <p className="empty">{t('agreement.noRules')}</p>
      ) : (
        <ul>
          {items.map((r) => (
            <li key={r.id} data-testid="agreement-rule" data-rule-id={r.id}>
              {r.text}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function Targets({ a, i18n }: { a: AgreementView; i18n: I18n }) {
  const { t, code } = i18n;
  const directions = a.parties.map((p) => p.id);
  return (
    <section className="card" aria-labelledby="agreement-targets" data-testid="agreement-targets">
      <h2 id="agreement-targets">{t('agreement.targets')}</h2>
      <p className="muted small">{t('agreement.progressNote')}</p>
      {a.targets.length === 0 ? (
        <p className="empty">{t('agreement.noTargets')}</p>
      ) : (
        <div className="table-wrap">
          <table className="table table-compact">
            <thead>
              <tr>
                <th scope="col">{t('agreement.colTo')}</th>
                <th scope="col">{t('agreement.colCategory')}</th>
                <th scope="col">{t('agreement.colTarget')}</th>
                <th scope="col">{t('agreement.colHandedOver')}</th>
                <th scope="col">{t('agreement.colRemaining')}</th>
              </tr>
            </thead>
            <tbody>
              {a.targets.map((x) => (
                <tr
                  key={`${x.direction}:${x.category ?? '*'}`}
                  data-testid="agreement-target"
                  data-direction={x.direction}
                >
                  <th scope="row">{nameOf(a, x.direction)}</th>
                  <td>{x.category ? categoryOf(a, x.category) : t('agreement.total')}</td>
                  <td>{x.count}</td>
                  <td data-testid="target-handed-over" className="count-strong">
                    {x.handedOver}
                  </td>
                  <td data-testid="target-remaining">{x.remaining}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {a.progress.stages.length > 0 && (
        <>
          <h3>{t('agreement.perStage')}</h3>
          <div className="table-wrap">
            <table className="table table-compact">
              <thead>
                <tr>
                  <th scope="col">{t('agreement.colStage')}</th>
                  <th scope="col">{t('agreement.colDate')}</th>
                  <th scope="col">{t('agreement.colStatus')}</th>
                  {directions.map((d) => (
                    <th scope="col" key={d}>
                      {t('board.to', { party: nameOf(a, d) })}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {a.progress.stages.map((s) => (
                  <tr key={s.stageId} data-testid="agreement-stage" data-stage-id={s.stageId}>
                    <th scope="row">{s.stageId}</th>
                    <td className="nowrap">{formatDate(s.date, i18n)}</td>
                    <td>{code('stageStatus', s.status)}</td>
                    {directions.map((d) => (
                      <td key={d}>{s.handedOver[d] ?? 0}</td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}

function Signatures({ a, i18n }: { a: AgreementView; i18n: I18n }) {
  const { t, code } = i18n;
  const missing = a.requiredSigners.filter((s) => !s.signed);
  return (
    <section className="card" aria-labelledby="agreement-signatures" data-testid="agreement-signatures">
      <h2 id="agreement-signatures">{t('agreement.signatures')}</h2>
      <p className="small">
        {t('agreement.hash')}:{' '}
        <code data-testid="agreement-hash" style={{ overflowWrap: 'anywhere' }}>
          {a.hash}
        </code>
      </p>
      <div className="table-wrap">
        <table className="table table-compact">
          <thead>
            <tr>
              <th scope="col">{t('agreement.colSigner')}</th>
              <th scope="col">{t('agreement.colRole')}</th>
              <th scope="col">{t('agreement.colKey')}</th>
              <th scope="col">{t('agreement.colSignedAt')}</th>
              <th scope="col">{t('agreement.colCovers')}</th>
            </tr>
          </thead>
          <tbody>
            {a.signatures.map((s) => (
              <tr key={`${s.signer}:${s.keyId}`} data-testid="agreement-signature" data-signer={s.signer}>
                <th scope="row">{s.signerName}</th>
                <td>{code('signerRole', s.role)}</td>
                <td>
                  <code>{s.keyId}</code>
                </td>
                <td className="nowrap">{formatInstant(s.signedAt, i18n)}</td>
                <td data-testid="signature-covers" data-covers={String(s.coversHash)}>
                  {s.coversHash ? t('agreement.covers') : t('agreement.notCovers')}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {missing.length > 0 && (
        <p className="alert alert-info" data-testid="agreement-missing-signers">
          {t('agreement.missing', {
            names: missing.map((s) => `${s.name} (${code('signerRole', s.role)})`).join(', '),
          })}
        </p>
      )}
    </section>
  );
}
