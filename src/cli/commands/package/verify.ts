import type { Command } from 'commander';
import { dataOption, run } from '../../common.ts';
import type { DataOptions } from '../../context.ts';
import { io } from '../../io.ts';
import { readFile } from '../../read-file.ts';

/** `homeward package verify FILE`: check a package file; records nothing. */
export function packageVerifyCommand(pkg: Command): Command {
  return pkg
    .command('verify')
    .description(
      'verify a package file: signatures by pinned keys, payload, recipient, sequence; records nothing',
    )
    .argument('<file>', 'package file (canonical JSON)')
    .option('--recipient <name>', 'whom it must be addressed to (default: this node)')
    .addOption(dataOption())
    .action(async (file: string, o: DataOptions & { recipient?: string }) => {
      const { checkPackage } = await import('../../../app/peers/packages.ts');
      const { toBase64 } = await import('../../../ledger/bytes.ts');
      const { withNode } = await import('../../context.ts');
      return run(async () => {
        const bytes = readFile(file);
        return withNode(o, async (node) => {
          const v = await checkPackage(node.as(['auditor']), node.database.db, bytes, o.recipient);
          const h = v.header;
          io().stdout.write(
            `OK ${h.type} v${h.version} from ${h.sender} sequence ${h.sequence} to ${h.recipients.join(',')}\n` +
              `hash ${toBase64(v.hash)}\n` +
              `signed by ${v.signedBy.map((k) => k.name).join(', ')}\n` +
              (v.recorded
                ? `already ${v.recorded.direction}, log index ${v.recorded.logIndex}\n`
                : 'not yet accepted\n'),
          );
          return 0;
        });
      });
    });
}
