import { PACKAGE_MEDIA_TYPE } from '../ledger/package.ts';

export interface DeliveryAnswer {
  logIndex: number;
  alreadyAccepted: boolean;
  application?: { status: string; code: string | null; message: string | null };
}

/**
 * Delivers one package file to a peer node's inbox (POST /api/peer/packages). Throws a plain Error
 * naming the peer and its answer when the package is refused or the peer cannot be reached.
 */
export async function deliverPackage(to: string, body: Uint8Array, label: string): Promise<DeliveryAnswer> {
  const url = new URL('/api/peer/packages', to);
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': PACKAGE_MEDIA_TYPE },
    body,
    signal: AbortSignal.timeout(30_000),
  }).catch((e: Error) => {
    throw new Error(`cannot reach ${url.origin}: ${e.message}`);
  });
  const reply = (await res.json().catch(() => ({}))) as DeliveryAnswer & {
    error?: { code: string; message: string };
  };
  if (!res.ok) {
    const why = reply.error ? `${reply.error.message} [${reply.error.code}]` : `HTTP ${res.status}`;
    throw new Error(`${label}: refused by ${url.origin}: ${why}`);
  }
  return reply;
}

/** One line for stdout about a delivery: where it landed and what the peer did with its content. */
export function deliveryLine(label: string, to: string, r: DeliveryAnswer): string {
  const a = r.application;
  const applied = a
    ? a.status === 'refused'
      ? `; content refused: ${a.message ?? ''} [${a.code ?? ''}]`
      : `; content ${a.status}`
    : '';
  return `${label}\t${new URL(to).origin}\taccepted at log index ${r.logIndex}${r.alreadyAccepted ? ' (already)' : ''}${applied}\n`;
}
