import type { Command } from 'commander';
import { dataOption, run } from '../../common.ts';
import type { DataOptions } from '../../context.ts';
import { io } from '../../io.ts';
import { guarded } from './shared.ts';

/** `homeward migrate --to URL`: move a stopped embedded node onto an empty PostgreSQL database. */
export function migrateCommand(program: Command): Command {
  return program
    .command('migrate')
    .description('move a stopped embedded node (--data DIR) onto an empty PostgreSQL database')
    .addOption(dataOption())
    .requiredOption('--to <url>', 'postgres://… connection string of the empty target database')
    .action((o: DataOptions & { to: string }) =>
      run(() =>
        guarded(async ({ dataDirOf }) => {
          if (!/^postgres(ql)?:\/\//.test(o.to))
            throw new Error('--to must be a postgres:// connection string');
          const { moveToPostgres, withoutPassword } = await import('../../../app/backup/restore.ts');
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
