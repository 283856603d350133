import type { ReactNode } from 'react';
import { ApiError } from '../api.ts';
import { errorMessage } from '../format.ts';
import { type Language, Languages, languageNames, useI18n } from '../i18n.ts';

export function Loading() {
  const { t } = useI18n();
  return (
    <p className="muted" role="status" data-testid="loading">
      {t('common.loading')}
    </p>
  );
}

export function ErrorBox({
  error,
  onRetry,
  testId,
}: {
  error: unknown;
  onRetry?: () => void;
  testId?: string;
}) {
  const i18n = useI18n();
  return (
    <div className="alert alert-error" role="alert" data-testid={testId ?? 'error'}>
      <p>{errorMessage(error, i18n)}</p>
      {onRetry && !(error instanceof ApiError && ['FORBIDDEN', 'NOT_FOUND'].includes(error.code)) && (
        <button type="button" className="button-secondary" onClick={onRetry}>
          {i18n.t('common.retry')}
        </button>
      )}
    </div>
  );
}

/** Colour groups for statuses; the text always says the status, colour only helps scanning. */
function tone(value: string): string {
  if (['missing', 'capture_reported', 'registered_missing'].includes(value)) return 'warn';
  if (
    ['in_custody_confirmed', 'held_pending_proceedings', 'recaptured', 'interned_neutral_country'].includes(
      value,
    )
  )
    return 'custody';
  if (['deceased', 'remains_repatriated', 'identified', 'handed_to_family'].includes(value)) return 'grave';
  if (
    value.startsWith('released') ||
    ['returned_in_care', 'reunited', 'located_alive', 'handed_over', 'accepted'].includes(value)
  )
    return 'good';
  if (value === 'none') return 'none';
  return 'neutral';
}

export function StatusBadge({ value, testId }: { value: string; testId?: string }) {
  const { code } = useI18n();
  return (
    <span className={`badge badge-${tone(value)}`} data-testid={testId} data-status={value}>
      {code('status', value)}
    </span>
  );
}

export function LanguageSwitcher({ id }: { id: string }) {
  const { t, lang, setLang } = useI18n();
  return (
    <div className="lang-switcher">
      <label htmlFor={id}>{t('lang.label')}</label>
      <select
        id={id}
        value={lang}
        onChange={(e) => setLang(e.target.value as Language)}
        data-testid="language-switcher"
      >
        {Languages.map((l) => (
          <option key={l} value={l} lang={l}>
            {languageNames[l]}
          </option>
        ))}
      </select>
    </div>
  );
}

/** A definition list row that shows a dash for empty values. */
export function Detail({ term, children, testId }: { term: string; children: ReactNode; testId?: string }) {
  const { t } = useI18n();
  const empty = children === null || children === undefined || children === '';
  return (
    <div className="detail">
      <dt>{term}</dt>
      <dd data-testid={testId}>{empty ? t('common.empty') : children}</dd>
    </div>
  );
}

export function Restricted({ testId }: { testId: string }) {
  const { t } = useI18n();
  return (
    <p className="restricted" data-testid={testId}>
      {t('common.restricted')}
    </p>
  );
}
