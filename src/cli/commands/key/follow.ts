import type { Command } from 'commander';
import { dataOption, run } from '../../common.ts';
import type { DataOptions } from '../../context.ts';
import { io } from '../../io.ts';

/** `homeward key follow`: follow a pinned node's key rotation. */
export function keyFollowCommand(key: Command): Command {
  return key
    .command('follow')
    .description(
      "follow another node's key rotations: SOURCE is its URL (GET SOURCE/log/keys) or a file of that JSON; each key of it pinned here (packages) or witnessed here is followed along notes signed by the key held now, and the new key pinned",
    )
    .argument('<source>', 'the node URL (https://…) or a file holding its /log/keys JSON')
    .addOption(dataOption())
    .action(async (source: string, o: DataOptions) => {
      const fs = await import('node:fs');
      const { followKeyRotations, PublishedKeysSchema } = await import('../../../app/node/key-follow.ts');
      const { withNode } = await import('../../context.ts');
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
