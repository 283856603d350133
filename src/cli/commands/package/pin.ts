import { type Command, Option } from 'commander';
import { dataOption, run } from '../../common.ts';
import type { DataOptions } from '../../context.ts';
import { io } from '../../io.ts';

/** `homeward package pin VKEY`: trust a counterpart's or mediator's key (optionally as an agreement signer's). */
export function packagePinCommand(pkg: Command): Command {
  return pkg
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
        const { pinAgreementKey } = await import('../../../app/exchange/agreement-keys.ts');
        const { pinKey } = await import('../../../app/peers/packages.ts');
        const { DomainError, ErrorCodes } = await import('../../../domain/errors.ts');
        const { withNode } = await import('../../context.ts');
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
}
