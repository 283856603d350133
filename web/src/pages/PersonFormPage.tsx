import { type FormEvent, type ReactNode, useRef, useState } from 'react';
import { ApiError, type Person, type PersonInput, useApi, useMeta, type ValidationIssue } from '../api.ts';
import { ErrorBox, Loading } from '../components/ui.tsx';
import { birthToInput, blankToNull, errorMessage, parseBirthInput } from '../format.ts';
import { type I18n, type MessageKey, useI18n } from '../i18n.ts';
import { Link, navigate } from '../router.tsx';
import { useLoad, useTitle } from '../useLoad.ts';

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

interface NameRow {
  key: number;
  script: string;
  lang: string;
  family: string;
  given: string;
  patronymic: string;
  raw: string;
  scheme: string;
  source: string;
}
interface RefRow {
  key: number;
  system: string;
  value: string;
}
interface ContactRow {
  key: number;
  name: string;
  relation: string;
  phone: string;
  email: string;
}
interface HealthRow {
  key: number;
  flag: string;
  determination: string;
}

interface FormState {
  names: NameRow[];
  sex: string;
  birth: string;
  birthPlace: string;
  citizenships: string;
  category: string;
  branch: string;
  unit: string;
  rank: string;
  serviceNumber: string;
  refs: RefRow[];
  /** null: the role may not see (so may not edit) this restricted field. */
  contacts: ContactRow[] | null;
  health: HealthRow[] | null;
  marks: string | null;
}

function toFormState(p: Person | null, nextKey: () => number): FormState {
  const s = (v: string | null | undefined) => v ?? '';
  if (!p)
    return {
      names: [
        {
          key: nextKey(),
          script: 'Cyrl',
          lang: 'uk',
          family: '',
          given: '',
          patronymic: '',
          raw: '',
          scheme: '',
          source: '',
        },
      ],
      sex: 'unknown',
      birth: '',
      birthPlace: '',
      citizenships: '',
      category: '',
      branch: '',
      unit: '',
      rank: '',
      serviceNumber: '',
      refs: [],
      contacts: [],
      health: [],
      marks: '',
    };
  return {
    names: p.names.map((n) => ({
      key: nextKey(),
      script: n.script,
      lang: n.lang,
      family: n.family,
      given: s(n.given),
      patronymic: s(n.patronymic),
      raw: s(n.raw),
      scheme: s(n.scheme),
      source: s(n.source),
    })),
    sex: p.sex ?? 'unknown',
    birth: birthToInput(p.birth),
    birthPlace: s(p.birthPlace),
    citizenships: (p.citizenships ?? []).join(', '),
    category: s(p.category),
    branch: s(p.military?.branch),
    unit: s(p.military?.unit),
    rank: s(p.military?.rank),
    serviceNumber: s(p.military?.serviceNumber),
    refs: (p.externalRefs ?? []).map((r) => ({ key: nextKey(), ...r })),
    contacts:
      'contacts' in p
        ? (p.contacts ?? []).map((c) => ({
            key: nextKey(),
            name: c.name,
            relation: s(c.relation),
            phone: s(c.phone),
            email: s(c.email),
          }))
        : null,
    health:
      'health' in p
        ? (p.health ?? []).map((h) => ({ key: nextKey(), flag: h.flag, determination: s(h.determination) }))
        : null,
    marks: 'marks' in p ? s(p.marks) : null,
  };
}

type Errors = Record<string, string>;

const NAME_FIELDS: Record<string, MessageKey> = {
  family: 'name.family',
  given: 'name.given',
  patronymic: 'name.patronymic',
  script: 'name.script',
  lang: 'name.lang',
  scheme: 'name.scheme',
  source: 'name.source',
  raw: 'name.raw',
};
const SIMPLE_FIELDS: Record<string, { label: MessageKey; id: string }> = {
  sex: { label: 'person.sex', id: 'person-sex' },
  birth: { label: 'form.birthDate', id: 'person-birth' },
  birthPlace: { label: 'person.birthPlace', id: 'person-birth-place' },
  citizenships: { label: 'person.citizenships', id: 'person-citizenships' },
  category: { label: 'person.category', id: 'person-category' },
  'military.branch': { label: 'person.branch', id: 'mil-branch' },
  'military.unit': { label: 'person.unit', id: 'mil-unit' },
  'military.rank': { label: 'person.rank', id: 'mil-rank' },
  'military.serviceNumber': { label: 'person.serviceNumber', id: 'mil-service-number' },
  marks: { label: 'person.marks', id: 'person-marks' },
};
const ROW_FIELDS: Record<string, MessageKey> = {
  system: 'person.refSystem',
  value: 'person.refValue',
  name: 'person.contactName',
  relation: 'person.contactRelation',
  phone: 'person.contactPhone',
  email: 'person.contactEmail',
  flag: 'person.healthFlag',
  determination: 'person.healthDetermination',
};

/** A readable label for an issue path such as "names.1.family", and the id of its input if shown. */
function describePath(path: string, f: FormState, t: I18n['t']): { label: string; id?: string } {
  let m = /^names\.(\d+)\.(\w+)$/.exec(path);
  if (m) {
    const i = Number(m[1]);
    const key = NAME_FIELDS[m[2]!];
    const row = f.names[i];
    return {
      label: `${t('form.nameN', { n: i + 1 })} — ${key ? t(key) : m[2]}`,
      ...(row && key ? { id: `name-${row.key}-${m[2]}` } : {}),
    };
  }
  const simple = SIMPLE_FIELDS[path] ?? SIMPLE_FIELDS[path.split('.')[0]!];
  if (simple) return { label: t(simple.label), id: simple.id };
  m = /^(externalRefs|contacts|health)\.(\d+)\.(\w+)$/.exec(path);
  if (m) {
    const section: Record<string, { title: MessageKey; rows: { key: number }[] | null; prefix: string }> = {
      externalRefs: { title: 'person.externalRefs', rows: f.refs, prefix: 'ref' },
      contacts: { title: 'person.contacts', rows: f.contacts, prefix: 'contact' },
      health: { title: 'person.health', rows: f.health, prefix: 'health' },
    };
    const sec = section[m[1]!]!;
    const i = Number(m[2]);
    const key = ROW_FIELDS[m[3]!];
    const row = sec.rows?.[i];
    return {
      label: `${t(sec.title)} ${i + 1} — ${key ? t(key) : m[3]}`,
      ...(row && key ? { id: `${sec.prefix}-${row.key}-${m[3]}` } : {}),
    };
  }
  if (path === 'names') return { label: t('person.names') };
  return { label: path };
}

/** Check what the browser can check; the server checks everything again. */
function validate(f: FormState, t: (k: MessageKey) => string): Errors {
  const errors: Errors = {};
  f.names.forEach((n, i) => {
    if (!n.family.trim()) errors[`names.${i}.family`] = t('form.familyRequired');
  });
  if (parseBirthInput(f.birth) === undefined) errors.birth = t('form.birthInvalid');
  const cits = splitList(f.citizenships);
  if (cits.some((c) => !/^[A-Z]{2}$/.test(c))) errors.citizenships = t('form.citizenshipsInvalid');
  return errors;
}

function splitList(s: string): string[] {
  return s
    .split(/[,;\s]+/)
    .map((c) => c.trim().toUpperCase())
    .filter(Boolean);
}

function toInput(f: FormState): PersonInput {
  const military = {
    branch: blankToNull(f.branch),
    unit: blankToNull(f.unit),
    rank: blankToNull(f.rank),
    serviceNumber: blankToNull(f.serviceNumber),
  };
  const input: PersonInput = {
    // Codes (script, sex, category) come from the server's code lists (GET /api/meta); it validates them again.
    names: f.names.map((n) => ({
      script: n.script as PersonInput['names'][number]['script'],
      lang: n.lang.trim() || 'und',
      family: n.family.trim(),
      given: blankToNull(n.given),
      patronymic: blankToNull(n.patronymic),
      raw: blankToNull(n.raw),
      scheme: blankToNull(n.scheme),
      source: blankToNull(n.source),
    })),
    sex: f.sex as PersonInput['sex'],
    birth: parseBirthInput(f.birth) ?? null,
    birthPlace: blankToNull(f.birthPlace),
    citizenships: splitList(f.citizenships),
    category: blankToNull(f.category) as PersonInput['category'],
    military: Object.values(military).some((v) => v !== null) ? military : null,
    externalRefs: f.refs
      .filter((r) => r.system.trim() || r.value.trim())
      .map((r) => ({ system: r.system.trim(), value: r.value.trim() })),
  };
  // Restricted fields are sent only by roles that can see them; leaving them out keeps them unchanged.
  if (f.contacts)
    input.contacts = f.contacts
      .filter((c) => c.name.trim() || c.phone.trim() || c.email.trim())
      .map((c) => ({
        name: c.name.trim(),
        relation: blankToNull(c.relation),
        phone: blankToNull(c.phone),
        email: blankToNull(c.email),
      }));
  if (f.health)
    input.health = f.health
      .filter((h) => h.flag.trim())
      .map((h) => ({ flag: h.flag.trim(), determination: blankToNull(h.determination) }));
  if (f.marks !== null) input.marks = blankToNull(f.marks);
  return input;
}

function PersonForm({ person, onReload }: { person: Person | null; onReload: () => void }) {
  const i18n = useI18n();
  const { t, code } = i18n;
  const api = useApi();
  const meta = useMeta();
  const counter = useRef(0);
  const nextKey = () => ++counter.current;
  const [form, setForm] = useState<FormState>(() => toFormState(person, nextKey));
  const [errors, setErrors] = useState<Errors>({});
  const [serverIssues, setServerIssues] = useState<ValidationIssue[]>([]);
  const [failure, setFailure] = useState<{ conflict: boolean; message: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const summaryRef = useRef<HTMLDivElement>(null);

  const set = <K extends keyof FormState>(k: K, v: FormState[K]) => setForm((f) => ({ ...f, [k]: v }));
  const setName = (i: number, patch: Partial<NameRow>) =>
    setForm((f) => ({ ...f, names: f.names.map((n, j) => (j === i ? { ...n, ...patch } : n)) }));

  const birthParsed = parseBirthInput(form.birth);

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

  return (
    <form onSubmit={submit} noValidate className="person-form" data-testid="person-form">
      <div ref={summaryRef} tabIndex={-1} className="summary-anchor">
        {summaryItems.length > 0 && (
          <div className="alert alert-error" role="alert" data-testid="form-errors">
            <p>{t('form.invalid')}</p>
            <ul>
              {summaryItems.map((it) => {
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

      <fieldset className="card">
        <legend>{t('person.names')}</legend>
        {form.names.map((n, i) => {
          const p = `name-${n.key}`;
          const familyError = errors[`names.${i}.family`];
          return (
            <fieldset key={n.key} className="name-row" data-testid="name-row">
              <legend>{t('form.nameN', { n: i + 1 })}</legend>
              <div className="form-grid">
                <TextField
                  id={`${p}-family`}
                  label={t('name.family')}
                  value={n.family}
                  onChange={(v) => setName(i, { family: v })}
                  error={familyError}
                  required
                  testId="name-family"
                />
                <TextField
                  id={`${p}-given`}
                  label={t('name.given')}
                  value={n.given}
                  onChange={(v) => setName(i, { given: v })}
                  error={errors[`names.${i}.given`]}
                  testId="name-given"
                />
                <TextField
                  id={`${p}-patronymic`}
                  label={t('name.patronymic')}
                  value={n.patronymic}
                  onChange={(v) => setName(i, { patronymic: v })}
                  error={errors[`names.${i}.patronymic`]}
                />
                <div className="field">
                  <label htmlFor={`${p}-script`}>{t('name.script')}</label>
                  <select
                    id={`${p}-script`}
                    value={n.script}
                    onChange={(e) => setName(i, { script: e.target.value })}
                  >
                    {meta.scripts.map((s) => (
                      <option key={s} value={s}>
                        {code('script', s)}
                      </option>
                    ))}
                  </select>
                </div>
                <TextField
                  id={`${p}-lang`}
                  label={t('name.lang')}
                  value={n.lang}
                  onChange={(v) => setName(i, { lang: v })}
                  error={errors[`names.${i}.lang`]}
                  hint="uk, ru, en…"
                  small
                />
                <TextField
                  id={`${p}-scheme`}
                  label={t('name.scheme')}
                  value={n.scheme}
                  onChange={(v) => setName(i, { scheme: v })}
                  error={errors[`names.${i}.scheme`]}
                  hint="uk-2010, icao-9303…"
                />
                <TextField
                  id={`${p}-source`}
                  label={t('name.source')}
                  value={n.source}
                  onChange={(v) => setName(i, { source: v })}
                  error={errors[`names.${i}.source`]}
                />
                <TextField
                  id={`${p}-raw`}
                  label={t('name.raw')}
                  value={n.raw}
                  onChange={(v) => setName(i, { raw: v })}
                  error={errors[`names.${i}.raw`]}
                />
              </div>
              <button
                type="button"
                className="button-secondary button-small"
                disabled={form.names.length === 1}
                onClick={() =>
                  set(
                    'names',
                    form.names.filter((x) => x.key !== n.key),
                  )
                }
                data-testid="remove-name"
              >
                {t('form.removeName', { n: i + 1 })}
              </button>
            </fieldset>
          );
        })}
        <button
          type="button"
          className="button-secondary"
          onClick={() =>
            set('names', [
              ...form.names,
              {
                key: nextKey(),
                script: 'Latn',
                lang: 'en',
                family: '',
                given: '',
                patronymic: '',
                raw: '',
                scheme: '',
                source: '',
              },
            ])
          }
          data-testid="add-name"
        >
          + {t('form.addName')}
        </button>
      </fieldset>

      <fieldset className="card">
        <legend>{t('person.details')}</legend>
        <div className="form-grid">
          <div className="field">
            <label htmlFor="person-sex">{t('person.sex')}</label>
            <select id="person-sex" value={form.sex} onChange={(e) => set('sex', e.target.value)}>
              {meta.sexes.map((s) => (
                <option key={s} value={s}>
                  {code('sex', s)}
                </option>
              ))}
            </select>
          </div>
          <TextField
            id="person-birth"
            label={t('form.birthDate')}
            value={form.birth}
            onChange={(v) => set('birth', v)}
            error={errors.birth ?? errors['birth.date']}
            hint={
              birthParsed
                ? `${t('form.birthHint')} ${t('form.birthPrecision', { precision: code('precision', birthParsed.precision) })}`
                : t('form.birthHint')
            }
            testId="person-birth-input"
          />
          <TextField
            id="person-birth-place"
            label={t('person.birthPlace')}
            value={form.birthPlace}
            onChange={(v) => set('birthPlace', v)}
            error={errors.birthPlace}
          />
          <TextField
            id="person-citizenships"
            label={t('person.citizenships')}
            value={form.citizenships}
            onChange={(v) => set('citizenships', v)}
            error={errors.citizenships}
            hint={t('form.citizenshipsHint')}
          />
          <div className="field">
            <label htmlFor="person-category">{t('person.category')}</label>
            <select
              id="person-category"
              value={form.category}
              onChange={(e) => set('category', e.target.value)}
            >
              <option value="">{t('form.notSet')}</option>
              {meta.categories.map((c) => (
                <option key={c} value={c}>
                  {code('category', c)}
                </option>
              ))}
            </select>
          </div>
        </div>
      </fieldset>

      <fieldset className="card">
        <legend>{t('person.military')}</legend>
        <div className="form-grid">
          <TextField
            id="mil-branch"
            label={t('person.branch')}
            value={form.branch}
            onChange={(v) => set('branch', v)}
          />
          <TextField
            id="mil-unit"
            label={t('person.unit')}
            value={form.unit}
            onChange={(v) => set('unit', v)}
          />
          <TextField
            id="mil-rank"
            label={t('person.rank')}
            value={form.rank}
            onChange={(v) => set('rank', v)}
          />
          <TextField
            id="mil-service-number"
            label={t('person.serviceNumber')}
            value={form.serviceNumber}
            onChange={(v) => set('serviceNumber', v)}
            error={errors['military.serviceNumber']}
          />
        </div>
      </fieldset>

      <fieldset className="card">
        <legend>{t('person.externalRefs')}</legend>
        <Rows
          rows={form.refs}
          onRemove={(key) =>
            set(
              'refs',
              form.refs.filter((r) => r.key !== key),
            )
          }
          removeLabel={(n) => t('form.removeRef', { n })}
          render={(r, i) => (
            <>
              <TextField
                id={`ref-${r.key}-system`}
                label={t('person.refSystem')}
                value={r.system}
                onChange={(v) =>
                  set(
                    'refs',
                    form.refs.map((x) => (x.key === r.key ? { ...x, system: v } : x)),
                  )
                }
                error={errors[`externalRefs.${i}.system`]}
                hint="icrc, national_register…"
              />
              <TextField
                id={`ref-${r.key}-value`}
                label={t('person.refValue')}
                value={r.value}
                onChange={(v) =>
                  set(
                    'refs',
                    form.refs.map((x) => (x.key === r.key ? { ...x, value: v } : x)),
                  )
                }
                error={errors[`externalRefs.${i}.value`]}
              />
            </>
          )}
        />
        <button
          type="button"
          className="button-secondary"
          onClick={() => set('refs', [...form.refs, { key: nextKey(), system: '', value: '' }])}
        >
          + {t('form.addRef')}
        </button>
      </fieldset>

      {(form.contacts || form.health || form.marks !== null) && (
        <fieldset className="card card-restricted">
          <legend>{t('person.restricted')}</legend>
          {form.contacts && (
            <>
              <h3>{t('person.contacts')}</h3>
              <Rows
                rows={form.contacts}
                onRemove={(key) => set('contacts', form.contacts?.filter((c) => c.key !== key) ?? [])}
                removeLabel={(n) => t('form.removeContact', { n })}
                render={(c, i) => {
                  const upd = (patch: Partial<ContactRow>) =>
                    set(
                      'contacts',
                      form.contacts?.map((x) => (x.key === c.key ? { ...x, ...patch } : x)) ?? [],
                    );
                  return (
                    <>
                      <TextField
                        id={`contact-${c.key}-name`}
                        label={t('person.contactName')}
                        value={c.name}
                        onChange={(v) => upd({ name: v })}
                        error={errors[`contacts.${i}.name`]}
                      />
                      <TextField
                        id={`contact-${c.key}-relation`}
                        label={t('person.contactRelation')}
                        value={c.relation}
                        onChange={(v) => upd({ relation: v })}
                      />
                      <TextField
                        id={`contact-${c.key}-phone`}
                        label={t('person.contactPhone')}
                        value={c.phone}
                        onChange={(v) => upd({ phone: v })}
                        type="tel"
                      />
                      <TextField
                        id={`contact-${c.key}-email`}
                        label={t('person.contactEmail')}
                        value={c.email}
                        onChange={(v) => upd({ email: v })}
                        type="email"
                        error={errors[`contacts.${i}.email`]}
                      />
                    </>
                  );
                }}
              />
              <button
                type="button"
                className="button-secondary"
                onClick={() =>
                  set('contacts', [
                    ...(form.contacts ?? []),
                    { key: nextKey(), name: '', relation: '', phone: '', email: '' },
                  ])
                }
              >
                + {t('form.addContact')}
              </button>
            </>
          )}
          {form.health && (
            <>
              <h3>{t('person.health')}</h3>
              <Rows
                rows={form.health}
                onRemove={(key) => set('health', form.health?.filter((h) => h.key !== key) ?? [])}
                removeLabel={(n) => t('form.removeHealth', { n })}
                render={(h) => {
                  const upd = (patch: Partial<HealthRow>) =>
                    set('health', form.health?.map((x) => (x.key === h.key ? { ...x, ...patch } : x)) ?? []);
                  return (
                    <>
                      <TextField
                        id={`health-${h.key}-flag`}
                        label={t('person.healthFlag')}
                        value={h.flag}
                        onChange={(v) => upd({ flag: v })}
                      />
                      <TextField
                        id={`health-${h.key}-determination`}
                        label={t('person.healthDetermination')}
                        value={h.determination}
                        onChange={(v) => upd({ determination: v })}
                      />
                    </>
                  );
                }}
              />
              <button
                type="button"
                className="button-secondary"
                onClick={() =>
                  set('health', [...(form.health ?? []), { key: nextKey(), flag: '', determination: '' }])
                }
              >
                + {t('form.addHealth')}
              </button>
            </>
          )}
          {form.marks !== null && (
            <div className="field field-wide">
              <label htmlFor="person-marks">{t('person.marks')}</label>
              <textarea
                id="person-marks"
                rows={3}
                value={form.marks}
                onChange={(e) => set('marks', e.target.value)}
                maxLength={4000}
              />
            </div>
          )}
        </fieldset>
      )}

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

function TextField({
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

function Rows<R extends { key: number }>({
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
