import { useMeta } from '../../api.ts';
import { useI18n } from '../../i18n.ts';
import { TextField } from './fields.tsx';
import type { NameRow, SectionProps } from './state.ts';

/** The person's names, one fieldset each (at least one; a family name is required). */
export function NamesSection({ form, set, update, errors, nextKey }: SectionProps) {
  const { t } = useI18n();
  const setName = (i: number, patch: Partial<NameRow>) =>
    update((f) => ({ ...f, names: f.names.map((n, j) => (j === i ? { ...n, ...patch } : n)) }));
  return (
    <fieldset className="card">
      <legend>{t('person.names')}</legend>
      {form.names.map((n, i) => (
        <NameFieldset
          key={n.key}
          name={n}
          index={i}
          errors={errors}
          onChange={(patch) => setName(i, patch)}
          onRemove={
            form.names.length === 1
              ? undefined
              : () =>
                  set(
                    'names',
                    form.names.filter((x) => x.key !== n.key),
                  )
          }
        />
      ))}
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
  );
}

function NameFieldset({
  name: n,
  index: i,
  errors,
  onChange,
  onRemove,
}: {
  name: NameRow;
  index: number;
  errors: SectionProps['errors'];
  onChange: (patch: Partial<NameRow>) => void;
  /** Undefined for the only name: its remove button is disabled. */
  onRemove: (() => void) | undefined;
}) {
  const { t, code } = useI18n();
  const meta = useMeta();
  const p = `name-${n.key}`;
  return (
    <fieldset className="name-row" data-testid="name-row">
      <legend>{t('form.nameN', { n: i + 1 })}</legend>
      <div className="form-grid">
        <TextField
          id={`${p}-family`}
          label={t('name.family')}
          value={n.family}
          onChange={(v) => onChange({ family: v })}
          error={errors[`names.${i}.family`]}
          required
          testId="name-family"
        />
        <TextField
          id={`${p}-given`}
          label={t('name.given')}
          value={n.given}
          onChange={(v) => onChange({ given: v })}
          error={errors[`names.${i}.given`]}
          testId="name-given"
        />
        <TextField
          id={`${p}-patronymic`}
          label={t('name.patronymic')}
          value={n.patronymic}
          onChange={(v) => onChange({ patronymic: v })}
          error={errors[`names.${i}.patronymic`]}
        />
        <div className="field">
          <label htmlFor={`${p}-script`}>{t('name.script')}</label>
          <select id={`${p}-script`} value={n.script} onChange={(e) => onChange({ script: e.target.value })}>
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
          onChange={(v) => onChange({ lang: v })}
          error={errors[`names.${i}.lang`]}
          hint="uk, ru, en…"
          small
        />
        <TextField
          id={`${p}-scheme`}
          label={t('name.scheme')}
          value={n.scheme}
          onChange={(v) => onChange({ scheme: v })}
          error={errors[`names.${i}.scheme`]}
          hint="uk-2010, icao-9303…"
        />
        <TextField
          id={`${p}-source`}
          label={t('name.source')}
          value={n.source}
          onChange={(v) => onChange({ source: v })}
          error={errors[`names.${i}.source`]}
        />
        <TextField
          id={`${p}-raw`}
          label={t('name.raw')}
          value={n.raw}
          onChange={(v) => onChange({ raw: v })}
          error={errors[`names.${i}.raw`]}
        />
      </div>
      <button
        type="button"
        className="button-secondary button-small"
        disabled={onRemove === undefined}
        onClick={onRemove}
        data-testid="remove-name"
      >
        {t('form.removeName', { n: i + 1 })}
      </button>
    </fieldset>
  );
}
