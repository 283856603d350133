import { type FormEvent, useState } from 'react';
import {
  type Dimension,
  dimensions,
  type Meta,
  type StatusEvent,
  type StatusEventInput,
  type StatusTriple,
  useApi,
  useMeta,
} from '../api.ts';
import { errorMessage, formatInstant, nowLocalInput } from '../format.ts';
import { type CodePrefix, useI18n } from '../i18n.ts';
import { supersededIds } from './StatusHistory.tsx';

/** Oldest first, the order in which the server replays a dimension. */
function replayOrder(a: StatusEvent, b: StatusEvent): number {
  return (
    a.occurredAt.localeCompare(b.occurredAt) ||
    a.recordedAt.localeCompare(b.recordedAt) ||
    a.id.localeCompare(b.id)
  );
}

/**
 * The effective events of a dimension (oldest first), the status a new event follows (the current one,
 * or for a correction the one before the corrected event) and the statuses allowed after it.
 */
function statusChoices(
  events: StatusEvent[],
  status: StatusTriple,
  dimension: Dimension,
  supersedes: string,
  transitions: Meta['transitions'],
): { effective: StatusEvent[]; from: string; allowed: string[] } {
  const superseded = supersededIds(events);
  const effective = events
    .filter((e) => e.dimension === dimension && !superseded.has(e.id))
    .sort(replayOrder);
  const correctedIndex = supersedes ? effective.findIndex((e) => e.id === supersedes) : -1;
  const from =
    correctedIndex > 0
      ? effective[correctedIndex - 1]!.value
      : correctedIndex === 0
        ? 'none'
        : status[dimension];
  return { effective, from, allowed: transitions[dimension]?.[from] ?? [] };
}

/**
 * Record a status event. Only the statuses the state machine allows after the current one are offered;
 * a correction is offered the statuses allowed after the event that preceded the corrected one.
 */
export function StatusEventForm({
  personId,
  status,
  events,
  onRecorded,
}: {
  personId: string;
  status: StatusTriple;
  events: StatusEvent[];
  onRecorded: () => void;
}) {
  const i18n = useI18n();
  const { t } = i18n;
  const api = useApi();
  const meta = useMeta();

  const [dimension, setDimension] = useState<Dimension>('fate');
  const [supersedes, setSupersedes] = useState('');
  const [value, setValue] = useState('');
  const [occurredAt, setOccurredAt] = useState(nowLocalInput);
  const [sourceType, setSourceType] = useState('');
  const [sourceRef, setSourceRef] = useState('');
  const [verification, setVerification] = useState('');
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);

  const { effective, from, allowed } = statusChoices(events, status, dimension, supersedes, meta.transitions);

  function changeDimension(d: Dimension) {
    setDimension(d);
    setSupersedes('');
    setValue('');
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    setSaved(false);
    const when = new Date(occurredAt);
    if (!value || !sourceType || !verification || Number.isNaN(when.getTime())) {
      setError(t('event.required'));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await api.recordStatusEvent(personId, {
        dimension,
        value,
        occurredAt: when.toISOString(),
        // Chosen from the server's code lists (GET /api/meta); the server validates them again.
        sourceType: sourceType as StatusEventInput['sourceType'],
        verification: verification as StatusEventInput['verification'],
        ...(sourceRef.trim() ? { sourceRef: sourceRef.trim() } : {}),
        ...(note.trim() ? { note: note.trim() } : {}),
        ...(supersedes ? { supersedes } : {}),
      });
      setSaved(true);
      setValue('');
      setSupersedes('');
      setSourceRef('');
      setNote('');
      onRecorded();
    } catch (err) {
      setError(errorMessage(err, i18n));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section aria-labelledby="event-form-heading" className="card" data-testid="status-event-form">
      <h2 id="event-form-heading">{t('event.title')}</h2>
      {error && (
        <p className="alert alert-error" role="alert" data-testid="status-event-error">
          {error}
        </p>
      )}
      {saved && !error && (
        <p className="alert alert-success" role="status" data-testid="status-event-saved">
          {t('event.saved')}
        </p>
      )}
      <form onSubmit={submit} className="form-grid">
        <DimensionField value={dimension} onChange={changeDimension} />
        {effective.length > 0 && (
          <SupersedesField
            effective={effective}
            value={supersedes}
            onChange={(id) => {
              setSupersedes(id);
              setValue('');
            }}
          />
        )}
        <ValueField value={value} onChange={setValue} allowed={allowed} from={from} />
        <div className="field">
          <label htmlFor="event-occurred">{t('event.occurredAt')}</label>
          <input
            id="event-occurred"
            type="datetime-local"
            value={occurredAt}
            onChange={(e) => setOccurredAt(e.target.value)}
            required
            data-testid="event-occurred"
          />
        </div>
        <CodeSelectField
          id="event-source-type"
          label={t('event.sourceType')}
          value={sourceType}
          onChange={setSourceType}
          options={meta.sourceTypes}
          prefix="source"
        />
        <SourceRefField value={sourceRef} onChange={setSourceRef} />
        <CodeSelectField
          id="event-verification"
          label={t('event.verification')}
          value={verification}
          onChange={setVerification}
          options={meta.verificationLevels}
          prefix="verification"
        />
        <div className="field field-wide">
          <label htmlFor="event-note">{t('event.note')}</label>
          <textarea
            id="event-note"
            rows={3}
            value={note}
            onChange={(e) => setNote(e.target.value)}
            maxLength={2000}
          />
        </div>
        <div className="form-actions field-wide">
          <button type="submit" disabled={busy || allowed.length === 0} data-testid="event-submit">
            {busy ? t('common.saving') : t('event.submit')}
          </button>
        </div>
      </form>
    </section>
  );
}

/** A required choice among codes, shown in the reader's language; its id doubles as its test id. */
function CodeSelectField({
  id,
  label,
  value,
  onChange,
  options,
  prefix,
}: {
  id: string;
  label: string;
  value: string;
  onChange: (v: string) => void;
  options: string[];
  prefix: CodePrefix;
}) {
  const { t, code } = useI18n();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value)} required data-testid={id}>
        <option value="">{t('event.choose')}</option>
        {options.map((v) => (
          <option key={v} value={v}>
            {code(prefix, v)}
          </option>
        ))}
      </select>
    </div>
  );
}

/** Which effective event the new one corrects (none by default), newest first. */
function SupersedesField({
  effective,
  value,
  onChange,
}: {
  effective: StatusEvent[];
  value: string;
  onChange: (id: string) => void;
}) {
  const i18n = useI18n();
  const { t, code } = i18n;
  return (
    <div className="field">
      <label htmlFor="event-supersedes">{t('event.supersedes')}</label>
      <select id="event-supersedes" value={value} onChange={(e) => onChange(e.target.value)}>
        <option value="">{t('event.supersedesNone')}</option>
        {[...effective].reverse().map((ev) => (
          <option key={ev.id} value={ev.id}>
            {code('status', ev.value)} — {formatInstant(ev.occurredAt, i18n)}
          </option>
        ))}
      </select>
    </div>
  );
}

/** The new status: only those the state machine allows after `from`, which the hint names. */
function ValueField({
  value,
  onChange,
  allowed,
  from,
}: {
  value: string;
  onChange: (v: string) => void;
  allowed: string[];
  from: string;
}) {
  const { t, code } = useI18n();
  return (
    <div className="field">
      <label htmlFor="event-value">{t('event.value')}</label>
      <select
        id="event-value"
        value={value}
        onChange={(e) => onChange(e.target.value)}
        required
        disabled={allowed.length === 0}
        aria-describedby="event-value-hint"
        data-testid="event-value"
      >
        <option value="">{t('event.choose')}</option>
        {allowed.map((v) => (
          <option key={v} value={v}>
            {code('status', v)}
          </option>
        ))}
      </select>
      <p id="event-value-hint" className="hint">
        {allowed.length === 0
          ? t('event.noTransitions', { status: code('status', from) })
          : t('event.current', { status: code('status', from) })}
      </p>
    </div>
  );
}

function SourceRefField({ value, onChange }: { value: string; onChange: (v: string) => void }) {
  const { t } = useI18n();
  return (
    <div className="field">
      <label htmlFor="event-source-ref">{t('event.sourceRef')}</label>
      <input
        id="event-source-ref"
        value={value}
        onChange={(e) => onChange(e.target.value)}
        aria-describedby="event-source-ref-hint"
        maxLength={400}
      />
      <p id="event-source-ref-hint" className="hint">
        {t('event.sourceRefHint')}
      </p>
    </div>
  );
}

function DimensionField({ value, onChange }: { value: Dimension; onChange: (d: Dimension) => void }) {
  const { t, code } = useI18n();
  return (
    <div className="field">
      <label htmlFor="event-dimension">{t('event.dimension')}</label>
      <select
        id="event-dimension"
        value={value}
        onChange={(e) => onChange(e.target.value as Dimension)}
        data-testid="event-dimension"
      >
        {dimensions.map((d) => (
          <option key={d} value={d}>
            {code('dimension', d)}
          </option>
        ))}
      </select>
    </div>
  );
}
