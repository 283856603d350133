import { type FormEvent, useState } from 'react';
import type { ApiClient, StageBoard, SubstitutionProposal } from '../api.ts';
import { errorMessage } from '../format.ts';
import type { I18n } from '../i18n.ts';
import { useLoad } from '../useLoad.ts';

/** Reasons a line is substituted: the discrepancy codes that stop a line, or a withdrawal. */
const REASONS = [
  'wrong_person_presented',
  'not_presented',
  'unfit',
  'refused_at_crossing',
  'legal_hold',
  'deceased',
  'withdrawn',
  'counterpart_request',
] as const;

/**
 * Substitutions awaiting approval on a stage board: each party approves from its own node (the other
 * party's approval arrives as a package), and a form to propose one — an active line not handed over,
 * replaced by an unused reserve line of the same direction.
 */
export function SubstitutionPanel({
  board,
  api,
  i18n,
  canWrite,
  onResult,
}: {
  board: StageBoard;
  api: ApiClient;
  i18n: I18n;
  canWrite: boolean;
  onResult: (ok: boolean, text: string) => void;
}) {
  const { t, code } = i18n;
  const { state, reload } = useLoad(
    `substitutions:${board.exchangeId}:${board.stageId}:${board.seq ?? ''}`,
    (signal) => api.getSubstitutions(board.exchangeId, board.stageId, signal),
  );
  const [replaces, setReplaces] = useState('');
  const [by, setBy] = useState('');
  const [reason, setReason] = useState<string>('wrong_person_presented');
  const [busy, setBusy] = useState(false);
  if (state.status !== 'ok') return null;
  const { pending, reserve } = state.data;
  const open = board.lines.filter((l) => l.record?.outcome !== 'handed_over');
  const direction = open.find((l) => l.entryId === replaces)?.direction;
  const candidates = reserve.filter((r) => !direction || r.direction === direction);
  const act = async (f: () => Promise<unknown>, ok: string) => {
    setBusy(true);
    try {
      await f();
      onResult(true, ok);
      reload();
    } catch (err) {
      onResult(false, errorMessage(err, i18n));
    } finally {
      setBusy(false);
    }
  };
  const propose = (e: FormEvent) => {
    e.preventDefault();
    if (!replaces || !by) return;
    void act(
      () =>
        api.proposeSubstitution(board.exchangeId, board.stageId, {
          replaces,
          by,
          // One of the reasons the panel offers; the server validates it again.
          reason: reason as SubstitutionProposal['reason'],
        }),
      t('subst.proposed'),
    );
  };
  return (
    <div data-testid="substitution-panel">
      {pending.length > 0 && (
        <ul className="plain-list">
          {pending.map((p) => (
            <li
              key={p.substitutionId}
              data-testid="pending-substitution"
              data-substitution-id={p.substitutionId}
            >
              {p.replaces} → {p.by}{' '}
              <span className="muted small">
                {t('board.reason', { reason: code('discrepancy', p.reason) })} ·{' '}
                {t('subst.approvedBy', { names: p.approvedBy.join(', ') })} ·{' '}
                <span data-testid="substitution-awaiting">
                  {t('subst.awaiting', { names: p.awaiting.join(', ') })}
                </span>
              </span>{' '}
              {canWrite && p.canApprove && (
                <button
                  type="button"
                  className="button button-small"
                  disabled={busy}
                  onClick={() =>
                    act(
                      () => api.approveSubstitution(board.exchangeId, p.substitutionId),
                      t('subst.approved'),
                    )
                  }
                  data-testid="approve-substitution"
                >
                  {t('subst.approve')}
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      {canWrite && open.length > 0 && reserve.length > 0 && (
        <form className="filters" onSubmit={propose} data-testid="substitution-form">
          <div className="field">
            <label htmlFor="subst-replaces">{t('subst.replaces')}</label>
            <select
              id="subst-replaces"
              value={replaces}
              onChange={(e) => setReplaces(e.target.value)}
              data-testid="subst-replaces"
              required
            >
              <option value="">{t('subst.choose')}</option>
              {open.map((l) => (
                <option key={l.entryId} value={l.entryId}>
                  {l.entryId}
                  {l.record
                    ? ` (${l.record.discrepancies.map((d) => code('discrepancy', d)).join(', ')})`
                    : ''}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="subst-by">{t('subst.by')}</label>
            <select
              id="subst-by"
              value={by}
              onChange={(e) => setBy(e.target.value)}
              data-testid="subst-by"
              required
            >
              <option value="">{t('subst.choose')}</option>
              {candidates.map((r) => (
                <option key={r.entryId} value={r.entryId}>
                  {r.entryId}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="subst-reason">{t('subst.reason')}</label>
            <select
              id="subst-reason"
              value={reason}
              onChange={(e) => setReason(e.target.value)}
              data-testid="subst-reason"
            >
              {REASONS.map((r) => (
                <option key={r} value={r}>
                  {code('discrepancy', r)}
                </option>
              ))}
            </select>
          </div>
          <button
            type="submit"
            className="button"
            disabled={busy || !replaces || !by}
            data-testid="subst-propose"
          >
            {t('subst.propose')}
          </button>
        </form>
      )}
    </div>
  );
}
