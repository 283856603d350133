import { describe, expect, it } from 'vitest';
import { decodeUtf8, toHex, utf8 } from './bytes.ts';
import { cosignatureMessage, cosignatureSigner, cosignatureTimestamp } from './cosignature.ts';
import { isLedgerError } from './errors.ts';
import { formatVerifierKey, parseVerifierKey } from './keys.ts';
import { ed25519NoteVerifier, openNote, parseNote, signNote } from './note.ts';
import { hex, readVector } from './test-vectors.ts';

interface CosignatureVector {
  name: string;
  witnessName: string;
  witnessSeedHex: string;
  witnessPublicKeyHex: string;
  witnessVkey: string;
  timestamp: number;
  checkpointBody: string;
  signedMessage: string;
  signatureLine: string;
}

const { vectors } = readVector<{ vectors: CosignatureVector[] }>('cosignature-v1.json');

describe('cosignature/v1 vectors', () => {
  it.each(vectors)('$name: key, signed message and signature line byte for byte', (vec) => {
    const signer = cosignatureSigner(vec.witnessName, hex(vec.witnessSeedHex), () => vec.timestamp);
    expect(toHex(signer.publicKey)).toBe(vec.witnessPublicKeyHex);
    expect(formatVerifierKey(signer)).toBe(vec.witnessVkey);
    expect(decodeUtf8(cosignatureMessage(utf8(vec.checkpointBody), vec.timestamp))).toBe(vec.signedMessage);

    const note = signNote(vec.checkpointBody, [signer]);
    expect(note).toBe(`${vec.checkpointBody}\n${vec.signatureLine}\n`);
    const opened = openNote(note, [parseVerifierKey(vec.witnessVkey)]);
    expect(cosignatureTimestamp(opened.verified[0]!.signature)).toBe(vec.timestamp);
  });

  it('refuses a cosignature whose timestamp was changed', () => {
    const vec = vectors[0]!;
    const note = `${vec.checkpointBody}\n${vec.signatureLine}\n`;
    const sig = parseNote(note).signatures[0]!;
    const stamped = Uint8Array.from(sig.signature);
    stamped[7]! ^= 1;
    const altered = signNote(vec.checkpointBody, [], [{ ...sig, signature: stamped }]);
    let code = 'ok';
    try {
      openNote(altered, [parseVerifierKey(vec.witnessVkey)]);
    } catch (e) {
      code = isLedgerError(e) ? e.code : 'thrown';
    }
    expect(code).toBe('NOTE_BAD_SIGNATURE');
  });

  it('is not mistaken for a plain Ed25519 signature by the same key (the type byte changes the key id)', () => {
    const vec = vectors[1]!;
    const note = `${vec.checkpointBody}\n${vec.signatureLine}\n`;
    const plain = ed25519NoteVerifier(vec.witnessName, hex(vec.witnessPublicKeyHex));
    let code = 'ok';
    try {
      openNote(note, [plain]);
    } catch (e) {
      code = isLedgerError(e) ? e.code : 'thrown';
    }
    expect(code).toBe('NOTE_UNVERIFIED');
  });
});
