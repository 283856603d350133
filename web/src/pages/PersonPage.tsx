import { useState } from 'react';
import { dimensions, type Person, type PersonName, useApi, useCan } from '../api.ts';
import { AuditTrail } from '../components/AuditTrail.tsx';
import { StatusEventForm } from '../components/StatusEventForm.tsx';
import { StatusHistory } from '../components/StatusHistory.tsx';
import { Detail, ErrorBox, Loading, Restricted, StatusBadge } from '../components/ui.tsx';
import { formatBirth, formatInstant, fullName, nameInScript } from '../format.ts';
import { useI18n } from '../i18n.ts';
import { Link } from '../router.tsx';
import { useLoad, useTitle } from '../useLoad.ts';

export function PersonPage({ id }: { id: string }) {
  const { t } = useI18n();
  const api = useApi();
  const can = useCan();
  const person = useLoad(id, (signal) => api.getPerson(id, signal));
  const events = useLoad(id, (signal) => api.listStatusEvents(id, signal));
  const [auditKey, setAuditKey] = useState(0);

  const p = person.state.status === 'ok' ? person.state.data : null;
  const title = p ? personTitle(p) : t('nav.registry');
  useTitle(title);

  const onRecorded = () => {
    person.reload();
    events.reload();
    setAuditKey((k) => k + 1);
  };

  return (
    <div data-testid="person-page">
      <p className="back">
        <Link to="/">← {t('person.back')}</Link>
      </p>
      {person.state.status === 'loading' && <Loading />}
      {person.state.status === 'error' && <ErrorBox error={person.state.error} onRetry={person.reload} />}
      {p && (
        <>
          <PersonHeading person={p} />
          <NamesSection names={p.names} />
          <div className="person-layout">
            <div className="person-main">
              <DetailsSection person={p} />
              <RestrictedSection person={p} />
            </div>
            <div className="person-side">
              {events.state.status === 'loading' && <Loading />}
              {events.state.status === 'error' && (
                <ErrorBox error={events.state.error} onRetry={events.reload} />
              )}
              {events.state.status === 'ok' && (
                <>
                  <StatusHistory events={events.state.data.items} status={p.status} />
                  {can('status:write') && (
                    <StatusEventForm
                      personId={p.id}
                      status={p.status}
                      events={events.state.data.items}
                      onRecorded={onRecorded}
                    />
                  )}
                </>
              )}
            </div>
          </div>
          <AuditTrail personId={p.id} refreshKey={auditKey} />
        </>
      )}
    </div>
  );
}

function personTitle(p: Person): string {
  const n = nameInScript(p.names, 'Cyrl') ?? p.names[0];
  return n ? fullName(n) : p.id;
}

function PersonHeading({ person }: { person: Person }) {
  const { t, code } = useI18n();
  const can = useCan();
  const latn = nameInScript(person.names, 'Latn');
  const main = nameInScript(person.names, 'Cyrl') ?? person.names[0];
  return (
    <div className="page-title person-title">
      <div>
        <h1 data-testid="person-name">{main ? fullName(main) : person.id}</h1>
        {latn && latn !== main && <p className="subtitle">{fullName(latn)}</p>}
        <p className="muted small">
          {t('person.id')}: <code data-testid="person-id">{person.id}</code> · {t('person.version')}{' '}
          {person.version}
        </p>
        <ul className="status-summary" aria-label={t('person.currentStatus')} data-testid="current-status">
          {dimensions.map((d) => (
            <li key={d}>
              <span className="status-summary-dim">{code('dimension', d)}:</span>{' '}
              <StatusBadge value={person.status[d]} />
            </li>
          ))}
        </ul>
      </div>
      {can('person:write') && (
        <div className="toolbar">
          <Link
            to={`/persons/${encodeURIComponent(person.id)}/edit`}
            className="button"
            data-testid="edit-person"
          >
            {t('person.edit')}
          </Link>
        </div>
      )}
    </div>
  );
}

function NamesSection({ names }: { names: PersonName[] }) {
  const { t, code } = useI18n();
  const dash = t('common.empty');
  return (
    <section aria-labelledby="names-heading" className="card" data-testid="person-names">
      <h2 id="names-heading">{t('person.names')}</h2>
      <div className="table-wrap">
        <table className="table table-compact table-stack">
          <thead>
            <tr>
              <th scope="col">{t('name.family')}</th>
              <th scope="col">{t('name.given')}</th>
              <th scope="col">{t('name.patronymic')}</th>
              <th scope="col">{t('name.script')}</th>
              <th scope="col">{t('name.lang')}</th>
              <th scope="col">{t('name.scheme')}</th>
              <th scope="col">{t('name.source')}</th>
              <th scope="col">{t('name.raw')}</th>
            </tr>
          </thead>
          <tbody>
            {names.map((n, i) => (
              // Names have no id of their own; their position is stable within one version.
              // biome-ignore lint/suspicious/noArrayIndexKey: see above
              <tr key={i} data-testid="person-name-row" lang={n.lang || undefined}>
                <th scope="row" data-label={t('name.family')}>
                  {n.family}
                </th>
                <td data-label={t('name.given')}>{n.given || dash}</td>
                <td data-label={t('name.patronymic')}>{n.patronymic || dash}</td>
                <td data-label={t('name.script')}>{code('script', n.script)}</td>
                <td data-label={t('name.lang')}>
                  <code>{n.lang}</code>
                </td>
                <td data-label={t('name.scheme')}>{n.scheme || dash}</td>
                <td className="cell-break" data-label={t('name.source')}>
                  {n.source || dash}
                </td>
                <td className="cell-break" data-label={t('name.raw')}>
                  {n.raw || dash}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function DetailsSection({ person }: { person: Person }) {
  const i18n = useI18n();
  const { t, code } = i18n;
  const m = person.military;
  // Roles limited to the minimal view get names, birth, category and status only.
  const minimal = person.citizenships === undefined;
  return (
    <section aria-labelledby="details-heading" className="card" data-testid="person-details">
      <h2 id="details-heading">{t('person.details')}</h2>
      <dl className="details">
        {!minimal && <Detail term={t('person.sex')}>{person.sex ? code('sex', person.sex) : null}</Detail>}
        <Detail term={t('person.birth')} testId="person-birth">
          {person.birth ? formatBirth(person.birth, i18n) : null}
          {person.birth && (
            <span className="muted small"> ({code('precision', person.birth.precision)})</span>
          )}
        </Detail>
        {!minimal && <Detail term={t('person.birthPlace')}>{person.birthPlace}</Detail>}
        {!minimal && <Detail term={t('person.citizenships')}>{person.citizenships?.join(', ')}</Detail>}
        <Detail term={t('person.category')}>
          {person.category ? code('category', person.category) : null}
        </Detail>
        <Detail term={t('person.created')}>{formatInstant(person.createdAt, i18n)}</Detail>
        <Detail term={t('person.updated')}>{formatInstant(person.updatedAt, i18n)}</Detail>
      </dl>
      {minimal && <Restricted testId="restricted-details" />}
      {m && (m.branch || m.unit || m.rank || m.serviceNumber) && (
        <>
          <h3>{t('person.military')}</h3>
          <dl className="details">
            <Detail term={t('person.branch')}>{m.branch}</Detail>
            <Detail term={t('person.unit')}>{m.unit}</Detail>
            <Detail term={t('person.rank')}>{m.rank}</Detail>
            <Detail term={t('person.serviceNumber')}>{m.serviceNumber}</Detail>
          </dl>
        </>
      )}
      {person.externalRefs && person.externalRefs.length > 0 && (
        <>
          <h3>{t('person.externalRefs')}</h3>
          <dl className="details">
            {person.externalRefs.map((r) => (
              <Detail key={`${r.system}:${r.value}`} term={r.system}>
                <code>{r.value}</code>
              </Detail>
            ))}
          </dl>
        </>
      )}
    </section>
  );
}

/** Restricted fields are absent from the answer when the role may not see them. */
function RestrictedSection({ person }: { person: Person }) {
  const { t } = useI18n();
  const dash = t('common.empty');
  return (
    <section
      aria-labelledby="restricted-heading"
      className="card card-restricted"
      data-testid="person-restricted"
    >
      <h2 id="restricted-heading">{t('person.restricted')}</h2>

      <h3>{t('person.contacts')}</h3>
      {!('contacts' in person) ? (
        <Restricted testId="restricted-contacts" />
      ) : !person.contacts?.length ? (
        <p className="muted">{dash}</p>
      ) : (
        <div className="table-wrap">
          <table className="table table-compact" data-testid="person-contacts">
            <thead>
              <tr>
                <th scope="col">{t('person.contactName')}</th>
                <th scope="col">{t('person.contactRelation')}</th>
                <th scope="col">{t('person.contactPhone')}</th>
                <th scope="col">{t('person.contactEmail')}</th>
              </tr>
            </thead>
            <tbody>
              {person.contacts.map((c, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: contacts have no id; order is stable per version
                <tr key={i}>
                  <td>{c.name}</td>
                  <td>{c.relation || dash}</td>
                  <td>{c.phone || dash}</td>
                  <td>{c.email || dash}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      <h3>{t('person.health')}</h3>
      {!('health' in person) ? (
        <Restricted testId="restricted-health" />
      ) : !person.health?.length ? (
        <p className="muted">{dash}</p>
      ) : (
        <ul className="plain-list" data-testid="person-health">
          {person.health.map((h, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: health flags have no id; order is stable per version
            <li key={i}>
              <strong>{h.flag}</strong>
              {h.determination ? ` — ${h.determination}` : ''}
            </li>
          ))}
        </ul>
      )}

      <h3>{t('person.marks')}</h3>
      {!('marks' in person) ? (
        <Restricted testId="restricted-marks" />
      ) : (
        <p className="pre-wrap" data-testid="person-marks">
          {person.marks || dash}
        </p>
      )}

      <h3>{t('person.photos')}</h3>
      {!('photos' in person) ? (
        <Restricted testId="restricted-photos" />
      ) : !person.photos?.length ? (
        <p className="muted">{dash}</p>
      ) : (
        <ul className="plain-list" data-testid="person-photos">
          {person.photos.map((ph) => (
            <li key={ph.sha256}>
              {ph.caption || dash} <code className="hash">{ph.sha256.slice(0, 16)}…</code>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
