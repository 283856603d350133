import type { ReactNode } from 'react';

/** A labelled text input with its hint and error, linked for screen readers. */
export function TextField({
  id,
  label,
  value,
  onChange,
  error,
  hint,
  required,
  small,
  type = 'text',
  testId,
}: {
  id: string;
  label: string;
  value: string;
  onChange: (v: string) => void;
  error?: string | undefined;
  hint?: string;
  required?: boolean;
  small?: boolean;
  type?: string;
  testId?: string;
}) {
  const described = [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(' ');
  return (
    <div className={small ? 'field field-small' : 'field'}>
      <label htmlFor={id}>
        {label}
        {required && <span aria-hidden="true"> *</span>}
      </label>
      <input
        id={id}
        type={type}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        required={required}
        aria-required={required || undefined}
        aria-invalid={error ? true : undefined}
        aria-describedby={described || undefined}
        data-testid={testId}
      />
      {hint && (
        <p id={`${id}-hint`} className="hint">
          {hint}
        </p>
      )}
      {error && (
        <p id={`${id}-error`} className="field-error">
          {error}
        </p>
      )}
    </div>
  );
}

/** Repeated rows (references, contacts, health flags), each with its remove button. */
export function Rows<R extends { key: number }>({
  rows,
  render,
  onRemove,
  removeLabel,
}: {
  rows: R[];
  render: (row: R, index: number) => ReactNode;
  onRemove: (key: number) => void;
  removeLabel: (n: number) => string;
}) {
  return (
    <>
      {rows.map((r, i) => (
        <div key={r.key} className="repeat-row">
          <div className="form-grid">{render(r, i)}</div>
          <button type="button" className="button-secondary button-small" onClick={() => onRemove(r.key)}>
            {removeLabel(i + 1)}
          </button>
        </div>
      ))}
    </>
  );
}
