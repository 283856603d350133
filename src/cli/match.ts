import type { Command } from 'commander';
import { dataOption } from './common.ts';
import { io } from './io.ts';
import type { MatchFileOptions } from './match-file.ts';

/**
 * `homeward match --registry R.csv --list L.csv --out M.csv`: file mode, no node needed. Bad input
 * ends with one line naming the file, line and column, and exit code 1. The list is counterpart data:
 * an impossible birth date is kept, matched on its year and month, and flagged `impossible_date`. Without --registry the list
 * is matched against the node's registry (`--data DIR` or DATABASE_URL; see match-node.ts).
 */
export function registerMatchCommand(program: Command): void {
  program
    .command('match')
    .description('match a list of persons against a registry, both CSV; writes candidates with reasons')
    .requiredOption('--list <file>', 'CSV list to match: id,family_name,given_name,patronymic,birth_date,…')
    .option(
      '--registry <file>',
      "CSV registry to match against (same columns); without it, the node's registry (CSV or XLSX list)",
    )
    .option(
      '--out <file>',
      'CSV output: list_id,registry_id,rank,score,band,explanation,flags (default: stdout)',
    )
    .addOption(dataOption())
    .action(async (o: MatchFileOptions) => {
      const { runMatch } = await import('./match-file.ts');
      const { runMatchNode } = await import('./match-node.ts');
      io().exitCode = o.registry ? runMatch(o) : await runMatchNode(o);
    });
}
