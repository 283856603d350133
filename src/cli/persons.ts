import type { Command } from 'commander';
import { exportPersonsCommand } from './commands/persons/export.ts';
import { importPersonsCommand } from './commands/persons/import.ts';

/** `homeward import persons` and `homeward export persons`: the registry as CSV or XLSX files. */
export function registerPersonsCommands(program: Command): void {
  importPersonsCommand(program);
  exportPersonsCommand(program);
}
