import { z } from 'zod';
import { FlagCountsSchema } from '../../domain/exchange/counterpart.ts';
import { ListKindNames } from '../lists/lists.ts';

/**
 * What a succeeded job reports, by kind: the use cases return these types and GET /api/jobs/:id
 * documents them with the same schemas (the web's types are generated from that document).
 */
export const PersonImportResultSchema = z.object({
  total: z.number().int(),
  created: z.number().int(),
  updated: z.number().int(),
  unchanged: z.number().int(),
});

export const ListImportResultSchema = z.object({
  versionId: z.string(),
  exchangeId: z.string(),
  kind: z.enum(ListKindNames),
  version: z.number().int(),
  entryCount: z.number().int(),
  flagCounts: FlagCountsSchema,
  /** Match candidates put in the review queue. */
  queued: z.number().int(),
});

export const DedupResultSchema = z.object({
  registrySize: z.number().int(),
  pairs: z.number().int(),
  queued: z.number().int(),
});

export const JobResultSchema = z.union([PersonImportResultSchema, ListImportResultSchema, DedupResultSchema]);

export interface JobResults {
  person_import: z.output<typeof PersonImportResultSchema>;
  list_import: z.output<typeof ListImportResultSchema>;
  dedup: z.output<typeof DedupResultSchema>;
}
export type JobResult = JobResults[keyof JobResults];
