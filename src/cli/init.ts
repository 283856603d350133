import type { Command } from 'commander';
import { dataOption, run } from './common.ts';
import type { DataOptions } from './context.ts';
import { io } from './io.ts';

/** `homeward init`: create the database, migrations, node key pair and the first administrator. */
export function registerInitCommand(program: Command): void {
  program
    .command('init')
    .description('create the database, migrations and node key pair; optionally the first administrator')
    .addOption(dataOption())
    .option('--name <name>', 'node name used in its signed notes (letters, digits, . _ / -)')
    .option(
      '--party <id>',
      'the party (or mediator) id this node acts as in agreements; set once, also on an existing node',
    )
    .option('--admin <username>', 'create this administrator account')
    .option('--password-stdin', 'read the administrator password from standard input', false)
    .action(
      async (o: DataOptions & { name?: string; party?: string; admin?: string; passwordStdin: boolean }) => {
        const { addUser } = await import('../app/accounts/accounts.ts');
        const { setNodeParty } = await import('../app/node/node-identity.ts');
        const { describeTarget, openNode, readSecret } = await import('./context.ts');
        return run(async () => {
          const node = await openNode(o);
          try {
            io().stdout.write(
              `node "${node.identity.name}" ready on ${describeTarget(o)}\nverifier key: ${node.identity.verifierKey}\n`,
            );
            const party = o.party
              ? (await node.database.transaction((tx) => setNodeParty(node.as(['admin']), tx, o.party!)))
                  .party
              : node.identity.party;
            io().stdout.write(
              party
                ? `acts as party ${party}\n`
                : 'party not set: run `homeward init --party ID` before agreeing, signing or sending lists\n',
            );
            if (o.admin) {
              const password = await readSecret(`Password for ${o.admin}: `, o.passwordStdin);
              const u = await node.database.transaction((tx) =>
                addUser(node.as(['admin']), tx, { username: o.admin!, password, roles: ['admin'] }),
              );
              io().stdout.write(`administrator ${u.username} created\n`);
            }
          } finally {
            await node.database.close();
          }
        });
      },
    );
}
