import { useI18n } from '../../i18n.ts';
import { Rows, TextField } from './fields.tsx';
import type { ContactRow, HealthRow, SectionProps } from './state.ts';

/**
 * Contacts, health and distinguishing marks: shown only to roles that may see them (a field the role
 * may not see is null in the form state and is left out of the save).
 */
export function RestrictedSection(props: SectionProps) {
  const { t } = useI18n();
  const { form, set } = props;
  if (!form.contacts && !form.health && form.marks === null) return null;
  return (
    <fieldset className="card card-restricted">
      <legend>{t('person.restricted')}</legend>
      {form.contacts && <ContactsPart {...props} contacts={form.contacts} />}
      {form.health && <HealthPart {...props} health={form.health} />}
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
  );
}

function ContactsPart({ form, set, errors, nextKey, contacts }: SectionProps & { contacts: ContactRow[] }) {
  const { t } = useI18n();
  return (
    <>
      <h3>{t('person.contacts')}</h3>
      <Rows
        rows={contacts}
        onRemove={(key) => set('contacts', form.contacts?.filter((c) => c.key !== key) ?? [])}
        removeLabel={(n) => t('form.removeContact', { n })}
        render={(c, i) => {
          const upd = (patch: Partial<ContactRow>) =>
            set('contacts', form.contacts?.map((x) => (x.key === c.key ? { ...x, ...patch } : x)) ?? []);
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
  );
}

function HealthPart({ form, set, nextKey, health }: SectionProps & { health: HealthRow[] }) {
  const { t } = useI18n();
  return (
    <>
      <h3>{t('person.health')}</h3>
      <Rows
        rows={health}
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
  );
}
