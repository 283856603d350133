import type { Command } from 'commander';
import { dataOption, run } from './common.ts';
import type { DataOptions } from './context.ts';
import { io } from './io.ts';

const passphraseHelp =
  'file whose first line is the passphrase (else $HOMEWARD_BACKUP_PASSPHRASE; never on the command line)';

/** A refused backup, restore or move: one line with its code, exit 1. */
async function guarded(
  fn: (ctx: typeof import('./context.ts')) => Promise<number | undefined>,
): Promise<number | undefined> {
  const { isBackupError } = await import('../app/backup/errors.ts');
  try {
    return await fn(await import('./context.ts'));
  } catch (e) {
    if (!isBackupError(e)) throw e;
    io().stderr.write(`homeward: ${e.message} [${e.code}]\n`);
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
        guarded(async ({ dataDirOf, describeTarget }) => {
          const { readPassphrase } = await import('../app/backup/envelope.ts');
          const { createBackup } = await import('../app/backup/backup.ts');
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

  program
    .command('restore <file>')
    .description(
      'restore a backup into a new or empty --data directory, or into the empty PostgreSQL database of DATABASE_URL',
    )
    .addOption(dataOption())
    .option('--passphrase-file <file>', passphraseHelp)
    .action((file: string, o: DataOptions & { passphraseFile?: string }) =>
      run(() =>
        guarded(async ({ dataDirOf, describeTarget }) => {
          const { readPassphrase } = await import('../app/backup/envelope.ts');
          const { restoreBackup } = await import('../app/backup/restore.ts');
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

  program
    .command('migrate')
    .description('move a stopped embedded node (--data DIR) onto an empty PostgreSQL database')
    .addOption(dataOption())
    .requiredOption('--to <url>', 'postgres://… connection string of the empty target database')
    .action((o: DataOptions & { to: string }) =>
      run(() =>
        guarded(async ({ dataDirOf }) => {
          if (!/^postgres(ql)?:\/\//.test(o.to))
            throw new Error('--to must be a postgres:// connection string');
          const { moveToPostgres, withoutPassword } = await import('../app/backup/restore.ts');
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
          io().stdout.write(`${lines.join('\n')}\n`);
          return 0;
        }),
      ),
    );
}
