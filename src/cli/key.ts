import type { Command } from 'commander';
import { dataOption, run } from './common.ts';
import type { DataOptions } from './context.ts';
import { io } from './io.ts';

/** `homeward key rotate` / `key chain`: the node's signing key and the chain of its rotation notes. */
export function registerKeyCommands(program: Command): void {
  const key = program.command('key').description("the node's signing key: rotation and its chain of notes");

  key
    .command('rotate')
    .description(
      'make a new signing key, announced in a note signed by the old key and the new one; later checkpoints are signed with the new key',
    )
    .option(
      '--force',
      'rotate even though agreements pin the current key (a compromised key): their other signers must pin the new key under each agreement again',
      false,
    )
    .addOption(dataOption())
    .action(async (o: DataOptions & { force: boolean }) => {
      const { rotateNodeKey } = await import('../app/node/key-rotation.ts');
      const { withNode } = await import('./context.ts');
      return run(() =>
        withNode(o, async (node) => {
          const r = await rotateNodeKey(node.as(['coordinator']), node.database, node.key, {
            force: o.force,
          });
          io().stdout.write(
            `rotation ${r.seq} at log size ${r.logSize}\nold key: ${r.oldKey}\nnew key: ${r.newKey}\n\n${r.note}`,
          );
          return 0;
        }),
      );
    });

  key
    .command('chain')
    .description(
      "print the node's key rotation notes in order, each followed by an empty line; --json: what GET /log/keys serves (for `key follow FILE`)",
    )
    .option('--json', 'the JSON of GET /log/keys', false)
    .addOption(dataOption())
    .action(async (o: DataOptions & { json: boolean }) => {
      const { loadKeyChain } = await import('../db/key-chain.ts');
      const { formatVerifierKey } = await import('../ledger/keys.ts');
      const { withNode } = await import('./context.ts');
      return run(() =>
        withNode(o, async ({ database }) => {
          const chain = await loadKeyChain(database.db);
          const notes = chain.rotations.map((r) => r.note);
          if (o.json) {
            const current = chain.keys[chain.keys.length - 1]!;
            const body = { origin: current.name, current: formatVerifierKey(current), rotations: notes };
            io().stdout.write(`${JSON.stringify(body)}\n`);
          } else {
            for (const note of notes) io().stdout.write(`${note}\n`);
          }
          return 0;
        }),
      );
    });

  key
    .command('follow')
    .description(
      "follow another node's key rotations: SOURCE is its URL (GET SOURCE/log/keys) or a file of that JSON; each key of it pinned here (packages) or witnessed here is followed along notes signed by the key held now, and the new key pinned",
    )
    .argument('<source>', 'the node URL (https://…) or a file holding its /log/keys JSON')
    .addOption(dataOption())
    .action(async (source: string, o: DataOptions) => {
      const fs = await import('node:fs');
      const { followKeyRotations, PublishedKeysSchema } = await import('../app/node/key-follow.ts');
      const { withNode } = await import('./context.ts');
      return run(async () => {
        let text: string;
        if (/^https?:\/\//.test(source)) {
          const res = await fetch(`${source.replace(/\/+$/, '')}/log/keys`, {
            signal: AbortSignal.timeout(10_000),
          });
          if (res.status !== 200) throw new Error(`the node answered HTTP ${res.status} for /log/keys`);
          text = await res.text();
        } else {
          text = fs.readFileSync(source, 'utf8');
        }
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          throw new Error('not the JSON of GET /log/keys');
        }
        const parsed = PublishedKeysSchema.safeParse(json);
        if (!parsed.success) throw new Error('not the JSON of GET /log/keys');
        return withNode(o, async (node) => {
          const followed = await node.database.transaction((tx) =>
            followKeyRotations(node.as(['coordinator']), tx, parsed.data),
          );
          if (followed.length === 0) io().stdout.write('already following the current key\n');
          for (const f of followed) io().stdout.write(`${f.where}: ${f.from} -> ${f.to}\n`);
          return 0;
        });
      });
    });
}
