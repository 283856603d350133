import type { Command } from 'commander';
import { dataOption } from './common.ts';
import { io } from './io.ts';
import type { DedupOptions } from './match-node.ts';

/** `homeward dedup` (the work is in match-node.ts, loaded when the command runs). */
export function registerDedupCommand(program: Command): void {
  program
    .command('dedup')
    .description(
      'list candidate duplicates in the registry (CSV: person_a,person_b,score,band,explanation) and add them to the review queue; nothing is merged',
    )
    .addOption(dataOption())
    .option('--out <file>', 'CSV file to write (default: stdout)')
    .option('--likely-only', 'only pairs in the "likely" band (a large registry has many "possible" ones)')
    .action(async (o: DedupOptions) => {
      const { runDedup } = await import('./match-node.ts');
      io().exitCode = await runDedup(o);
    });
}
