import { type FormEvent, useRef, useState } from 'react';
import { ApiError, type Person, useApi, type ValidationIssue } from '../api.ts';
import { ErrorBox, Loading } from '../components/ui.tsx';
import { errorMessage } from '../format.ts';
import { useI18n } from '../i18n.ts';
import { Link, navigate } from '../router.tsx';
import { useLoad, useTitle } from '../useLoad.ts';
import { DetailsSection } from './person-form/DetailsSection.tsx';
import { ErrorSummary } from './person-form/ErrorSummary.tsx';
import { MilitarySection } from './person-form/MilitarySection.tsx';
import { NamesSection } from './person-form/NamesSection.tsx';
import { RefsSection } from './person-form/RefsSection.tsx';
import { RestrictedSection } from './person-form/RestrictedSection.tsx';
import {
  type Errors,
  type FormState,
  type SectionProps,
  toFormState,
  toInput,
  validate,
} from './person-form/state.ts';

/** Create (no id) or edit (id) a person. */
export function PersonFormPage({ id }: { id?: string }) {
  const { t } = useI18n();
  const api = useApi();
  useTitle(id ? t('form.editTitle') : t('form.newTitle'));
  const { state, reload } = useLoad(id ?? 'new', (signal) =>
    id ? api.getPerson(id, signal) : Promise.resolve(null),
  );

  return (
    <div data-testid="person-form-page">
      <p className="back">
        <Link to={id ? `/persons/${encodeURIComponent(id)}` : '/'}>← {t('common.cancel')}</Link>
      </p>
      <h1>{id ? t('form.editTitle') : t('form.newTitle')}</h1>
      {state.status === 'loading' && <Loading />}
      {state.status === 'error' && <ErrorBox error={state.error} onRetry={reload} />}
      {state.status === 'ok' && (
        <PersonForm
          key={state.data ? `${state.data.id}@${state.data.version}` : 'new'}
          person={state.data}
          onReload={reload}
        />
      )}
    </div>
  );
}

/** The form itself: its state, the check before saving, and the save; each section renders a part. */
function PersonForm({ person, onReload }: { person: Person | null; onReload: () => void }) {
  const i18n = useI18n();
  const { t } = i18n;
  const api = useApi();
  const counter = useRef(0);
  const nextKey = () => ++counter.current;
  const [form, setForm] = useState<FormState>(() => toFormState(person, nextKey));
  const [errors, setErrors] = useState<Errors>({});
  const [serverIssues, setServerIssues] = useState<ValidationIssue[]>([]);
  const [failure, setFailure] = useState<{ conflict: boolean; message: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const summaryRef = useRef<HTMLDivElement>(null);

  const set = <K extends keyof FormState>(k: K, v: FormState[K]) => setForm((f) => ({ ...f, [k]: v }));

  async function submit(e: FormEvent) {
    e.preventDefault();
    const found = validate(form, t);
    setErrors(found);
    setServerIssues([]);
    setFailure(null);
    if (Object.keys(found).length) {
      requestAnimationFrame(() => summaryRef.current?.focus());
      return;
    }
    setBusy(true);
    try {
      const input = toInput(form);
      const saved = person
        ? await api.updatePerson(person.id, { ...input, version: person.version })
        : await api.createPerson(input);
      navigate(`/persons/${encodeURIComponent(saved.id)}`);
    } catch (err) {
      if (err instanceof ApiError && err.code === 'VALIDATION_FAILED' && err.issues.length) {
        const byPath: Errors = {};
        for (const issue of err.issues) byPath[issue.path] ??= issue.message;
        setErrors(byPath);
        setServerIssues(err.issues);
      } else if (err instanceof ApiError && err.code === 'CONFLICT') {
        setFailure({ conflict: true, message: t('form.conflict') });
      } else {
        setFailure({ conflict: false, message: errorMessage(err, i18n) });
      }
      requestAnimationFrame(() => summaryRef.current?.focus());
    } finally {
      setBusy(false);
    }
  }

  const summaryItems: { path: string; message: string }[] = serverIssues.length
    ? serverIssues
    : Object.entries(errors).map(([path, message]) => ({ path, message }));
  const section: SectionProps = { form, set, update: setForm, errors, nextKey };

  return (
    <form onSubmit={submit} noValidate className="person-form" data-testid="person-form">
      <ErrorSummary
        summaryRef={summaryRef}
        items={summaryItems}
        form={form}
        failure={failure}
        onReload={onReload}
      />
      <NamesSection {...section} />
      <DetailsSection {...section} />
      <MilitarySection {...section} />
      <RefsSection {...section} />
      <RestrictedSection {...section} />
      <div className="form-actions">
        <button type="submit" disabled={busy} data-testid="person-save">
          {busy ? t('common.saving') : t('common.save')}
        </button>
        <Link
          to={person ? `/persons/${encodeURIComponent(person.id)}` : '/'}
          className="button button-secondary"
        >
          {t('common.cancel')}
        </Link>
      </div>
    </form>
  );
}
