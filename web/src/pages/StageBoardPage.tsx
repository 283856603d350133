import { type FormEvent, useEffect, useMemo, useState } from 'react';
import {
  type ApiClient,
  type BoardLine,
  type HandoverBody,
  type JustificationCode,
  JustificationCodes,
  type StageBoard,
  type StageCounts,
  type StageWarning,
  useApi,
  useCan,
} from '../api.ts';
import { SubstitutionPanel } from '../components/SubstitutionPanel.tsx';
import { ErrorBox, Loading } from '../components/ui.tsx';
import { errorMessage, formatDate, formatInstant, formatTime } from '../format.ts';
import { type I18n, useI18n } from '../i18n.ts';
import { Link } from '../router.tsx';
import { warningText } from '../server-messages.ts';
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
  // Handover buttons for whoever records handovers (field officers, coordinators); the end of the
  // stage for whoever coordinates the exchange, signing only with node:sign (src/domain/access.ts).
  const writable = can('handover:write') && board.status === 'in_progress';

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
          date: formatDate(board.date, i18n),
          crossing: board.crossingPoint,
          version: board.manifestVersion ?? '—',
        })}
      </p>
      <p className="muted small" role="status" aria-live="polite" data-testid="board-updated">
        {updatedAt && t('board.updated', { time: formatTime(updatedAt, i18n) })}
      </p>
      <Counts board={board} i18n={i18n} />
      <EndOfStage
        board={board}
        i18n={i18n}
        api={api}
        canWrite={can('exchange:write')}
        canSign={can('exchange:write') && can('node:sign')}
        onResult={(ok, text) => {
          setMessage({ ok, text });
          reload();
        }}
      />
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
                      time: l.record.crossedAt ? formatTime(l.record.crossedAt, i18n) : '',
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

type Report = (ok: boolean, text: string) => void;

/**
 * The end of a stage: reconcile once every line has a record, justify each rule warning, and sign the
 * confirmation as this node's party over the reconciliation hash. Substitutions and exceptions are
 * shown read-only: they need both parties' approval, which arrives through packages.
 */
function EndOfStage({
  board,
  i18n,
  api,
  canWrite,
  canSign,
  onResult,
}: {
  board: StageBoard;
  i18n: I18n;
  api: ApiClient;
  /** Reconcile, justify (exchange:write). */
  canWrite: boolean;
  /** Sign the confirmation, propose and approve substitutions: signed with the node's key. */
  canSign: boolean;
  onResult: Report;
}) {
  const { t, code, lang } = i18n;
  const [busy, setBusy] = useState(false);
  const pending = Object.values(board.reconciliation.totals).reduce((n, c) => n + c.pending, 0);
  const open = board.warnings.filter((w) => !w.justification);
  const me = board.actingAs;
  const signedByMe = !!me && board.confirmations.some((c) => c.signer === me.id);
  const names = new Map([...board.signers.parties, ...board.signers.mediators].map((p) => [p.id, p.name]));
  const nameOf = (id: string) => names.get(id) ?? id;
  const live = board.status === 'in_progress' || board.status === 'reconciled';
  const canJustify = canWrite && live && board.confirmations.length === 0 && me?.role === 'party';
  const awaiting = [
    ...board.signers.parties
      .filter((p) => !board.confirmations.some((c) => c.signer === p.id))
      .map((p) => p.name),
    ...(board.confirmations.some((c) => c.role === 'mediator')
      ? []
      : [t('board.anyMediator', { names: board.signers.mediators.map((m) => m.name).join(', ') })]),
  ];

  const run = async (action: () => Promise<unknown>, ok: string) => {
    setBusy(true);
    try {
      await action();
      onResult(true, ok);
    } catch (e) {
      onResult(false, errorMessage(e, i18n));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="board-end" className="card board-end" data-testid="board-end">
      <h2 id="board-end">{t('board.end')}</h2>
      {board.status === 'in_progress' && (
        <p data-testid="board-reconcile-state" data-pending={pending}>
          {pending > 0 ? t('board.pendingLeft', { n: pending }) : t('board.allRecorded')}{' '}
          {canWrite && (
            <button
              type="button"
              className="button"
              disabled={busy || pending > 0}
              onClick={() =>
                run(() => api.reconcileStage(board.exchangeId, board.stageId), t('board.reconciledNow'))
              }
              data-testid="reconcile-stage"
            >
              {busy ? t('board.reconciling') : t('board.reconcile')}
            </button>
          )}
        </p>
      )}

      <h3>{t('board.warnings')}</h3>
      {board.warnings.length === 0 ? (
        <p className="empty" data-testid="board-no-warnings">
          {t('board.noWarnings')}
        </p>
      ) : (
        <ul className="board-warnings">
          {board.warnings.map((w) => (
            <li
              key={w.id}
              data-testid="stage-warning"
              data-warning-id={w.id}
              data-justified={String(!!w.justification)}
            >
              <strong>{code('warningKind', w.kind)}</strong>{' '}
              <span className="muted small">
                {warningText(lang, w, {
                  party: nameOf,
                  category: (id) => code('exchangeCategory', id),
                })}
              </span>
              <div>
                {w.justification ? (
                  <span className="badge badge-good" data-testid="warning-justification">
                    {t('board.justifiedAs', {
                      code: code('justification', w.justification.code),
                      party: nameOf(w.justification.by),
                    })}
                    {w.justification.note ? ` — ${w.justification.note}` : ''}
                  </span>
                ) : canJustify ? (
                  <JustifyForm warning={w} board={board} api={api} i18n={i18n} onResult={onResult} />
                ) : (
                  <span className="badge badge-warn">{t('board.open')}</span>
                )}
              </div>
            </li>
          ))}
        </ul>
      )}

      {(board.status === 'reconciled' || board.status === 'confirmed') && (
        <>
          <h3>{t('board.confirmation')}</h3>
          <p className="small">
            {t('board.reconciliationHash')}:{' '}
            <code data-testid="reconciliation-hash" style={{ overflowWrap: 'anywhere' }}>
              {board.reconciliationHash}
            </code>
          </p>
          {board.confirmations.length === 0 ? (
            <p className="empty">{t('board.noConfirmations')}</p>
          ) : (
            <ul>
              {board.confirmations.map((c) => (
                <li key={c.signer} data-testid="confirmation" data-signer={c.signer}>
                  {t('board.signedBy', {
                    name: nameOf(c.signer),
                    role: code('signerRole', c.role),
                    time: formatInstant(c.signedAt, i18n),
                    key: c.keyId,
                  })}
                </li>
              ))}
            </ul>
          )}
          {board.status === 'confirmed' ? (
            <p className="alert alert-success" data-testid="board-confirmed">
              {t('board.confirmedAll')}
            </p>
          ) : (
            <p className="small" data-testid="board-awaiting">
              {t('board.awaiting', { names: awaiting.join(', ') })}
            </p>
          )}
          {board.status === 'reconciled' &&
            canSign &&
            (!me ? (
              <p className="alert alert-info">{t('board.notSigner')}</p>
            ) : signedByMe ? (
              <p className="small" data-testid="board-signed-by-me">
                {t('board.youSigned', { party: me.name })}
              </p>
            ) : (
              <p>
                <button
                  type="button"
                  className="button"
                  disabled={busy || open.length > 0 || !board.reconciliationHash}
                  onClick={() =>
                    run(
                      () => api.signConfirmation(board.exchangeId, board.stageId, board.reconciliationHash!),
                      t('board.signedAs', { party: me.name }),
                    )
                  }
                  data-testid="sign-confirmation"
                >
                  {busy ? t('board.signing') : t('board.signAs', { party: me.name })}
                </button>
                {open.length > 0 && <span className="muted small"> {t('board.needsJustification')}</span>}
              </p>
            ))}
        </>
      )}

      <h3>{t('board.substitutions')}</h3>
      <p className="muted small">{t('board.substitutionsNote')}</p>
      <SubstitutionPanel board={board} api={api} i18n={i18n} canWrite={canSign} onResult={onResult} />
      {board.reconciliation.substitutionChains.length === 0 ? (
        <p className="empty" data-testid="board-no-substitutions">
          {t('board.noSubstitutions')}
        </p>
      ) : (
        <ul>
          {board.reconciliation.substitutionChains.map((chain) => (
            <li key={chain.join('>')} data-testid="substitution-chain">
              {chain.join(' → ')}{' '}
              <span className="muted small">
                {board.substitutions
                  .filter((x) => chain.includes(x.replaces))
                  .map((x) =>
                    [
                      t('board.reason', { reason: code('discrepancy', x.reason) }),
                      t('board.approvedBy', { names: x.approvedBy.map(nameOf).join(', ') }),
                    ].join(', '),
                  )
                  .join('; ')}
              </span>
            </li>
          ))}
        </ul>
      )}
      <h3>{t('board.exceptionsTitle')}</h3>
      {board.exceptions.length === 0 ? (
        <p className="empty" data-testid="board-no-exceptions">
          {t('board.noExceptions')}
        </p>
      ) : (
        <ul>
          {board.exceptions.map((x) => (
            <li key={x.id} data-testid="stage-exception">
              {x.entryId} · {t('board.to', { party: nameOf(x.direction) })} ·{' '}
              {code('exchangeCategory', x.category)}
              {x.outsideExchange && ` · ${t('board.outsideExchange')}`}{' '}
              <span className="muted small">
                {t('board.reason', { reason: x.reason })},{' '}
                {t('board.approvedBy', { names: x.approvedBy.map(nameOf).join(', ') })}
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function JustifyForm({
  warning,
  board,
  api,
  i18n,
  onResult,
}: {
  warning: StageWarning;
  board: StageBoard;
  api: ApiClient;
  i18n: I18n;
  onResult: Report;
}) {
  const { t, code } = i18n;
  const [justification, setJustification] = useState<JustificationCode | ''>('');
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const id = `justify-${warning.id.replace(/[^A-Za-z0-9_-]/g, '-')}`;
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!justification) return;
    setBusy(true);
    try {
      await api.justifyWarning(board.exchangeId, board.stageId, {
        warningId: warning.id,
        code: justification,
        note: note.trim() || null,
      });
      onResult(true, t('board.justifySaved'));
    } catch (err) {
      onResult(false, errorMessage(err, i18n));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="filters board-justify" onSubmit={submit} data-testid="justify-form">
      <div className="field">
        <label htmlFor={`${id}-code`}>{t('board.justifyCode')}</label>
        <select
          id={`${id}-code`}
          value={justification}
          onChange={(e) => setJustification(e.target.value as JustificationCode | '')}
          data-testid="justify-code"
          required
        >
          <option value="">{t('board.justifyChoose')}</option>
          {JustificationCodes.map((c) => (
            <option key={c} value={c}>
              {code('justification', c)}
            </option>
          ))}
        </select>
      </div>
      <div className="field field-grow">
        <label htmlFor={`${id}-note`}>{t('board.justifyNote')}</label>
        <input
          id={`${id}-note`}
          type="text"
          maxLength={2000}
          value={note}
          onChange={(e) => setNote(e.target.value)}
          data-testid="justify-note"
        />
      </div>
      <button type="submit" className="button" disabled={busy || !justification} data-testid="justify-submit">
        {t('board.justify')}
      </button>
    </form>
  );
}
