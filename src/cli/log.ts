import { createHash } from 'node:crypto';
import fs from 'node:fs';
import type { Command } from 'commander';
import { notarize } from '../app/ledger.ts';
import { latestFinalCheckpoint } from '../app/log-cosign.ts';
import { acceptPackages, checkPackage, pinKey } from '../app/packages.ts';
import { latestCheckpoint, loadLogKeys, logSize, proveConsistency, proveInclusion } from '../db/ledger.ts';
import { auditStoredLog } from '../db/ledger-audit.ts';
import { PACKAGE_MEDIA_TYPE } from '../http/routes/peer.ts';
import { toBase64 } from '../ledger/bytes.ts';
import { signCheckpoint } from '../ledger/checkpoint.ts';
import { emptyTreeRoot } from '../ledger/merkle.ts';
import { dataOption, intArg, run } from './common.ts';
import { type DataOptions, withNode } from './context.ts';
import { registerWitnessCommands } from './log-witness.ts';

const MAX = Number.MAX_SAFE_INTEGER;

/**
 * `homeward log …` (the node's transparency log), `homeward notarize FILE…` and
 * `homeward package …`. Output is plain text meant for other tools: checkpoints as signed notes,
 * proofs as one base64 hash per line.
 */
export function registerLogCommands(program: Command): Command {
  const log = program.command('log').description("the node's transparency log: checkpoints, proofs, audit");

  log
    .command('checkpoint')
    .description('print the latest signed checkpoint (a C2SP signed note, with any witness cosignatures)')
    .option('--final', 'the latest checkpoint cosigned by the witness quorum (see `log quorum`)', false)
    .addOption(dataOption())
    .action((o: DataOptions & { final: boolean }) =>
      run(() =>
        withNode(o, async ({ database }) => {
          if (o.final) {
            const final = await latestFinalCheckpoint(database.db);
            if (!final)
              throw new Error('no checkpoint is final yet: too few witnesses have cosigned (`log status`)');
            process.stdout.write(final.note);
            return 0;
          }
          const latest = await latestCheckpoint(database.db);
          if (latest) {
            process.stdout.write(latest.note);
          } else {
            // An empty log still has a head: the empty tree, signed now.
            const keys = await loadLogKeys(database.db);
            const body = { origin: keys.origin, size: 0, root: emptyTreeRoot(), extensions: [] };
            process.stdout.write(signCheckpoint(body, [keys.signer]));
          }
          return 0;
        }),
      ),
    );

  log
    .command('vkey')
    .description("print the node's verifier key line (name+keyid+base64), to check its checkpoints")
    .addOption(dataOption())
    .action((o: DataOptions) =>
      run(() =>
        withNode(o, async ({ identity }) => {
          process.stdout.write(`${identity.verifierKey}\n`);
          return 0;
        }),
      ),
    );

  log
    .command('prove')
    .description('print the leaf hash, then the inclusion proof, one base64 hash per line')
    .requiredOption('--index <i>', 'entry index (from 0)', intArg('--index', 0, MAX))
    .option(
      '--size <n>',
      'tree size to prove against (default: the latest checkpoint)',
      intArg('--size', 1, MAX),
    )
    .addOption(dataOption())
    .action((o: DataOptions & { index: number; size?: number }) =>
      run(() =>
        withNode(o, async ({ database }) => {
          const p = await proveInclusion(database.db, o.index, o.size);
          process.stdout.write([p.leafHash, ...p.proof].map((h) => `${toBase64(h)}\n`).join(''));
          return 0;
        }),
      ),
    );

  log
    .command('consistency')
    .description('print the consistency proof from tree size M to N, one base64 hash per line')
    .requiredOption('--from <m>', 'the earlier tree size', intArg('--from', 0, MAX))
    .option('--to <n>', 'the later tree size (default: the latest checkpoint)', intArg('--to', 0, MAX))
    .addOption(dataOption())
    .action((o: DataOptions & { from: number; to?: number }) =>
      run(() =>
        withNode(o, async ({ database }) => {
          const to = o.to ?? (await latestCheckpoint(database.db))?.size ?? 0;
          const proof = await proveConsistency(database.db, o.from, to);
          process.stdout.write(proof.map((h) => `${toBase64(h)}\n`).join(''));
          return 0;
        }),
      ),
    );

  log
    .command('audit')
    .description(
      'recompute the tree from the stored entries; check every checkpoint and the consistency between them',
    )
    .option('--workers <n>', 'worker threads', intArg('--workers', 0, 64), 2)
    .addOption(dataOption())
    .action((o: DataOptions & { workers: number }) =>
      run(() =>
        withNode(o, async ({ database }) => {
          const started = performance.now();
          const r = await auditStoredLog(database.db, { workers: o.workers });
          const seconds = ((performance.now() - started) / 1000).toFixed(2);
          const size = await logSize(database.db);
          const summary = `${r.size} entries, ${r.checkpoints} checkpoints, ${r.cosignatures} cosignatures`;
          if (r.ok) {
            process.stdout.write(`log audit: OK: ${summary} (head ${size}), checked in ${seconds} s\n`);
            return 0;
          }
          process.stdout.write(`log audit: FAILED: ${summary}\n`);
          for (const p of r.problems) process.stdout.write(`  ${p.message}\n`);
          process.stdout.write(`first bad entry: ${r.firstBadEntry}\n`);
          return 1;
        }),
      ),
    );

  program
    .command('notarize')
    .description(
      "record each file's SHA-256 in the log (evidence: a scanned list, a video); prints index, hash and file",
    )
    .argument('<files...>', 'files to notarize; only their hashes leave this machine')
    .addOption(dataOption())
    .action((files: string[], o: DataOptions) =>
      run(async () => {
        // Hash first, so a missing file changes nothing.
        const hashes: string[] = [];
        for (const file of files) hashes.push(await sha256File(file));
        return withNode(o, async (node) => {
          const { items, checkpointSize } = await node.database.transaction((tx) =>
            notarize(node.as(['coordinator']), tx, hashes),
          );
          for (const [i, it] of items.entries())
            process.stdout.write(`${it.index}\t${it.sha256}\t${files[i]}\n`);
          process.stderr.write(`recorded under checkpoint ${checkpointSize}\n`);
          return 0;
        });
      }),
    );

  const pkg = program.command('package').description('signed packages exchanged with counterparts');
  pkg
    .command('verify')
    .description(
      'verify a package file: signatures by pinned keys, payload, recipient, sequence; records nothing',
    )
    .argument('<file>', 'package file (canonical JSON)')
    .option('--recipient <name>', 'whom it must be addressed to (default: this node)')
    .addOption(dataOption())
    .action((file: string, o: DataOptions & { recipient?: string }) =>
      run(async () => {
        const bytes = readFile(file);
        return withNode(o, async ({ database }) => {
          const v = await checkPackage(database.db, bytes, o.recipient);
          const h = v.header;
          process.stdout.write(
            `OK ${h.type} v${h.version} from ${h.sender} sequence ${h.sequence} to ${h.recipients.join(',')}\n` +
              `hash ${toBase64(v.hash)}\n` +
              `signed by ${v.signedBy.map((k) => k.name).join(', ')}\n` +
              (v.recorded
                ? `already ${v.recorded.direction}, log index ${v.recorded.logIndex}\n`
                : 'not yet accepted\n'),
          );
          return 0;
        });
      }),
    );
  pkg
    .command('accept')
    .description('verify package files and accept them in order, all or none; each is recorded in the log')
    .argument('<files...>', 'package files, in sequence order')
    .addOption(dataOption())
    .action((files: string[], o: DataOptions) =>
      run(async () => {
        const contents = files.map(readFile);
        return withNode(o, async (node) => {
          const accepted = await node.database.transaction((tx) =>
            acceptPackages(node.as(['coordinator']), tx, contents),
          );
          for (const a of accepted)
            process.stdout.write(
              `${a.logIndex}\t${a.header.type}\t${a.header.sender}\t${a.header.sequence}\n`,
            );
          return 0;
        });
      }),
    );
  pkg
    .command('deliver')
    .description("deliver package files, in order, to a peer node's inbox (POST /api/peer/packages)")
    .argument('<files...>', 'package files, in sequence order')
    .requiredOption('--to <url>', "the peer node's base URL, e.g. https://party-b.example")
    .action((files: string[], o: { to: string }) =>
      run(async () => {
        const contents = files.map(readFile);
        const url = new URL('/api/peer/packages', o.to);
        for (const [i, body] of contents.entries()) {
          const res = await fetch(url, {
            method: 'POST',
            headers: { 'content-type': PACKAGE_MEDIA_TYPE },
            body,
            signal: AbortSignal.timeout(30_000),
          }).catch((e: Error) => {
            throw new Error(`cannot reach ${url.origin}: ${e.message}`);
          });
          const reply = (await res.json().catch(() => ({}))) as {
            logIndex?: number;
            alreadyAccepted?: boolean;
            error?: { code: string; message: string };
          };
          if (!res.ok) {
            const why = reply.error ? `${reply.error.message} [${reply.error.code}]` : `HTTP ${res.status}`;
            throw new Error(`${files[i]}: refused by ${url.origin}: ${why}`);
          }
          process.stdout.write(
            `${files[i]}\taccepted at log index ${reply.logIndex}${reply.alreadyAccepted ? ' (already)' : ''}\n`,
          );
        }
        return 0;
      }),
    );
  pkg
    .command('pin')
    .description("trust a counterpart's or mediator's Ed25519 verifier key for packages")
    .argument('<vkey>', 'verifier key line: name+keyid+base64')
    .option('--label <text>', 'who this key belongs to', '')
    .addOption(dataOption())
    .action((vkey: string, o: DataOptions & { label: string }) =>
      run(() =>
        withNode(o, async (node) => {
          const { keyRef } = await node.database.transaction((tx) =>
            pinKey(node.as(['coordinator']), tx, vkey, o.label),
          );
          process.stdout.write(`pinned ${keyRef}\n`);
          return 0;
        }),
      ),
    );
  registerWitnessCommands(log);
  return log;
}

function readFile(file: string): Uint8Array {
  try {
    return fs.readFileSync(file);
  } catch (e) {
    throw new Error(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
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
