/**
 * Receipts in the c2sp.org/tlog-proof@v1 text format: an entry's index and inclusion proof followed by the
 * signed (and usually cosigned) checkpoint, verifiable offline against the log's and witnesses' keys.
 */
import { fromBase64, parseDecimal, toBase64 } from './bytes.ts';
import { type CheckpointTrust, type OpenedCheckpoint, openCheckpoint } from './checkpoint.ts';
import { LedgerError } from './errors.ts';
import { HASH_SIZE, MAX_TREE_SIZE, verifyInclusion } from './merkle.ts';

const HEADER = 'c2sp.org/tlog-proof@v1';

export interface TlogProof {
  /** Opaque, unauthenticated application data; never trust it without checking it some other way. */
  extra?: Uint8Array;
  index: number;
  /** Inclusion proof, from the leaf's sibling up to the root's child. */
  proof: Uint8Array[];
  /** The signed checkpoint note, verbatim. */
  checkpoint: string;
}

export function formatTlogProof(receipt: TlogProof): string {
  let out = `${HEADER}\n`;
  if (receipt.extra) out += `extra ${toBase64(receipt.extra)}\n`;
  out += `index ${receipt.index}\n`;
  for (const h of receipt.proof) out += `${toBase64(h)}\n`;
  return `${out}\n${receipt.checkpoint}`;
}

export function parseTlogProof(text: string): TlogProof {
  // The proof lines hold no blank line, so the first blank line ends them; the checkpoint has its own.
  const split = text.indexOf('\n\n');
  if (split < 0) throw malformed('no blank line before the checkpoint');
  const lines = text.slice(0, split).split('\n');
  const checkpoint = text.slice(split + 2);
  if (lines.shift() !== HEADER) throw malformed(`first line must be ${HEADER}`);

  let extra: Uint8Array | undefined;
  if (lines[0]?.startsWith('extra ')) {
    extra = fromBase64(lines.shift()!.slice('extra '.length));
    if (!extra) throw malformed('extra data is not base64');
  }
  const indexLine = lines.shift();
  const index = indexLine?.startsWith('index ')
    ? parseDecimal(indexLine.slice('index '.length), MAX_TREE_SIZE)
    : undefined;
  if (index === undefined) throw malformed('missing or bad index line');
  const proof = lines.map((line) => {
    const h = fromBase64(line);
    if (!h || h.length !== HASH_SIZE) throw malformed('proof line is not the base64 of a 32-byte hash');
    return h;
  });
  return extra ? { extra, index, proof, checkpoint } : { index, proof, checkpoint };
}

/**
 * Verifies a receipt for the entry whose leaf hash is given: the checkpoint's signatures and origin, then
 * the inclusion proof against its tree head. Returns the receipt and the verified checkpoint, whose
 * cosignatures the caller weighs against its witness policy.
 */
export function verifyTlogProof(
  text: string,
  leafHash: Uint8Array,
  trust: CheckpointTrust,
): { receipt: TlogProof; checkpoint: OpenedCheckpoint } {
  const receipt = parseTlogProof(text);
  const checkpoint = openCheckpoint(receipt.checkpoint, trust);
  const { size, root } = checkpoint.checkpoint;
  verifyInclusion(receipt.index, size, leafHash, receipt.proof, root);
  return { receipt, checkpoint };
}

function malformed(why: string): LedgerError {
  return new LedgerError('RECEIPT_MALFORMED', `malformed tlog-proof: ${why}`);
}
