import type { Command } from 'commander';
import { createBackup } from '../app/backup/backup.ts';
import { readPassphrase } from '../app/backup/envelope.ts';
import { isBackupError } from '../app/backup/errors.ts';
import { moveToPostgres, restoreBackup, withoutPassword } from '../app/backup/restore.ts';
import { dataOption, run } from './common.ts';
import { type DataOptions, dataDirOf, describeTarget } from './context.ts';

const passphraseHelp =
  'file whose first line is the passphrase (else $HOMEWARD_BACKUP_PASSPHRASE; never on the command line)';

/** A refused backup, restore or move: one line with its code, exit 1. */
async function guarded(fn: () => Promise<number | undefined>): Promise<number | undefined> {
  try {
    return await fn();
  } catch (e) {
    if (!isBackupError(e)) throw e;
    process.stderr.write(`homeward: ${e.message} [${e.code}]\n`);
    return 1;
  }
}

export function registerBackupCommands(program: Command): void {
  program
    .command('backup')
    .description(
      "write an encrypted, consistent backup of the node (database, keys, the node's files) while it serves or when it is stopped",
    )
    .addOption(dataOption())
    .requiredOption('--out <file>', 'backup file to create (refused if it exists)')
    .option('--passphrase-file <file>', passphraseHelp)
    .action((o: DataOptions & { out: string; passphraseFile?: string }) =>
      run(() =>
        guarded(async () => {
          const passphrase = readPassphrase(o, process.env, 'encrypt');
          const s = await createBackup(
            { databaseUrl: process.env.DATABASE_URL, dataDir: dataDirOf(o) },
            o.out,
            passphrase,
          );
          const rows = s.manifest.tables.reduce((n, t) => n + t.rows, 0);
          process.stdout.write(
            `${o.out}: backup of node "${s.manifest.node.name}" (${describeTarget(o)}, via the ${s.via}): ${s.manifest.tables.length} tables, ${rows} rows, ${s.manifest.files.length} file(s), ${s.bytes} bytes, encrypted\n`,
          );
          return 0;
        }),
      ),
    );

  program
    .command('restore <file>')
    .description(
      'restore a backup into a new or empty --data directory, or into the empty PostgreSQL database of DATABASE_URL',
    )
    .addOption(dataOption())
    .option('--passphrase-file <file>', passphraseHelp)
    .action((file: string, o: DataOptions & { passphraseFile?: string }) =>
      run(() =>
        guarded(async () => {
          const passphrase = readPassphrase(o, process.env, 'decrypt');
          const url = process.env.DATABASE_URL;
          const s = await restoreBackup(file, passphrase, {
            databaseUrl: url,
            dataDir: url ? o.data : dataDirOf(o),
          });
          process.stdout.write(
            `restored node "${s.manifest.node.name}" (backup of ${s.manifest.createdAt}) into ${describeTarget(o)}: ${s.rows} rows${s.migratedAfter.length ? `, then migrated: ${s.migratedAfter.join(', ')}` : ''}\nsessions are not restored: users sign in again\n`,
          );
          return 0;
        }),
      ),
    );

  program
    .command('migrate')
    .description('move a stopped embedded node (--data DIR) onto an empty PostgreSQL database')
    .addOption(dataOption())
    .requiredOption('--to <url>', 'postgres://… connection string of the empty target database')
    .action((o: DataOptions & { to: string }) =>
      run(() =>
        guarded(async () => {
          if (!/^postgres(ql)?:\/\//.test(o.to))
            throw new Error('--to must be a postgres:// connection string');
          const dir = dataDirOf(o);
          const s = await moveToPostgres(dir, { databaseUrl: o.to });
          const lines = [
            `moved node "${s.manifest.node.name}" from ${dir} to PostgreSQL: ${s.rows} rows`,
            `run it with: DATABASE_URL=${withoutPassword(o.to)} (add the password)`,
            `the embedded copy in ${dir} is unchanged; do not run both`,
          ];
          if (s.filesLeft.length)
            lines.push(
              `the node's files stay in ${dir} (${s.filesLeft.join(', ')}): keep giving --data ${dir}`,
            );
          process.stdout.write(`${lines.join('\n')}\n`);
          return 0;
        }),
      ),
    );
}
