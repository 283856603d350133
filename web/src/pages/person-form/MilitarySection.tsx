import { useI18n } from '../../i18n.ts';
import { TextField } from './fields.tsx';
import type { SectionProps } from './state.ts';

/** Branch, unit, rank, service number. */
export function MilitarySection({ form, set, errors }: SectionProps) {
  const { t } = useI18n();
  return (
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
  );
}
