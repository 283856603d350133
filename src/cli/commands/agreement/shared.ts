import fs from 'node:fs';
import type { AgreementStatus } from '../../../app/exchange/agreements.ts';
import { DomainError, ErrorCodes } from '../../../domain/errors.ts';
import type { Opened } from '../../context.ts';
import { io } from '../../io.ts';

// What the agreement commands share: printing a status, delivering the outbox, reading a JSON file.

export const out = (s: string) => io().stdout.write(s);

export function printStatus(s: AgreementStatus) {
  out(
    `agreement ${s.agreementId} v${s.version} for exchange ${s.exchangeId} (hash ${s.agreementHash}), proposed by ${s.proposedBy}\n`,
  );
  for (const x of s.signed) out(`  signed by ${x.signer} (${x.role}) at ${x.signedAt}\n`);
  out(s.awaiting.length ? `  awaiting: ${s.awaiting.join(', ')}\n` : '  signed by everyone\n');
  out(s.started ? '  the exchange runs under this version\n' : '  the exchange has not started\n');
}

export async function deliver(node: Opened) {
  const { deliverOutbox } = await import('../../../app/peers/outbox.ts');
  const r = await deliverOutbox(node.database, node.system('deliver-outbox'));
  out(
    `delivered ${r.delivered} package(s) to peers${r.failed.map((f) => `; not to ${f.recipient}: ${f.reason}`).join('')}\n`,
  );
}

export async function readJson(file: string): Promise<unknown> {
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
  const { findBadText, hasForbiddenControl } = await import('../../../domain/text.ts');
  const bad = findBadText(value, hasForbiddenControl, '');
  if (bad !== undefined)
    throw new DomainError(
      ErrorCodes.VALIDATION_FAILED,
      `${file}: ${bad.slice(1) || '(top)'} contains control characters`,
    );
  return value;
}
