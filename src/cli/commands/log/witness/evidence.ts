import type { Command } from 'commander';
import { dataOption, run } from '../../../common.ts';
import type { DataOptions } from '../../../context.ts';
import { io } from '../../../io.ts';

const out = (s: string) => io().stdout.write(s);

/** `homeward log witness evidence`: refused requests kept as proof of misbehaviour. */
export function witnessEvidenceCommand(witness: Command): Command {
  return witness
    .command('evidence')
    .description(
      'requests a witnessed log signed but this node refused as a fork or inconsistent (proof of misbehaviour)',
    )
    .option('--origin <origin>', 'only this log')
    .option('--show <id>', 'print the request of this id verbatim, then the checkpoint it contradicted')
    .addOption(dataOption())
    .action(async (o: DataOptions & { origin?: string; show?: string }) => {
      const { listWitnessEvidence } = await import('../../../../app/ledger/witness.ts');
      const { withNode } = await import('../../../context.ts');
      return run(() =>
        withNode(o, async ({ database }) => {
          const all = await listWitnessEvidence(database.db, o.origin);
          if (o.show !== undefined) {
            const e = all.find((x) => String(x.id) === o.show);
            if (!e) throw new Error(`no evidence with id ${o.show}`);
            out(`${Buffer.from(e.request).toString('utf8')}\n${e.recordedCheckpoint ?? ''}`);
            return 0;
          }
          for (const e of all)
            out(
              `${e.id}\t${e.createdAt.toISOString()}\t${e.origin}\t${e.reason}\trecorded size ${e.recordedSize}\n`,
            );
          return 0;
        }),
      );
    });
}
