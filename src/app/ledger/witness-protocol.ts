import {
  concatBytes,
  decodeUtf8,
  fromBase64,
  parseDecimal,
  toBase64,
  uint32BE,
  utf8,
} from '../../ledger/bytes.ts';
import { HASH_SIZE, MAX_TREE_SIZE } from '../../ledger/merkle.ts';
import type { NoteSigner } from '../../ledger/note.ts';

/** A client must not send more than 63 consistency proof lines (tlog-witness). */
export const MAX_PROOF_LINES = 63;

/** Why the witness refuses a request, with the HTTP status tlog-witness prescribes. */
export class WitnessRefusal extends Error {
  readonly status: 400 | 403 | 404 | 409 | 422;
  readonly code: string;
  /** For 409 on a size mismatch: the size this witness last cosigned (sent as text/x.tlog.size). */
  readonly recordedSize: number | undefined;
  constructor(status: WitnessRefusal['status'], code: string, message: string, recordedSize?: number) {
    super(message);
    this.name = 'WitnessRefusal';
    this.status = status;
    this.code = code;
    this.recordedSize = recordedSize;
  }
}

export interface AddCheckpointRequest {
  oldSize: number;
  proof: Uint8Array[];
  /** The signed checkpoint note, as sent. */
  note: string;
}

/** Parses an add-checkpoint body: `old <size>`, proof lines (base64), an empty line, the signed note. */
export function parseAddCheckpointBody(body: Uint8Array): AddCheckpointRequest {
  const text = decodeUtf8(body);
  if (text === undefined) throw malformed('the body is not UTF-8');
  const lines: string[] = [];
  let at = 0;
  for (;;) {
    const nl = text.indexOf('\n', at);
    if (nl < 0) throw malformed('no empty line before the checkpoint');
    const line = text.slice(at, nl);
    at = nl + 1;
    if (line === '') break;
    lines.push(line);
  }
  const [oldLine, ...proofLines] = lines;
  const m = oldLine === undefined ? null : /^old (0|[1-9][0-9]*)$/.exec(oldLine);
  const oldSize = m ? parseDecimal(m[1]!, MAX_TREE_SIZE) : undefined;
  if (oldSize === undefined) throw malformed('the first line must be "old <size>"');
  if (proofLines.length > MAX_PROOF_LINES) throw malformed(`more than ${MAX_PROOF_LINES} proof lines`);
  const proof = proofLines.map((line) => {
    const hash = fromBase64(line);
    if (!hash || hash.length !== HASH_SIZE) throw malformed('a proof line is not a base64 SHA-256 hash');
    return hash;
  });
  const note = text.slice(at);
  if (note === '') throw malformed('no checkpoint after the empty line');
  return { oldSize, proof, note };
}

export function formatAddCheckpointBody(req: AddCheckpointRequest): string {
  return `old ${req.oldSize}\n${req.proof.map((h) => `${toBase64(h)}\n`).join('')}\n${req.note}`;
}

/** A note signature line, `— <name> base64(key id ‖ signature)` and a newline. */
export function signatureLine(signer: NoteSigner, text: string): string {
  const signature = signer.sign(utf8(text));
  return `— ${signer.name} ${toBase64(concatBytes(uint32BE(signer.keyId), signature))}\n`;
}

export function malformed(why: string): WitnessRefusal {
  return new WitnessRefusal(400, 'MALFORMED', `malformed add-checkpoint request: ${why}`);
}
