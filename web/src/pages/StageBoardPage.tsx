import { useEffect, useMemo, useState } from 'react';
import {
  type BoardLine,
  type HandoverBody,
  type StageBoard,
  type StageCounts,
  useApi,
  useCan,
} from '../api.ts';
import { ErrorBox, Loading } from '../components/ui.tsx';
import { errorMessage } from '../format.ts';
import { type I18n, useI18n } from '../i18n.ts';
import { Link } from '../router.tsx';
import { useLoad, useTitle } from '../useLoad.ts';

/** How often the board asks for fresh counts while it is visible. */
const REFRESH_MS = 4000;
/** Lines rendered at once; the search narrows the rest. */
const MAX_LINES = 150;

type Act = 'handed_over' | 'refused' | 'not_presented';
type Show = 'pending' | 'done' | 'all';

/** The record a one-tap action stands for; the server checks it like any other. */
function bodyFor(entryId: string, act: Act): HandoverBody {
  if (act === 'handed_over')
    return {
      entryId,
      identityCheck: { method: 'document', result: 'confirmed' },
      willingness: 'willing',
      fitness: 'fit',
      outcome: 'handed_over',
      crossedAt: new Date().toISOString(),
      discrepancies: [],
    };
  if (act === 'refused')
    return {
      entryId,
      identityCheck: { method: 'document', result: 'confirmed' },
      willingness: 'refuses',
      fitness: 'fit',
      outcome: 'not_handed_over',
      crossedAt: null,
      discrepancies: ['refused_at_crossing'],
    };
  return {
    entryId,
    identityCheck: null,
    willingness: 'not_asked',
    fitness: 'not_assessed',
    outcome: 'not_handed_over',
    crossedAt: null,
    discrepancies: ['not_presented'],
  };
}

const exceptionsOf = (c: StageCounts) => c.notHandedOver;

/**
 * The stage execution screen for a field officer on a tablet: the live board (planned, presented,
 * handed over, exceptions per direction and category, refreshed every few seconds and after each
 * action) and the manifest lines with one-tap outcomes. Counts always come from the server, which
 * derives them from the handover records.
 */
export function StageBoardPage({ exchangeId, stageId }: { exchangeId: string; stageId: string }) {
  const i18n = useI18n();
  const { t, code } = i18n;
  const api = useApi();
  const can = useCan();
  useTitle(t('board.title', { stage: stageId }));
  const { state, reload } = useLoad(`board:${exchangeId}:${stageId}`, (signal) =>
    api.getStageBoard(exchangeId, stageId, signal),
  );
  const [updatedAt, setUpdatedAt] = useState<Date | null>(null);
  useEffect(() => {
    if (state.status === 'ok' && !state.refreshing) setUpdatedAt(new Date());
  }, [state]);
  useEffect(() => {
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible') reload();
    }, REFRESH_MS);
    return () => clearInterval(timer);
  }, [reload]);

  const [busy, setBusy] = useState<string | null>(null);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [show, setShow] = useState<Show>('pending');
  const [direction, setDirection] = useState('');
  const [q, setQ] = useState('');

  if (state.status === 'loading') return <Loading />;
  if (state.status === 'error') return <ErrorBox error={state.error} onRetry={reload} />;
  const board = state.data;
  const writable = can('exchange:write') && board.status === 'in_progress';

  const act = async (line: BoardLine, what: Act) => {
    setBusy(line.entryId);
    setMessage(null);
    try {
      await api.recordHandover(exchangeId, stageId, bodyFor(line.entryId, what));
      setMessage({ ok: true, text: t('board.recorded', { line: line.name ?? line.entryId }) });
    } catch (e) {
      setMessage({ ok: false, text: errorMessage(e, i18n) });
    } finally {
      setBusy(null);
      reload();
    }
  };

  return (
    <div data-testid="stage-board-page" className="stage-board">
      <p className="back">
        <Link to="/exchanges">← {t('board.back')}</Link>
      </p>
      <div className="page-title">
        <h1>{t('board.title', { stage: stageId })}</h1>
        <span className="badge badge-neutral" data-testid="board-status" data-status={board.status}>
          {code('stageStatus', board.status)}
        </span>
      </div>
      <p className="subtitle">
        {t('board.subtitle', {
          date: board.date,
          crossing: board.crossingPoint,
          version: board.manifestVersion ?? '—',
        })}
      </p>
      <p className="muted small" role="status" aria-live="polite" data-testid="board-updated">
        {updatedAt && t('board.updated', { time: updatedAt.toLocaleTimeString(i18n.locale) })}
      </p>
      <Counts board={board} i18n={i18n} />
      {!writable && board.status !== 'in_progress' && (
        <p className="alert alert-info" data-testid="board-not-in-progress">
          {t('board.notInProgress', { status: code('stageStatus', board.status) })}
        </p>
      )}
      {message && (
        <p
          className={`alert ${message.ok ? 'alert-success' : 'alert-error'}`}
          role={message.ok ? 'status' : 'alert'}
          data-testid={message.ok ? 'board-saved' : 'board-error'}
        >
          {message.text}
        </p>
      )}
      <Lines
        board={board}
        i18n={i18n}
        writable={writable}
        busy={busy}
        onAct={act}
        filter={{ show, setShow, direction, setDirection, q, setQ }}
      />
    </div>
  );
}

function Counts({ board, i18n }: { board: StageBoard; i18n: I18n }) {
  const { t, code } = i18n;
  const r = board.reconciliation;
  const directions = Object.keys(r.totals);
  return (
    <section aria-labelledby="board-counts" className="board-counts">
      <h2 id="board-counts" className="visually-hidden">
        {t('board.counts')}
      </h2>
      <div className="board-directions">
        {directions.map((d) => {
          const total = r.totals[d]!;
          const cells = r.cells.filter((c) => c.direction === d);
          const row = (label: string, c: StageCounts, key: string) => (
            <tr key={key} data-testid={`board-row-${d}-${key}`}>
              <th scope="row">{label}</th>
              <td data-testid={`count-${d}-${key}-planned`}>{c.planned}</td>
              <td data-testid={`count-${d}-${key}-presented`}>{c.presented}</td>
              <td data-testid={`count-${d}-${key}-handedOver`} className="count-strong">
                {c.handedOver}
              </td>
              <td data-testid={`count-${d}-${key}-exceptions`}>{exceptionsOf(c)}</td>
              <td data-testid={`count-${d}-${key}-pending`}>{c.pending}</td>
            </tr>
          );
          return (
            <div key={d} className="card board-direction" data-testid={`board-direction-${d}`}>
              <h3>{t('board.to', { party: board.partyNames[d] ?? d })}</h3>
              <div className="table-wrap">
                <table className="table table-compact board-table">
                  <thead>
                    <tr>
                      <th scope="col">{t('board.category')}</th>
                      <th scope="col">{t('board.planned')}</th>
                      <th scope="col">{t('board.presented')}</th>
                      <th scope="col">{t('board.handedOver')}</th>
                      <th scope="col">{t('board.exceptions')}</th>
                      <th scope="col">{t('board.pending')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {cells.map((c) => row(code('exchangeCategory', c.category), c, c.category))}
                    {row(t('board.total'), total, 'total')}
                  </tbody>
                </table>
              </div>
              {Object.keys(total.discrepancies).length > 0 && (
                <p className="small board-discrepancies">
                  {Object.entries(total.discrepancies).map(([k, n]) => (
                    <span key={k} className="badge badge-warn" data-testid={`discrepancy-${d}-${k}`}>
                      {code('discrepancy', k)}: {n}
                    </span>
                  ))}
                </p>
              )}
            </div>
          );
        })}
      </div>
      {r.exceptions > 0 && <p className="small">{t('board.offManifest', { n: r.exceptions })}</p>}
    </section>
  );
}

interface Filter {
  show: Show;
  setShow: (s: Show) => void;
  direction: string;
  setDirection: (d: string) => void;
  q: string;
  setQ: (q: string) => void;
}

function Lines({
  board,
  i18n,
  writable,
  busy,
  onAct,
  filter,
}: {
  board: StageBoard;
  i18n: I18n;
  writable: boolean;
  busy: string | null;
  onAct: (line: BoardLine, act: Act) => void;
  filter: Filter;
}) {
  const { t, code } = i18n;
  const directions = useMemo(() => [...new Set(board.lines.map((l) => l.direction))], [board.lines]);
  const needle = filter.q.trim().toLowerCase();
  const matching = board.lines.filter(
    (l) =>
      (filter.show === 'all' || (filter.show === 'pending') === (l.record === null)) &&
      (!filter.direction || l.direction === filter.direction) &&
      (!needle || l.entryId.toLowerCase().includes(needle) || (l.name ?? '').toLowerCase().includes(needle)),
  );
  const shown = matching.slice(0, MAX_LINES);
  return (
    <section aria-labelledby="board-lines">
      <h2 id="board-lines">{t('board.lines')}</h2>
      <div className="filters board-filters">
        <fieldset className="board-show">
          <legend className="visually-hidden">{t('board.show')}</legend>
          {(['pending', 'done', 'all'] as const).map((s) => (
            <button
              key={s}
              type="button"
              className={filter.show === s ? 'button-toggle' : 'button-secondary button-toggle'}
              aria-pressed={filter.show === s}
              onClick={() => filter.setShow(s)}
              data-testid={`show-${s}`}
            >
              {t(s === 'pending' ? 'board.showPending' : s === 'done' ? 'board.showDone' : 'board.showAll')}
            </button>
          ))}
        </fieldset>
        <div className="field">
          <label htmlFor="board-direction">{t('board.direction')}</label>
          <select
            id="board-direction"
            value={filter.direction}
            onChange={(e) => filter.setDirection(e.target.value)}
            data-testid="board-direction-filter"
          >
            <option value="">{t('board.allDirections')}</option>
            {directions.map((d) => (
              <option key={d} value={d}>
                {t('board.to', { party: board.partyNames[d] ?? d })}
              </option>
            ))}
          </select>
        </div>
        <div className="field field-grow">
          <label htmlFor="board-q">{t('board.search')}</label>
          <input
            id="board-q"
            type="search"
            value={filter.q}
            onChange={(e) => filter.setQ(e.target.value)}
            data-testid="board-search"
          />
        </div>
      </div>
      {shown.length === 0 && (
        <p className="empty" role="status">
          {t('board.noLines')}
        </p>
      )}
      <ul className="board-lines">
        {shown.map((l) => (
          <li
            key={l.entryId}
            className="board-line"
            data-testid="board-line"
            data-entry-id={l.entryId}
            data-direction={l.direction}
            data-category={l.category}
          >
            <div className="board-line-who">
              <strong data-testid="line-name">{l.name ?? t('board.unnamed')}</strong>
              <span className="muted small">
                {l.entryId} · {t('board.to', { party: board.partyNames[l.direction] ?? l.direction })} ·{' '}
                {code('exchangeCategory', l.category)}
              </span>
            </div>
            {l.record ? (
              <div className="board-line-outcome" data-testid="line-outcome" data-outcome={l.record.outcome}>
                {l.record.outcome === 'handed_over' ? (
                  <span className="badge badge-good">
                    {t('board.outcomeHandedOver', {
                      time: l.record.crossedAt
                        ? new Date(l.record.crossedAt).toLocaleTimeString(i18n.locale)
                        : '',
                    })}
                  </span>
                ) : (
                  <span className="badge badge-warn">
                    {t('board.outcomeNot')}:{' '}
                    {l.record.discrepancies.map((d) => code('discrepancy', d)).join(', ')}
                  </span>
                )}
              </div>
            ) : (
              writable && (
                <div className="board-actions">
                  <button
                    type="button"
                    className="board-act board-act-ok"
                    disabled={busy !== null}
                    onClick={() => onAct(l, 'handed_over')}
                    data-testid="act-handed-over"
                  >
                    {t('board.actHandedOver')}
                  </button>
                  <button
                    type="button"
                    className="board-act board-act-refused"
                    disabled={busy !== null}
                    onClick={() => onAct(l, 'refused')}
                    data-testid="act-refused"
                  >
                    {t('board.actRefused')}
                  </button>
                  <button
                    type="button"
                    className="board-act board-act-absent button-secondary"
                    disabled={busy !== null}
                    onClick={() => onAct(l, 'not_presented')}
                    data-testid="act-not-presented"
                  >
                    {t('board.actNotPresented')}
                  </button>
                </div>
              )
            )}
          </li>
        ))}
      </ul>
      {matching.length > shown.length && (
        <p className="muted">{t('board.more', { n: matching.length - shown.length })}</p>
      )}
    </section>
  );
}
