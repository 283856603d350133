import fs from 'node:fs';
import type { Command } from 'commander';
import { dataOption, run } from '../../../common.ts';
import type { DataOptions } from '../../../context.ts';
import { io } from '../../../io.ts';

const out = (s: string) => io().stdout.write(s);

/** `homeward log witness trust`: witness another log. */
export function witnessTrustCommand(witness: Command): Command {
  return witness
    .command('trust')
    .description('witness a log: cosign its checkpoints at POST /log/witness/add-checkpoint when consistent')
    .requiredOption('--vkey <vkey>', "the log's Ed25519 verifier key line (name+keyid+base64)")
    .option('--origin <origin>', "the log's checkpoint origin (default: the key's name)")
    .option('--checkpoint <file>', 'a signed checkpoint of that log to start from (default: size 0)')
    .addOption(dataOption())
    .action(async (o: DataOptions & { vkey: string; origin?: string; checkpoint?: string }) => {
      const { trustLog } = await import('../../../../app/ledger/witness.ts');
      const { withNode } = await import('../../../context.ts');
      return run(() =>
        withNode(o, async ({ database, as }) => {
          const checkpoint = o.checkpoint === undefined ? undefined : fs.readFileSync(o.checkpoint, 'utf8');
          const w = await trustLog(
            database,
            { vkey: o.vkey, origin: o.origin, checkpoint },
            as(['coordinator']),
          );
          out(`witnessing ${w.origin} from size ${w.size}\n`);
          return 0;
        }),
      );
    });
}
