import { describe, expect, it } from 'vitest';
import { fromBase64, toBase64, utf8 } from './bytes.ts';
import { parseCheckpoint } from './checkpoint.ts';
import { cosignatureTimestamp } from './cosignature.ts';
import { ed25519FromSeed } from './ed25519.ts';
import { isLedgerError } from './errors.ts';
import {
  formatSignerKey,
  formatVerifierKey,
  generateKeyPair,
  parseSignerKey,
  parseVerifierKey,
} from './keys.ts';
import { hashLeaf } from './merkle.ts';
import {
  computeKeyId,
  ed25519NoteSigner,
  formatNote,
  MAX_NOTE_SIGNATURES,
  openNote,
  parseNote,
  SignatureType,
  signNote,
} from './note.ts';
import { readVector } from './test-vectors.ts';

interface SignedNoteVectors {
  vkeyIdChecks: { vkey: string }[];
  skeyVkeyPairs: { skey: string; vkey: string }[];
  notes: { name: string; note: string; vkeys: string[]; expectVerifiedBy: string[]; signWithSkey?: string }[];
  cosignatureTimestampVector: { signatureBase64: string; expectTimestamp: number };
  legacyGoSumdbTreeNoteGolden: { text: string; treeSize: number };
}

const v = readVector<SignedNoteVectors>('signed-note.json');

function codeOf(f: () => unknown): string {
  try {
    f();
    return 'ok';
  } catch (e) {
    if (isLedgerError(e)) return e.code;
    throw e;
  }
}

describe('verifier keys', () => {
  it.each(v.vkeyIdChecks.map((c) => c.vkey))('derives the key id of %s', (vkey) => {
    const verifier = parseVerifierKey(vkey);
    expect(formatVerifierKey(verifier)).toBe(vkey);
  });

  it('reads the type-0x04 witness key as a cosignature verifier', () => {
    const remora = v.vkeyIdChecks.find((c) => c.vkey.startsWith('remora.'))!.vkey;
    expect(parseVerifierKey(remora).type).toBe(SignatureType.cosignatureV1);
  });

  it('refuses a wrong key id, an unknown type and malformed strings', () => {
    const good = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
    expect(codeOf(() => parseVerifierKey(good.replace('c74f20a3', 'c74f20a4')))).toBe('KEY_ID_MISMATCH');
    expect(codeOf(() => parseVerifierKey(good.replace('PeterNeumann', 'PeterNeuman')))).toBe(
      'KEY_ID_MISMATCH',
    );
    const type2 = toBase64(new Uint8Array([2, ...new Uint8Array(32)]));
    expect(codeOf(() => parseVerifierKey(`x+00000000+${type2}`))).toBe('KEY_UNSUPPORTED');
    for (const bad of [
      'PeterNeumann',
      'PeterNeumann+c74f20a3',
      '+c74f20a3+AQ==',
      'a b+c74f20a3+AQ==',
      'x+c74f+AQ==',
    ]) {
      expect(
        codeOf(() => parseVerifierKey(bad)),
        bad,
      ).toBe('KEY_MALFORMED');
    }
    expect(codeOf(() => parseVerifierKey(`${good}=`))).toBe('KEY_MALFORMED');
  });
});

describe('signer keys', () => {
  it.each(v.skeyVkeyPairs)('derives $vkey from its signer key', ({ skey, vkey }) => {
    expect(formatVerifierKey(parseSignerKey(skey))).toBe(vkey);
  });

  it('round-trips a generated pair of each type', () => {
    for (const type of [SignatureType.ed25519, SignatureType.cosignatureV1]) {
      const { skey, vkey } = generateKeyPair('example.org/node', type);
      const signer = parseSignerKey(skey, { now: () => 1_700_000_000 });
      const note = signNote('hello\n', [signer]);
      expect(openNote(note, [parseVerifierKey(vkey)]).verified).toHaveLength(1);
    }
  });

  it('refuses a signer key whose id does not match its seed', () => {
    const seed = new Uint8Array(32).fill(7);
    const skey = formatSignerKey('a', SignatureType.ed25519, seed);
    expect(codeOf(() => parseSignerKey(skey.replace('PRIVATE+KEY+a+', 'PRIVATE+KEY+b+')))).toBe(
      'KEY_ID_MISMATCH',
    );
    expect(codeOf(() => parseSignerKey(skey.replace('PRIVATE', 'PUBLIC')))).toBe('KEY_MALFORMED');
  });
});

describe('signed notes that must verify', () => {
  it.each(v.notes)('$name', ({ note, vkeys, expectVerifiedBy, signWithSkey }) => {
    const opened = openNote(note, vkeys.map(parseVerifierKey));
    expect(opened.verified.map((s) => s.name)).toEqual(expectVerifiedBy);
    expect(opened.verified.length + opened.unknown.length).toBe(parseNote(note).signatures.length);
    if (signWithSkey) {
      // Ed25519 is deterministic: signing the text again reproduces the published line.
      const signer = parseSignerKey(signWithSkey);
      const line = signNote(opened.text, [signer]).slice(opened.text.length + 1);
      expect(note).toContain(line);
    }
  });

  it('parses the legacy Go sumdb tree note as a checkpoint body', () => {
    const golden = v.legacyGoSumdbTreeNoteGolden;
    const checkpoint = parseCheckpoint(golden.text);
    expect(checkpoint.origin).toBe('go.sum database tree');
    expect(checkpoint.size).toBe(golden.treeSize);
    expect(checkpoint.root).toEqual(hashLeaf(utf8('hello world')));
  });

  it('decodes the timestamp of a cosignature', () => {
    const { signatureBase64, expectTimestamp } = v.cosignatureTimestampVector;
    expect(cosignatureTimestamp(fromBase64(signatureBase64)!.subarray(4))).toBe(expectTimestamp);
  });
});

describe('refusing notes', () => {
  const sumdb = v.notes.find((n) => n.name === 'sum.golang.org checkpoint 35225469')!;
  const keys = sumdb.vkeys.map(parseVerifierKey);

  it('refuses an altered text or signature', () => {
    expect(codeOf(() => openNote(sumdb.note.replace('35225469', '35225470'), keys))).toBe(
      'NOTE_BAD_SIGNATURE',
    );
    const at = sumdb.note.indexOf('Az3grp') + 10;
    const swapped = sumdb.note[at] === 'B' ? 'C' : 'B';
    const tampered = `${sumdb.note.slice(0, at)}${swapped}${sumdb.note.slice(at + 1)}`;
    expect(codeOf(() => openNote(tampered, keys))).toBe('NOTE_BAD_SIGNATURE');
  });

  it('ignores unknown keys, including a known name with another id, but needs one known signature', () => {
    expect(codeOf(() => openNote(sumdb.note, []))).toBe('NOTE_UNVERIFIED');
    const otherKey = generateKeyPair('sum.golang.org').vkey;
    expect(codeOf(() => openNote(sumdb.note, [parseVerifierKey(otherKey)]))).toBe('NOTE_UNVERIFIED');
    const extra = ed25519NoteSigner('stranger', new Uint8Array(32).fill(1));
    const withStranger = signNote(parseNote(sumdb.note).text, [extra], parseNote(sumdb.note).signatures);
    expect(openNote(withStranger, keys).unknown.map((s) => s.name)).toEqual(['stranger']);
  });

  it('accepts 16 signatures and refuses 17', () => {
    const signers = Array.from({ length: MAX_NOTE_SIGNATURES + 1 }, (_, i) =>
      ed25519NoteSigner(`signer${i}`, new Uint8Array(32).fill(i)),
    );
    const vkeys = signers.map((s) => parseVerifierKey(formatVerifierKey(s)));
    const sixteen = signNote('text\n', signers.slice(0, MAX_NOTE_SIGNATURES));
    expect(openNote(sixteen, vkeys).verified).toHaveLength(MAX_NOTE_SIGNATURES);
    expect(codeOf(() => openNote(signNote('text\n', signers), vkeys))).toBe('NOTE_TOO_MANY_SIGNATURES');
  });

  it('drops a repeated signature and refuses ambiguous trusted keys', () => {
    const signer = ed25519NoteSigner('repeat', new Uint8Array(32).fill(3));
    const note = signNote('text\n', [signer]);
    const doubled = `${note}${note.slice('text\n\n'.length)}`;
    const key = parseVerifierKey(formatVerifierKey(signer));
    expect(openNote(doubled, [key]).verified).toHaveLength(1);
    expect(codeOf(() => openNote(note, [key, parseVerifierKey(formatVerifierKey(signer))]))).toBe(
      'KEY_AMBIGUOUS',
    );
  });

  it('refuses malformed notes', () => {
    const signer = ed25519NoteSigner('k', new Uint8Array(32).fill(5));
    const good = signNote('a\n', [signer]);
    const line = good.slice('a\n\n'.length);
    const cases = {
      'no blank line': `a\n${line}`,
      'no final newline': good.slice(0, -1),
      'control character': `a\u0007\n\n${line}`,
      'carriage return': `a\r\n\n${line}`,
      'hyphen, not em dash': `a\n\n- ${line.slice(2)}`,
      'space in base64': `a\n\n${line.slice(0, -5)} ${line.slice(-4)}`,
      'signature too short': `a\n\n— k ${toBase64(new Uint8Array(4))}\n`,
      'plus in name': `a\n\n— k+1 ${line.slice(4)}`,
      'empty signature block': 'a\n\n',
    };
    for (const [why, note] of Object.entries(cases))
      expect(
        codeOf(() => parseNote(note)),
        why,
      ).toBe('NOTE_MALFORMED');
    expect(codeOf(() => parseNote(new Uint8Array([0x61, 0xff, 0x0a, 0x0a])))).toBe('NOTE_MALFORMED');
  });
});

describe('key ids', () => {
  it('are SHA-256(name ‖ newline ‖ type ‖ key)[:4], so one key has different ids per type', () => {
    const { publicKey } = ed25519FromSeed(new Uint8Array(32));
    const asNote = computeKeyId('EnochRoot', SignatureType.ed25519, publicKey);
    expect(asNote.toString(16)).toBe('af0cfe78');
    expect(computeKeyId('EnochRoot', SignatureType.cosignatureV1, publicKey)).not.toBe(asNote);
  });

  it('formats a note from its parts', () => {
    const note = 'text\n\n— name AAAAAQE=\n';
    expect(formatNote(parseNote(note))).toBe(note);
  });
});
