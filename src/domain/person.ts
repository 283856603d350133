import { z } from 'zod';
import { DatePrecisions, isValidPlainDate } from './plain-date.ts';
import { isUnsafeName, UNSAFE_NAME_MESSAGE } from './text.ts';

/** One part of a person's name: a single line of visible text (see src/domain/text.ts). */
const NameText = z
  .string()
  .trim()
  .refine((s) => !isUnsafeName(s), UNSAFE_NAME_MESSAGE);

/** Refine only, no transform: the same schema validates requests and encodes responses. */
export const PlainDateSchema = z
  .string()
  .refine(isValidPlainDate, { message: 'must be a date as YYYY-MM-DD' });

export const Scripts = ['Cyrl', 'Latn', 'other'] as const;
export const Sexes = ['male', 'female', 'unknown'] as const;

/** Categories from DESIGN.md; exchange agreements select people by these. */
export const PersonCategories = [
  'servicemember',
  'civilian_internee',
  'detained_civilian',
  'child',
  'foreign_national',
] as const;
export type PersonCategory = (typeof PersonCategories)[number];

/** A name exactly as received, tagged with where it came from and how it was written. */
export const PersonNameSchema = z.object({
  script: z.enum(Scripts),
  /** BCP 47 language of the name form, e.g. uk, ru, en. */
  lang: z.string().min(2).max(12),
  family: NameText.min(1).max(200),
  given: NameText.max(200).nullish(),
  patronymic: NameText.max(200).nullish(),
  /** The name as written in the source, unparsed. */
  raw: z
    .string()
    .max(600)
    .refine((s) => !isUnsafeName(s), UNSAFE_NAME_MESSAGE)
    .nullish(),
  /** Transliteration scheme when the name is a transliteration (e.g. uk-2010, icao-9303). */
  scheme: z.string().max(40).nullish(),
  /** Where this spelling comes from (e.g. "registry", "counterpart list 2025-05-20"). */
  source: z.string().max(200).nullish(),
});
export type PersonName = z.infer<typeof PersonNameSchema>;

export const ExternalRefSchema = z.object({
  /** The issuing system: icrc, national_register, military_unit, counterpart_list, import. */
  system: z.string().trim().min(1).max(60),
  value: z.string().trim().min(1).max(200),
});
export type ExternalRef = z.infer<typeof ExternalRefSchema>;

export const BirthDateSchema = z.object({
  date: PlainDateSchema,
  precision: z.enum(DatePrecisions),
});

export const MilitarySchema = z.object({
  branch: z.string().max(120).nullish(),
  unit: z.string().max(200).nullish(),
  rank: z.string().max(120).nullish(),
  serviceNumber: z.string().max(60).nullish(),
});
export type Military = z.infer<typeof MilitarySchema>;

/** Restricted: who to inform and how to reach them. */
export const ContactsSchema = z.array(
  z.object({
    name: z
      .string()
      .max(200)
      .refine((s) => !isUnsafeName(s), UNSAFE_NAME_MESSAGE),
    relation: z.string().max(60).nullish(),
    phone: z.string().max(60).nullish(),
    email: z.string().max(200).nullish(),
  }),
);
/** Restricted: health flags with the determination that supports each. */
export const HealthSchema = z.array(
  z.object({ flag: z.string().max(120), determination: z.string().max(400).nullish() }),
);
/** Restricted: distinguishing marks (tattoos, scars). */
export const MarksSchema = z.string().max(4000);
/** Restricted: photo references (content hashes of stored files). */
export const PhotosSchema = z.array(
  z.object({ sha256: z.string().regex(/^[0-9a-f]{64}$/), caption: z.string().max(200).nullish() }),
);

/** The fields a client may write when creating or editing a person. */
export const PersonInputSchema = z.object({
  names: z.array(PersonNameSchema).min(1).max(40),
  sex: z.enum(Sexes).default('unknown'),
  birth: BirthDateSchema.nullish(),
  birthPlace: z.string().trim().max(300).nullish(),
  citizenships: z
    .array(z.string().regex(/^[A-Z]{2}$/))
    .max(5)
    .default([]),
  category: z.enum(PersonCategories).nullish(),
  military: MilitarySchema.nullish(),
  externalRefs: z.array(ExternalRefSchema).max(40).default([]),
  contacts: ContactsSchema.nullish(),
  health: HealthSchema.nullish(),
  marks: MarksSchema.nullish(),
  photos: PhotosSchema.nullish(),
});
export type PersonInput = z.input<typeof PersonInputSchema>;
export type PersonInputParsed = z.output<typeof PersonInputSchema>;

/** Fields that only some roles may read (see access.ts). */
export const RestrictedFields = ['contacts', 'health', 'marks', 'photos'] as const;
export type RestrictedField = (typeof RestrictedFields)[number];
