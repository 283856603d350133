import { type Command, Option } from 'commander';
import { dataOption, run } from '../../common.ts';
import type { ListImportOptions } from '../../list.ts';

/** `homeward list import FILE`: the counterpart's list as a new version, matched and flagged (list.ts). */
export function listImportCommand(list: Command): Command {
  return list
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
      const { runListImport } = await import('../../list.ts');
      return run(() => runListImport(file, o));
    });
}
