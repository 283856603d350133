import { type Command, Option } from 'commander';
import { dataOption, run } from './common.ts';
import type { ListDiffOptions, ListImportOptions, ListSendOptions } from './list.ts';

/** `homeward list …`: the exchange's lists (the work is in list.ts, loaded when a command runs). */
export function registerListCommands(program: Command): void {
  const list = program
    .command('list')
    .description("an exchange's lists: import the counterpart's, diff versions, send ours as packages");
  list
    .command('import <file>')
    .description(
      "import the counterpart's list (CSV or XLSX: id,family_name,given_name,patronymic,birth_date,birth_place,unit,service_number, optional category and person_category) as a new version of their offer or request, matched against the registry and flagged (matched, ambiguous, unknown, already_released, ineligible_for_category, eligibility_unknown, duplicate_within_list, impossible_date). All or nothing: every bad row is listed on stderr by line and column",
    )
    .requiredOption('--exchange <id>', 'the exchange')
    .addOption(
      new Option('--kind <kind>', 'which list')
        .choices(['their_offer', 'their_request'])
        .default('their_offer'),
    )
    .addOption(dataOption())
    .action(async (file: string, o: ListImportOptions) => {
      const { runListImport } = await import('./list.ts');
      return run(() => runListImport(file, o));
    });
  list
    .command('diff')
    .description(
      'what changed between two list versions (ids from GET /api/exchanges/:id/lists), person by person',
    )
    .requiredOption('--exchange <id>', 'the exchange')
    .requiredOption('--from <version>', 'the earlier version id')
    .requiredOption('--to <version>', 'the later version id')
    .option('--json', 'the whole diff as JSON')
    .addOption(dataOption())
    .action(async (o: ListDiffOptions) => {
      const { runListDiff } = await import('./list.ts');
      return run(() => runListDiff(o));
    });
  list
    .command('send')
    .description(
      'send a signed version of our request or offer to the counterpart and the mediator, one signed package to each (keys pinned per agreement; people as whitelisted fields only): delivered to the peers whose URL this node knows (homeward package peer), and written to --out-dir for hand-carry',
    )
    .requiredOption('--exchange <id>', 'the exchange')
    .requiredOption('--version <id>', 'the list version id (GET /api/exchanges/:id/lists)')
    .option('--out-dir <dir>', 'also write each package file here, for hand-carry')
    .addOption(dataOption())
    .action(async (o: ListSendOptions) => {
      const { runListSend } = await import('./list.ts');
      return run(() => runListSend(o, 'version'));
    });
  list
    .command('send-responses')
    .description(
      'send our answers to a version of their list (received as a package) back, naming their version and their entries',
    )
    .requiredOption('--exchange <id>', 'the exchange')
    .requiredOption('--version <id>', 'the id here of their list version')
    .option('--out-dir <dir>', 'also write each package file here, for hand-carry')
    .addOption(dataOption())
    .action(async (o: ListSendOptions) => {
      const { runListSend } = await import('./list.ts');
      return run(() => runListSend(o, 'responses'));
    });
}
