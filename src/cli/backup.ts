import type { Command } from 'commander';
import { backupCommand } from './commands/backup/backup.ts';
import { migrateCommand } from './commands/backup/migrate.ts';
import { restoreCommand } from './commands/backup/restore.ts';

/** `homeward backup`, `homeward restore FILE` and `homeward migrate`. */
export function registerBackupCommands(program: Command): void {
  for (const add of [backupCommand, restoreCommand, migrateCommand]) add(program);
}
