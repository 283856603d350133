import fs from 'node:fs';
import { type Command, Option } from 'commander';
import { dataOption, run } from '../../common.ts';
import type { DataOptions } from '../../context.ts';
import { io } from '../../io.ts';

const _out = (s: string) => io().stdout.write(s);

/** `homeward export persons --format csv|xlsx --out FILE`: the registry, without restricted fields. */
export function exportPersonsCommand(program: Command): Command {
  return program
    .command('export')
    .description('export records from the registry')
    .command('persons')
    .description(
      'export persons to CSV or XLSX (same columns as import; no restricted fields; formulas neutralised)',
    )
    .addOption(dataOption())
    .addOption(new Option('--format <format>', 'file format').choices(['csv', 'xlsx']).makeOptionMandatory())
    .requiredOption('--out <file>', 'file to write')
    .action(async (o: DataOptions & { format: 'csv' | 'xlsx'; out: string }) => {
      const { exportPersons } = await import('../../../app/registry/export-persons.ts');
      const { openNode } = await import('../../context.ts');
      return run(async () => {
        const node = await openNode(o);
        try {
          const { body, rows } = await node.database.transaction((tx) =>
            exportPersons(node.as(['coordinator']), tx, o.format),
          );
          const tmp = `${o.out}.tmp-${process.pid}`;
          fs.writeFileSync(tmp, body, { mode: 0o600 });
          fs.renameSync(tmp, o.out);
          io().stdout.write(`${o.out}: ${rows} person(s) exported\n`);
        } finally {
          await node.database.close();
        }
      });
    });
}
