import { useMeta } from '../../api.ts';
import { parseBirthInput } from '../../format.ts';
import { useI18n } from '../../i18n.ts';
import { TextField } from './fields.tsx';
import type { SectionProps } from './state.ts';

/** Sex, birth date (with the precision it was read as), birth place, citizenships, category. */
export function DetailsSection({ form, set, errors }: SectionProps) {
  const { t, code } = useI18n();
  const meta = useMeta();
  const birthParsed = parseBirthInput(form.birth);
  return (
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
  );
}
