import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { type Command, Option } from 'commander';
import { dataOption, intArg, run } from './common.ts';
import type { DataOptions } from './context.ts';
import { io } from './io.ts';
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
    .action(async (o: DataOptions & { final: boolean }) => {
      const { latestFinalCheckpoint } = await import('../app/ledger/log-cosign.ts');
      const { latestCheckpoint, loadLogKeys } = await import('../db/ledger.ts');
      const { signCheckpoint } = await import('../ledger/checkpoint.ts');
      const { emptyTreeRoot } = await import('../ledger/merkle.ts');
      const { withNode } = await import('./context.ts');
      return run(() =>
        withNode(o, async ({ database }) => {
          if (o.final) {
            const final = await latestFinalCheckpoint(database.db);
            if (!final)
              throw new Error('no checkpoint is final yet: too few witnesses have cosigned (`log status`)');
            io().stdout.write(final.note);
            return 0;
          }
          const latest = await latestCheckpoint(database.db);
          if (latest) {
            io().stdout.write(latest.note);
          } else {
            // An empty log still has a head: the empty tree, signed now.
            const keys = await loadLogKeys(database.db);
            const body = { origin: keys.origin, size: 0, root: emptyTreeRoot(), extensions: [] };
            io().stdout.write(signCheckpoint(body, [keys.signer]));
          }
          return 0;
        }),
      );
    });

  log
    .command('vkey')
    .description("print the node's verifier key line (name+keyid+base64), to check its checkpoints")
    .addOption(dataOption())
    .action(async (o: DataOptions) => {
      const { withNode } = await import('./context.ts');
      return run(() =>
        withNode(o, async ({ identity }) => {
          io().stdout.write(`${identity.verifierKey}\n`);
          return 0;
        }),
      );
    });

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
    .action(async (o: DataOptions & { index: number; size?: number }) => {
      const { proveInclusion } = await import('../db/ledger.ts');
      const { toBase64 } = await import('../ledger/bytes.ts');
      const { withNode } = await import('./context.ts');
      return run(() =>
        withNode(o, async ({ database }) => {
          const p = await proveInclusion(database.db, o.index, o.size);
          io().stdout.write([p.leafHash, ...p.proof].map((h) => `${toBase64(h)}\n`).join(''));
          return 0;
        }),
      );
    });

  log
    .command('consistency')
    .description('print the consistency proof from tree size M to N, one base64 hash per line')
    .requiredOption('--from <m>', 'the earlier tree size', intArg('--from', 0, MAX))
    .option('--to <n>', 'the later tree size (default: the latest checkpoint)', intArg('--to', 0, MAX))
    .addOption(dataOption())
    .action(async (o: DataOptions & { from: number; to?: number }) => {
      const { latestCheckpoint, proveConsistency } = await import('../db/ledger.ts');
      const { toBase64 } = await import('../ledger/bytes.ts');
      const { withNode } = await import('./context.ts');
      return run(() =>
        withNode(o, async ({ database }) => {
          const to = o.to ?? (await latestCheckpoint(database.db))?.size ?? 0;
          const proof = await proveConsistency(database.db, o.from, to);
          io().stdout.write(proof.map((h) => `${toBase64(h)}\n`).join(''));
          return 0;
        }),
      );
    });

  log
    .command('audit')
    .description(
      'recompute the tree from the stored entries; check every checkpoint, the head, and every record against its commitment',
    )
    .option('--workers <n>', 'worker threads', intArg('--workers', 0, 64), 2)
    .option(
      '--witness <url...>',
      'ask each witness (its URL prefix, as in `log witness add --url`) for the latest checkpoint it cosigned, and prove it consistent with this log',
    )
    .option(
      '--witness-key <vkey...>',
      "witness verifier keys, to check the witnesses' cosignatures (configured witnesses' keys are known)",
    )
    .addOption(dataOption())
    .action(async (o: DataOptions & { workers: number; witness?: string[]; witnessKey?: string[] }) => {
      const { logSize } = await import('../db/ledger.ts');
      const { auditStoredLog } = await import('../db/ledger-audit.ts');
      const { finalityAndWitnesses } = await import('./log-audit-witness.ts');
      const { withNode } = await import('./context.ts');
      return run(() =>
        withNode(o, async ({ database }) => {
          const started = performance.now();
          const r = await auditStoredLog(database.db, { workers: o.workers });
          const extra = await finalityAndWitnesses(database.db, o.witness ?? [], o.witnessKey ?? []);
          const seconds = ((performance.now() - started) / 1000).toFixed(2);
          const size = await logSize(database.db);
          const summary = `${r.size} entries, ${r.checkpoints} checkpoints, ${r.cosignatures} cosignatures, ${r.records} records`;
          if (r.ok && extra.ok) {
            io().stdout.write(`log audit: OK: ${summary} (head ${size}), checked in ${seconds} s\n`);
            for (const line of extra.lines) io().stdout.write(`${line}\n`);
            return 0;
          }
          io().stdout.write(`log audit: FAILED: ${summary}\n`);
          for (const p of r.problems) io().stdout.write(`  ${p.message}\n`);
          for (const line of extra.lines) io().stdout.write(`${line}\n`);
          if (r.firstBadEntry !== undefined) io().stdout.write(`first bad entry: ${r.firstBadEntry}\n`);
          return 1;
        }),
      );
    });

  program
    .command('notarize')
    .description(
      "record each file's SHA-256 in the log (evidence: a scanned list, a video); prints index, hash and file",
    )
    .argument('<files...>', 'files to notarize; only their hashes leave this machine')
    .addOption(dataOption())
    .action(async (files: string[], o: DataOptions) => {
      const { notarize } = await import('../app/ledger/ledger.ts');
      const { withNode } = await import('./context.ts');
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

  const pkg = program.command('package').description('signed packages exchanged with counterparts');
  pkg
    .command('verify')
    .description(
      'verify a package file: signatures by pinned keys, payload, recipient, sequence; records nothing',
    )
    .argument('<file>', 'package file (canonical JSON)')
    .option('--recipient <name>', 'whom it must be addressed to (default: this node)')
    .addOption(dataOption())
    .action(async (file: string, o: DataOptions & { recipient?: string }) => {
      const { checkPackage } = await import('../app/peers/packages.ts');
      const { toBase64 } = await import('../ledger/bytes.ts');
      const { withNode } = await import('./context.ts');
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
  pkg
    .command('accept')
    .description('verify package files and accept them in order, all or none; each is recorded in the log')
    .argument('<files...>', 'package files, in sequence order')
    .addOption(dataOption())
    .action(async (files: string[], o: DataOptions) => {
      const { applyPendingPackages } = await import('../app/peers/inbox.ts');
      const { acceptPackages } = await import('../app/peers/packages.ts');
      const { withNode } = await import('./context.ts');
      return run(async () => {
        const contents = files.map(readFile);
        return withNode(o, async (node) => {
          const ctx = node.as(['coordinator']);
          const accepted = await node.database.transaction((tx) => acceptPackages(ctx, tx, contents));
          // Then their content, each in a transaction of its own (src/app/peers/inbox.ts).
          const applied = new Map(
            (await applyPendingPackages(node.database, node.system('apply-package'))).map((a) => [
              a.logIndex,
              a,
            ]),
          );
          for (const a of accepted) {
            const x = applied.get(a.logIndex);
            const how = !x
              ? 'pending'
              : x.status === 'refused'
                ? `refused: ${x.message} [${x.code}]`
                : x.status;
            io().stdout.write(
              `${a.logIndex}\t${a.header.type}\t${a.header.sender}\t${a.header.sequence}\t${how}\n`,
            );
          }
          return 0;
        });
      });
    });
  pkg
    .command('deliver')
    .description("deliver package files, in order, to a peer node's inbox (POST /api/peer/packages)")
    .argument('<files...>', 'package files, in sequence order')
    .requiredOption('--to <url>', "the peer node's base URL, e.g. https://party-b.example")
    .action(async (files: string[], o: { to: string }) => {
      const { deliverPackage, deliveryLine } = await import('./deliver.ts');
      return run(async () => {
        const contents = files.map(readFile);
        for (const [i, body] of contents.entries()) {
          const r = await deliverPackage(o.to, body, files[i]!);
          io().stdout.write(deliveryLine(files[i]!, o.to, r));
        }
        return 0;
      });
    });
  pkg
    .command('pin')
    .description(
      "trust a counterpart's or mediator's Ed25519 verifier key for packages; with --agreement, pin it as the key of one signer of that agreement (only then may its packages act in the agreement's exchanges)",
    )
    .argument('<vkey>', 'verifier key line: name+keyid+base64')
    .option('--label <text>', 'who this key belongs to', '')
    .option('--agreement <id>', "the agreement's id")
    .option('--signer <id>', "the party's or mediator's id in the agreement (with --agreement)")
    .addOption(
      new Option('--role <role>', 'the signer’s role (with --agreement)').choices(['party', 'mediator']),
    )
    .addOption(dataOption())
    .action(
      async (
        vkey: string,
        o: DataOptions & { label: string; agreement?: string; signer?: string; role?: 'party' | 'mediator' },
      ) => {
        const { pinAgreementKey } = await import('../app/exchange/agreement-keys.ts');
        const { pinKey } = await import('../app/peers/packages.ts');
        const { DomainError, ErrorCodes } = await import('../domain/errors.ts');
        const { withNode } = await import('./context.ts');
        return run(() =>
          withNode(o, async (node) => {
            const perAgreement = [o.agreement, o.signer, o.role].filter((x) => x !== undefined).length;
            if (perAgreement !== 0 && perAgreement !== 3)
              throw new DomainError(
                ErrorCodes.VALIDATION_FAILED,
                '--agreement, --signer and --role go together: the key of which signer, in which role, under which agreement',
              );
            const ctx = node.as(['coordinator']);
            if (o.agreement && o.signer && o.role) {
              const k = await node.database.transaction((tx) =>
                pinAgreementKey(ctx, tx, {
                  agreementId: o.agreement!,
                  signer: o.signer!,
                  role: o.role!,
                  vkey,
                  label: o.label || undefined,
                }),
              );
              io().stdout.write(
                `pinned ${k.keyRef} as ${k.role} ${k.signer} under agreement ${k.agreementId}\n`,
              );
              return 0;
            }
            const { keyRef } = await node.database.transaction((tx) => pinKey(ctx, tx, vkey, o.label));
            io().stdout.write(`pinned ${keyRef}\n`);
            return 0;
          }),
        );
      },
    );
  pkg
    .command('peer')
    .description(
      'where a peer node listens (its name as in its key, its base URL): packages this node shares from its screens are delivered there, in order, and retried until they are',
    )
    .argument('<name>', "the peer node's name, e.g. party-b.example")
    .argument('<url>', 'its base URL, e.g. https://party-b.example')
    .addOption(dataOption())
    .action(async (name: string, url: string, o: DataOptions) => {
      const { setPeer } = await import('../app/peers/outbox.ts');
      const { withNode } = await import('./context.ts');
      return run(() =>
        withNode(o, async (node) => {
          const p = await node.database.transaction((tx) => setPeer(node.as(['coordinator']), tx, name, url));
          io().stdout.write(`peer ${p.nodeName} at ${p.url}\n`);
          return 0;
        }),
      );
    });
  pkg
    .command('outbox')
    .description(
      'write the packages not yet delivered to a peer node, in order, as files to carry to it (it accepts them with homeward package accept); --carried records them as delivered',
    )
    .requiredOption('--to <name>', "the peer node's name, e.g. party-b.example")
    .requiredOption('--out-dir <dir>', 'where to write the package files')
    .option('--carried', 'record them as delivered (hand-carried), so they are not sent again', false)
    .addOption(dataOption())
    .action(async (o: DataOptions & { to: string; outDir: string; carried: boolean }) => {
      const { markDelivered, undelivered } = await import('../app/peers/outbox.ts');
      const { withNode } = await import('./context.ts');
      return run(() =>
        withNode(o, async (node) => {
          const pending = await undelivered(node.as(['coordinator']), node.database.db, o.to);
          fs.mkdirSync(o.outDir, { recursive: true });
          for (const p of pending) {
            const file = path.join(o.outDir, `${String(p.sequence).padStart(6, '0')}-${p.type}.json`);
            fs.writeFileSync(file, p.bytes);
            io().stdout.write(`${file}\n`);
          }
          if (o.carried)
            await markDelivered(
              node.as(['coordinator']),
              node.database.db,
              o.to,
              pending.map((p) => p.hash),
              'hand-carried',
            );
          io().stdout.write(
            `${pending.length} package(s) for ${o.to}${o.carried && pending.length ? ', recorded as hand-carried' : ''}\n`,
          );
          return 0;
        }),
      );
    });
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
