import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { DEFAULT_REF_SYSTEM } from '../../../io/ref-system.ts';
import { dataOption, run } from '../../common.ts';
import type { DataOptions } from '../../context.ts';
import { io } from '../../io.ts';

/** `homeward import persons FILE`: CSV or XLSX into the registry, all or nothing. */
export function importPersonsCommand(program: Command): Command {
  return program
    .command('import')
    .description('import records into the registry')
    .command('persons <file>')
    .description(
      'import persons from CSV or XLSX (header row; id and family_name required; given_name, patronymic, birth_date, birth_place, unit, service_number, sex, category optional). All or nothing: exit 0 only when the whole file was imported; otherwise every bad row is listed on stderr by line and column',
    )
    .addOption(dataOption())
    .option('--ref-system <name>', 'external-reference system the id column belongs to', DEFAULT_REF_SYSTEM)
    .action(async (file: string, o: DataOptions & { refSystem: string }) => {
      const { importPersons } = await import('../../../app/registry/import-persons.ts');
      const { readPersonFile } = await import('../../../io/read-person-file.ts');
      const { openNode, progressBar } = await import('../../context.ts');
      return run(async () => {
        let bytes: Buffer;
        try {
          bytes = fs.readFileSync(file);
        } catch (e) {
          throw new Error(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? 'error'}`);
        }
        const parsed = await readPersonFile(bytes, path.basename(file));
        if (!parsed.ok) {
          for (const err of parsed.errors) {
            const where =
              err.line === 0 ? 'file' : `line ${err.line}${err.column ? `, column ${err.column}` : ''}`;
            io().stderr.write(`${file}: ${where}: ${err.message} [${err.code}]\n`);
          }
          io().stderr.write(
            `${file}: not imported (${parsed.errors.length} problem(s)); the registry is unchanged\n`,
          );
          return 1;
        }
        const node = await openNode(o);
        try {
          const fileSha256 = createHash('sha256').update(bytes).digest('hex');
          const s = await node.database.transaction((tx) =>
            importPersons(node.as(['coordinator']), tx, parsed.rows, {
              fileSha256,
              refSystem: o.refSystem,
              onProgress: progressBar('importing'),
            }),
          );
          io().stdout.write(
            `${file}: imported ${s.total} row(s): ${s.created} created, ${s.updated} updated, ${s.unchanged} unchanged (sha256 ${fileSha256})\n`,
          );
        } finally {
          await node.database.close();
        }
      });
    });
}
