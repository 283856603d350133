import { useI18n } from '../../i18n.ts';
import { Rows, TextField } from './fields.tsx';
import type { SectionProps } from './state.ts';

/** External references (ICRC, national registers…), as system and value rows. */
export function RefsSection({ form, set, errors, nextKey }: SectionProps) {
  const { t } = useI18n();
  return (
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
  );
}
