import fs from 'node:fs';
import type { Command } from 'commander';
import type { AgreementStatus } from '../app/exchange/agreements.ts';
import { DomainError, ErrorCodes } from '../domain/errors.ts';
import { dataOption, run } from './common.ts';
import type { DataOptions, Opened } from './context.ts';
import { io } from './io.ts';

const out = (s: string) => io().stdout.write(s);

function printStatus(s: AgreementStatus) {
  out(
    `agreement ${s.agreementId} v${s.version} for exchange ${s.exchangeId} (hash ${s.agreementHash}), proposed by ${s.proposedBy}\n`,
  );
  for (const x of s.signed) out(`  signed by ${x.signer} (${x.role}) at ${x.signedAt}\n`);
  out(s.awaiting.length ? `  awaiting: ${s.awaiting.join(', ')}\n` : '  signed by everyone\n');
  out(s.started ? '  the exchange runs under this version\n' : '  the exchange has not started\n');
}

async function deliver(node: Opened) {
  const { deliverOutbox } = await import('../app/peers/outbox.ts');
  const r = await deliverOutbox(node.database, node.system('deliver-outbox'));
  out(
    `delivered ${r.delivered} package(s) to peers${r.failed.map((f) => `; not to ${f.recipient}: ${f.reason}`).join('')}\n`,
  );
}

async function readJson(file: string): Promise<unknown> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new DomainError(
      ErrorCodes.VALIDATION_FAILED,
      `cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? 'error'}`,
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new DomainError(ErrorCodes.VALIDATION_FAILED, `${file} is not JSON`);
  }
  // As at the HTTP edge: no control characters but tab and line breaks (src/domain/text.ts).
  const { findBadText, hasForbiddenControl } = await import('../domain/text.ts');
  const bad = findBadText(value, hasForbiddenControl, '');
  if (bad !== undefined)
    throw new DomainError(
      ErrorCodes.VALIDATION_FAILED,
      `${file}: ${bad.slice(1) || '(top)'} contains control characters`,
    );
  return value;
}

/**
 * `homeward agreement propose FILE --exchange ID`, `agreement sign --exchange ID [--hash H]`,
 * `agreement status --exchange ID`: agreeing on a version between the signers' nodes
 * (src/app/exchange/agreements.ts). Packages go to the peers this node knows (`homeward package peer`).
 */
export function registerAgreementCommands(program: Command): void {
  const agreement = program
    .command('agreement')
    .description("agree on an exchange's agreement with the other signers' nodes, as signed packages");
  agreement
    .command('propose <file>')
    .description(
      'propose an agreement version (JSON, unsigned: parties, mediators, type, categories with predicates, rules, targets, conditions) for a new exchange, and send it to the other signers; every signer’s key must be pinned for the agreement first (homeward package pin … --agreement)',
    )
    .requiredOption('--exchange <id>', 'the exchange it is for')
    .addOption(dataOption())
    .action(async (file: string, o: DataOptions & { exchange: string }) => {
      const { proposeAgreement } = await import('../app/exchange/agreements.ts');
      const { withNode } = await import('./context.ts');
      return run(() =>
        withNode(o, async (node) => {
          const agreement = await readJson(file);
          const s = await node.database
            .transaction((tx) =>
              proposeAgreement(node.as(['coordinator']), tx, { exchangeId: o.exchange, agreement }),
            )
            .catch((e: unknown) => {
              // Say which fields are wrong, one per line, before the one-line error.
              const issues = e instanceof DomainError ? e.details?.issues : undefined;
              if (Array.isArray(issues))
                for (const i of issues as { path?: string; message?: string }[])
                  io().stderr.write(`${file}: ${i.path || '(top)'}: ${i.message}\n`);
              throw e;
            });
          printStatus(s);
          await deliver(node);
          return 0;
        }),
      );
    });
  agreement
    .command('sign')
    .description(
      "sign the proposed version (or --hash) as this node's signer, with its key, and send the signature; the exchange starts once every signature is held",
    )
    .requiredOption('--exchange <id>', 'the exchange')
    .option('--hash <sha256>', 'the version to sign (default: the latest proposed)')
    .addOption(dataOption())
    .action(async (o: DataOptions & { exchange: string; hash?: string }) => {
      const { signAgreementVersion } = await import('../app/exchange/agreements.ts');
      const { withNode } = await import('./context.ts');
      return run(() =>
        withNode(o, async (node) => {
          const s = await node.database.transaction((tx) =>
            signAgreementVersion(node.as(['coordinator']), tx, o.exchange, o.hash),
          );
          printStatus(s);
          await deliver(node);
          return 0;
        }),
      );
    });
  agreement
    .command('status')
    .description(
      'the proposed version of an exchange’s agreement: who signed, who is awaited, whether it runs',
    )
    .requiredOption('--exchange <id>', 'the exchange')
    .addOption(dataOption())
    .action(async (o: DataOptions & { exchange: string }) => {
      const { agreementStatus } = await import('../app/exchange/agreements.ts');
      const { withNode } = await import('./context.ts');
      return run(() =>
        withNode(o, async (node) => {
          printStatus(await agreementStatus(node.as(['coordinator']), node.database.db, o.exchange));
          return 0;
        }),
      );
    });
}
