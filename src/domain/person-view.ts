import { z } from 'zod';
import { canSeeField, isMinimalViewOnly, type RequestContext } from './access.ts';
import {
  BirthDateSchema,
  ContactsSchema,
  ExternalRefSchema,
  HealthSchema,
  MarksSchema,
  MilitarySchema,
  PersonNameSchema,
  PhotosSchema,
  RestrictedFields,
  Sexes,
} from './person.ts';

export const PersonStatusSchema = z.object({ fate: z.string(), exchange: z.string(), legal: z.string() });

const NameViewSchema = PersonNameSchema.extend({
  given: z.string().nullable(),
  patronymic: z.string().nullable(),
  raw: z.string().nullable(),
  scheme: z.string().nullable(),
  source: z.string().nullable(),
});

/** A person as one caller may see it: restricted and non-minimal fields are absent when not allowed. */
export const PersonViewSchema = z.object({
  id: z.string(),
  names: z.array(NameViewSchema),
  displayName: z.string(),
  birth: BirthDateSchema.nullable(),
  category: z.string().nullable(),
  status: PersonStatusSchema,
  version: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
  sex: z.enum(Sexes).optional(),
  birthPlace: z.string().nullable().optional(),
  citizenships: z.array(z.string()).optional(),
  military: MilitarySchema.nullable().optional(),
  externalRefs: z.array(ExternalRefSchema).optional(),
  contacts: ContactsSchema.nullable().optional(),
  health: HealthSchema.nullable().optional(),
  marks: MarksSchema.nullable().optional(),
  photos: PhotosSchema.nullable().optional(),
});
export type PersonView = z.infer<typeof PersonViewSchema>;

/** Everything the node stores about a person; never leaves the app layer unprojected. */
export type PersonRecord = Required<Omit<PersonView, 'contacts' | 'health' | 'marks' | 'photos'>> & {
  contacts: PersonView['contacts'];
  health: PersonView['health'];
  marks: PersonView['marks'];
  photos: PersonView['photos'];
};

const MINIMAL_KEYS = [
  'id',
  'names',
  'displayName',
  'birth',
  'category',
  'status',
  'version',
  'createdAt',
  'updatedAt',
] as const;

/**
 * Project a stored person onto what this caller may see. The single place where field-level access
 * is decided for reads; routes, exports and search all go through it.
 */
export function projectPerson(ctx: Pick<RequestContext, 'roles'>, p: PersonRecord): PersonView {
  const view: Record<string, unknown> = {};
  for (const k of MINIMAL_KEYS) view[k] = p[k];
  const minimal = isMinimalViewOnly(ctx);
  // Where a spelling came from (a file's hash, a document) is a source: not in the minimal view.
  if (minimal) view.names = p.names.map((n) => ({ ...n, source: null }));
  if (!minimal) {
    view.sex = p.sex;
    view.birthPlace = p.birthPlace;
    view.citizenships = p.citizenships;
    view.military = p.military;
    view.externalRefs = p.externalRefs;
  }
  for (const f of RestrictedFields) {
    if (canSeeField(ctx, f)) view[f] = p[f] ?? null;
  }
  return view as PersonView;
}

/** The restricted fields that a projection for this caller carries (what a read must audit). */
export function restrictedFieldsShown(ctx: Pick<RequestContext, 'roles'>): string[] {
  return RestrictedFields.filter((f) => canSeeField(ctx, f));
}

/**
 * Who recorded something, for this caller: mediators (minimal view) never see staff usernames.
 */
export function staffNameFor(ctx: Pick<RequestContext, 'roles'>, name: string | null): string | null {
  return isMinimalViewOnly(ctx) ? null : name;
}

/**
 * A status event as this caller may see it: mediators (minimal view) get the value, its dimension and
 * dates, the kind of source and its verification, but not the free-text note, the source reference
 * or the staff member who recorded it.
 */
export function projectStatusEvent<
  E extends { sourceRef: string | null; note: string | null; recordedBy: string | null },
>(ctx: Pick<RequestContext, 'roles'>, e: E): E {
  if (!isMinimalViewOnly(ctx)) return e;
  return { ...e, sourceRef: null, note: null, recordedBy: null };
}
