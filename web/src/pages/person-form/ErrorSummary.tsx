import type { RefObject } from 'react';
import { useI18n } from '../../i18n.ts';
import { describePath, type FormState } from './state.ts';

/**
 * The focus target above the form: every invalid field (linked to its input), or why saving failed
 * (with a reload button on a conflict).
 */
export function ErrorSummary({
  summaryRef,
  items,
  form,
  failure,
  onReload,
}: {
  summaryRef: RefObject<HTMLDivElement | null>;
  items: { path: string; message: string }[];
  form: FormState;
  failure: { conflict: boolean; message: string } | null;
  onReload: () => void;
}) {
  const { t } = useI18n();
  return (
    <div ref={summaryRef} tabIndex={-1} className="summary-anchor">
      {items.length > 0 && (
        <div className="alert alert-error" role="alert" data-testid="form-errors">
          <p>{t('form.invalid')}</p>
          <ul>
            {items.map((it) => {
              const { label, id } = describePath(it.path, form, t);
              return (
                <li key={`${it.path}:${it.message}`}>
                  {id ? (
                    <a
                      href={`#${id}`}
                      onClick={(e) => {
                        e.preventDefault();
                        document.getElementById(id)?.focus();
                      }}
                    >
                      {label}
                    </a>
                  ) : (
                    label
                  )}
                  : {it.message}
                </li>
              );
            })}
          </ul>
        </div>
      )}
      {failure && (
        <div className="alert alert-error" role="alert" data-testid="form-failure">
          <p>{failure.message}</p>
          {failure.conflict && (
            <button type="button" className="button-secondary" onClick={onReload}>
              {t('form.reload')}
            </button>
          )}
        </div>
      )}
    </div>
  );
}
