import type { Command } from 'commander';
import { dataOption, intArg, run } from './common.ts';
import type { DataOptions } from './context.ts';
import { io } from './io.ts';
import type { ScenarioCliOptions } from './scenario.ts';

/** `homeward demo`: synthetic demo data, or an exchange scenario on three nodes. */
export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description('seed synthetic demo persons (fictional people) and demo accounts (password demo-<role>)')
    .addOption(dataOption())
    .option('--persons <n>', 'how many synthetic persons', intArg('persons', 0, 10_000_000), 500)
    .option('--seed <n>', 'random seed', intArg('seed', 0, 2 ** 31), 2025)
    .option(
      '--scenario <name>',
      'run an exchange scenario on three nodes instead (may-2025); --data holds their databases',
    )
    .option(
      '--out <dir>',
      'with --scenario: write DIR/bulletin.json, verifiable with `homeward bulletin verify`',
    )
    .option('--serve', 'with --scenario: keep the three nodes running and print their URLs', false)
    .option(
      '--port <n>',
      'with --serve: first of three consecutive ports (default: any free)',
      intArg('port', 1, 65533),
    )
    .action(async (o: DataOptions & { persons: number; seed: number } & Partial<ScenarioCliOptions>) => {
      const { seedDemo } = await import('../demo/seed-demo.ts');
      const { setNodeParty } = await import('../app/node/node-identity.ts');
      const { A: DEMO_PARTY } = await import('../domain/exchange/synthetic.ts');
      const { DEMO_DRAFT_AGREEMENT_ID, seedDemoAgreementDraft } = await import(
        '../demo/agreement-draft-demo.ts'
      );
      const { seedDemoExchangeScreens } = await import('../demo/exchange-screens-demo.ts');
      const { seedDemoBulletin } = await import('../demo/public-bulletin-demo.ts');
      const { seedDemoExchange } = await import('../demo/stage-board-demo.ts');
      const { describeTarget, openNode, progressBar } = await import('./context.ts');
      const { runScenarioCommand } = await import('./scenario.ts');
      return run(async () => {
        if (o.scenario) return runScenarioCommand({ ...o, scenario: o.scenario });
        const node = await openNode({ ...o, name: 'demo-hq', demo: true });
        try {
          const s = await seedDemo((fn) => node.database.transaction(fn), node.as(['coordinator']), {
            persons: o.persons,
            seed: o.seed,
            onProgress: progressBar('seeding'),
          });
          io().stdout.write(
            `demo data in ${describeTarget(o)}: ${s.created} person(s) created, ${s.existing} already there, ${s.users} account(s) created\n`,
          );
          // The demo node plays Party A of the demo agreements: its one party setting.
          if (node.identity.party === null)
            await node.database.transaction((tx) => setNodeParty(node.as(['admin']), tx, DEMO_PARTY));
          const x = await seedDemoExchange((fn) => node.database.transaction(fn), node.as(['coordinator']), {
            fromRegistry: 30,
          });
          if (x.created) io().stdout.write(`demo exchange ${x.exchangeId}: ${x.stageId} in progress\n`);
          // The exchange screens' demo data (a stage to finish on the board, both sides' lists).
          const screens = await seedDemoExchangeScreens(
            (fn) => node.database.transaction(fn),
            node.as(['coordinator']),
          );
          if (screens.endStage)
            io().stdout.write(`demo exchange ${x.exchangeId}: stage-2 to finish on the board\n`);
          if (screens.lists)
            io().stdout.write(`demo exchange ${x.exchangeId}: our request and their offer, flagged\n`);
          if (
            (await seedDemoBulletin((fn) => node.database.transaction(fn), node.as(['coordinator'])))
              .published
          )
            io().stdout.write(`demo exchange ${x.exchangeId}: stage-0 confirmed, bulletin published\n`);
          const ex = await node.database.db
            .selectFrom('exchanges')
            .select('agreement')
            .where('id', '=', x.exchangeId)
            .executeTakeFirstOrThrow();
          const draft = await seedDemoAgreementDraft(
            (fn) => node.database.transaction(fn),
            node.as(['coordinator']),
            { agreementId: (ex.agreement as { id: string }).id },
          );
          if (draft.proposed)
            io().stdout.write(`demo agreement ${DEMO_DRAFT_AGREEMENT_ID}: proposed, awaiting signatures\n`);
        } finally {
          await node.database.close();
        }
      });
    });
}
