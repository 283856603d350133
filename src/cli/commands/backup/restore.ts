import type { Command } from 'commander';
import { dataOption, run } from '../../common.ts';
import type { DataOptions } from '../../context.ts';
import { io } from '../../io.ts';
import { guarded, passphraseHelp } from './shared.ts';

/** `homeward restore FILE`: a backup into an empty --data directory or DATABASE_URL database. */
export function restoreCommand(program: Command): Command {
  return program
    .command('restore <file>')
    .description(
      'restore a backup into a new or empty --data directory, or into the empty PostgreSQL database of DATABASE_URL',
    )
    .addOption(dataOption())
    .option('--passphrase-file <file>', passphraseHelp)
    .action((file: string, o: DataOptions & { passphraseFile?: string }) =>
      run(() =>
        guarded(async ({ dataDirOf, describeTarget }) => {
          const { readPassphrase } = await import('../../../app/backup/envelope.ts');
          const { restoreBackup } = await import('../../../app/backup/restore.ts');
          const passphrase = readPassphrase(o, io().env, 'decrypt');
          const url = io().env.DATABASE_URL;
          const s = await restoreBackup(file, passphrase, {
            databaseUrl: url,
            schema: io().schema,
            dataDir: url ? o.data : dataDirOf(o),
          });
          io().stdout.write(
            `restored node "${s.manifest.node.name}" (backup of ${s.manifest.createdAt}) into ${describeTarget(o)}: ${s.rows} rows${s.migratedAfter.length ? `, then migrated: ${s.migratedAfter.join(', ')}` : ''}\nsessions are not restored: users sign in again\n`,
          );
          return 0;
        }),
      ),
    );
}
