import { type Dimension, dimensions, type StatusEvent, type StatusTriple } from '../api.ts';
import { formatInstant } from '../format.ts';
import { useI18n } from '../i18n.ts';
import { StatusBadge } from './ui.tsx';

/** Newest first by when it happened, then by when it was recorded. */
export function newestFirst(a: StatusEvent, b: StatusEvent): number {
  return b.occurredAt.localeCompare(a.occurredAt) || b.recordedAt.localeCompare(a.recordedAt);
}

/** Ids of events that a later correction supersedes. */
export function supersededIds(events: readonly StatusEvent[]): Set<string> {
  return new Set(events.map((e) => e.supersedes).filter((s): s is string => !!s));
}

/** One timeline per dimension, newest first, each event with its source and verification. */
export function StatusHistory({ events, status }: { events: StatusEvent[]; status: StatusTriple }) {
  const { t } = useI18n();
  const superseded = supersededIds(events);
  return (
    <section aria-labelledby="history-heading" className="card" data-testid="status-history">
      <h2 id="history-heading">{t('history.title')}</h2>
      <div className="history-grid">
        {dimensions.map((d) => (
          <DimensionTimeline
            key={d}
            dimension={d}
            current={status[d]}
            events={events.filter((e) => e.dimension === d).sort(newestFirst)}
            superseded={superseded}
          />
        ))}
      </div>
    </section>
  );
}

function DimensionTimeline({
  dimension,
  current,
  events,
  superseded,
}: {
  dimension: Dimension;
  current: string;
  events: StatusEvent[];
  superseded: Set<string>;
}) {
  const i18n = useI18n();
  const { t, code } = i18n;
  const headingId = `history-${dimension}`;
  return (
    <section aria-labelledby={headingId} className="timeline-block" data-testid={`history-${dimension}`}>
      <h3 id={headingId}>
        {code('dimension', dimension)}: <StatusBadge value={current} testId={`current-${dimension}`} />
      </h3>
      {events.length === 0 ? (
        <p className="muted">{t('history.empty')}</p>
      ) : (
        <ol className="timeline">
          {events.map((e) => {
            const isSuperseded = superseded.has(e.id);
            return (
              <li
                key={e.id}
                className={isSuperseded ? 'timeline-item superseded' : 'timeline-item'}
                data-testid="status-event"
                data-event-id={e.id}
              >
                <p className="timeline-head">
                  <StatusBadge value={e.value} />{' '}
                  <time dateTime={e.occurredAt}>{formatInstant(e.occurredAt, i18n)}</time>
                </p>
                {isSuperseded && <p className="flag">{t('history.superseded')}</p>}
                {e.supersedes && <p className="flag">{t('history.correction')}</p>}
                <dl className="timeline-facts">
                  <div>
                    <dt>{t('history.source')}</dt>
                    <dd>
                      {code('source', e.sourceType)}
                      {e.sourceRef ? ` — ${e.sourceRef}` : ''}
                    </dd>
                  </div>
                  <div>
                    <dt>{t('history.verification')}</dt>
                    <dd>{code('verification', e.verification)}</dd>
                  </div>
                  <div>
                    <dt>{t('history.recorded')}</dt>
                    <dd>
                      <time dateTime={e.recordedAt}>{formatInstant(e.recordedAt, i18n)}</time>
                      {e.recordedBy ? ` · ${e.recordedBy}` : ''}
                    </dd>
                  </div>
                  {e.note && (
                    <div>
                      <dt>{t('history.note')}</dt>
                      <dd className="pre-wrap">{e.note}</dd>
                    </div>
                  )}
                </dl>
              </li>
            );
          })}
        </ol>
      )}
    </section>
  );
}
