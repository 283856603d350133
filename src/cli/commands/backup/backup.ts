import type { Command } from 'commander';
import { dataOption, run } from '../../common.ts';
import type { DataOptions } from '../../context.ts';
import { io } from '../../io.ts';
import { guarded, passphraseHelp } from './shared.ts';

/** `homeward backup --out FILE`: an encrypted, consistent backup of the node. */
export function backupCommand(program: Command): Command {
  return program
    .command('backup')
    .description(
      "write an encrypted, consistent backup of the node (database, keys, the node's files) while it serves or when it is stopped",
    )
    .addOption(dataOption())
    .requiredOption('--out <file>', 'backup file to create (refused if it exists)')
    .option('--passphrase-file <file>', passphraseHelp)
    .action((o: DataOptions & { out: string; passphraseFile?: string }) =>
      run(() =>
        guarded(async ({ dataDirOf, describeTarget }) => {
          const { readPassphrase } = await import('../../../app/backup/envelope.ts');
          const { createBackup } = await import('../../../app/backup/backup.ts');
          const passphrase = readPassphrase(o, io().env, 'encrypt');
          const s = await createBackup(
            { databaseUrl: io().env.DATABASE_URL, schema: io().schema, dataDir: dataDirOf(o) },
            o.out,
            passphrase,
          );
          const rows = s.manifest.tables.reduce((n, t) => n + t.rows, 0);
          io().stdout.write(
            `${o.out}: backup of node "${s.manifest.node.name}" (${describeTarget(o)}, via the ${s.via}): ${s.manifest.tables.length} tables, ${rows} rows, ${s.manifest.files.length} file(s), ${s.bytes} bytes, encrypted\n`,
          );
          return 0;
        }),
      ),
    );
}
