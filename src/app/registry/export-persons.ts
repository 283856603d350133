import type { Transaction } from 'kysely';
import { writeAudit } from '../../db/audit.ts';
import { loadPersons } from '../../db/persons.ts';
import type { DB } from '../../db/schema.ts';
import { type RequestContext, requirePermission } from '../../domain/access.ts';
import { type DatePrecision, formatPartialDate, isValidPlainDate } from '../../domain/plain-date.ts';
import { toCsv } from '../../io/csv.ts';
import { type PersonColumn, PersonColumns } from '../../io/person-rows.ts';
import { toXlsx } from '../../io/xlsx.ts';
import { DEFAULT_REF_SYSTEM } from './import-persons.ts';

/** A stored birth date as the import writes it (`~1994`, `1994-03`); stored dates are valid, checked anyway. */
function birthText(date: string, precision: DatePrecision): string {
  return isValidPlainDate(date) ? formatPartialDate({ date, precision }) : date;
}

/** The same columns an import takes, so an export can be edited and imported back. */
export const EXPORT_COLUMNS = Object.keys(PersonColumns) as PersonColumn[];

export type ExportFormat = 'csv' | 'xlsx';

/**
 * Export the registry as a spreadsheet. Restricted fields are never exported; cells that a
 * spreadsheet would run as formulas are neutralised by the writers. Persons without an external
 * reference get `hw:<internal id>` (importing that file creates them under that reference).
 */
export async function exportPersons(
  ctx: RequestContext,
  tx: Transaction<DB>,
  format: ExportFormat,
): Promise<{ body: Buffer; rows: number }> {
  requirePermission(ctx, 'registry:export');
  const rows: string[][] = [];
  let after = '00000000-0000-0000-0000-000000000000';
  for (;;) {
    const ids = await tx
      .selectFrom('persons')
      .select('id')
      .where('org_id', '=', ctx.orgId)
      .where('id', '>', after)
      .orderBy('id')
      .limit(5000)
      .execute();
    if (ids.length === 0) break;
    after = ids[ids.length - 1]!.id;
    for (const p of await loadPersons(
      tx,
      ctx,
      ids.map((r) => r.id),
    )) {
      const name = p.names[0];
      const ref = p.externalRefs.find((r) => r.system === DEFAULT_REF_SYSTEM)?.value ?? `hw:${p.id}`;
      rows.push([
        ref,
        name?.family ?? '',
        name?.given ?? '',
        name?.patronymic ?? '',
        p.birth ? birthText(p.birth.date, p.birth.precision) : '',
        p.birthPlace ?? '',
        p.military?.unit ?? '',
        p.military?.serviceNumber ?? '',
        p.sex,
        p.category ?? '',
      ]);
    }
  }
  await writeAudit(tx, ctx, [
    {
      action: 'person.exported',
      entityType: 'registry',
      entityId: null,
      detail: { format, rows: rows.length },
    },
  ]);
  const header = [...EXPORT_COLUMNS];
  const body = format === 'csv' ? Buffer.from(toCsv(header, rows), 'utf8') : await toXlsx(header, rows);
  return { body, rows: rows.length };
}
