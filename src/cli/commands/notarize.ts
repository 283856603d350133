import { createHash } from 'node:crypto';
import fs from 'node:fs';
import type { Command } from 'commander';
import { dataOption, run } from '../common.ts';
import type { DataOptions } from '../context.ts';
import { io } from '../io.ts';

/** `homeward notarize FILE…`: record each file's SHA-256 in the log. */
export function notarizeCommand(program: Command): Command {
  return program
    .command('notarize')
    .description(
      "record each file's SHA-256 in the log (evidence: a scanned list, a video); prints index, hash and file",
    )
    .argument('<files...>', 'files to notarize; only their hashes leave this machine')
    .addOption(dataOption())
    .action(async (files: string[], o: DataOptions) => {
      const { notarize } = await import('../../app/ledger/ledger.ts');
      const { withNode } = await import('../context.ts');
      return run(async () => {
        // Hash first, so a missing file changes nothing.
        const hashes: string[] = [];
        for (const file of files) hashes.push(await sha256File(file));
        return withNode(o, async (node) => {
          const { items, checkpointSize } = await node.database.transaction((tx) =>
            notarize(node.as(['coordinator']), tx, hashes),
          );
          for (const [i, it] of items.entries())
            io().stdout.write(`${it.index}\t${it.sha256}\t${files[i]}\n`);
          io().stderr.write(`recorded under checkpoint ${checkpointSize}\n`);
          return 0;
        });
      });
    });
}

async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  try {
    for await (const chunk of fs.createReadStream(file)) hash.update(chunk as Buffer);
  } catch (e) {
    throw new Error(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  return hash.digest('hex');
}
