import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isLedgerError } from './errors.ts';
import { followKeyChain, keyForSize, openRotation, signRotation } from './key-rotation.ts';
import { formatVerifierKey } from './keys.ts';
import { ed25519NoteSigner, ed25519NoteVerifier, type NoteSigner } from './note.ts';

const ORIGIN = 'rotating-node.example';
const signer = (): NoteSigner => ed25519NoteSigner(ORIGIN, new Uint8Array(randomBytes(32)));
const verifier = (s: NoteSigner) => ed25519NoteVerifier(ORIGIN, s.publicKey);
const refusal = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    expect(isLedgerError(e) && e.code).toBe('KEY_ROTATION_REFUSED');
    return (e as Error).message;
  }
  throw new Error('not refused');
};

describe('key rotation notes', () => {
  const k0 = signer();
  const k1 = signer();
  const k2 = signer();
  const n1 = signRotation({ origin: ORIGIN, seq: 1, logSize: 10 }, k0, k1);
  const n2 = signRotation({ origin: ORIGIN, seq: 2, logSize: 25 }, k1, k2);

  it('a verifier that pinned the first key follows the chain to the current one; checkpoints verify with the key of their size', () => {
    const chain = followKeyChain(verifier(k0), [n1, n2]);
    expect(chain.keys.map(formatVerifierKey)).toEqual([k0, k1, k2].map((k) => formatVerifierKey(k)));
    expect(formatVerifierKey(keyForSize(chain, 10))).toBe(formatVerifierKey(k0));
    expect(formatVerifierKey(keyForSize(chain, 11))).toBe(formatVerifierKey(k1));
    expect(formatVerifierKey(keyForSize(chain, 25))).toBe(formatVerifierKey(k1));
    expect(formatVerifierKey(keyForSize(chain, 26))).toBe(formatVerifierKey(k2));
    // One that pinned the middle key starts there.
    expect(followKeyChain(verifier(k1), [n1, n2]).keys.map(formatVerifierKey)).toEqual(
      [k1, k2].map((k) => formatVerifierKey(k)),
    );
  });

  it('a note not signed by the pinned key, or not by its new key, or out of order, is refused', () => {
    const stranger = signer();
    // Signed by a stranger as the "old" key, naming k1's successor.
    const forged = signRotation({ origin: ORIGIN, seq: 1, logSize: 10 }, stranger, k1);
    expect(refusal(() => followKeyChain(verifier(k0), [forged]))).toMatch(
      /does not start from the key held now/,
    );
    // Names k0 as old key, but only the new key signed it (the old signature replaced by a stranger's).
    const lines = n1.split('\n');
    const k0Line = lines.findIndex((l) => l.startsWith(`— ${ORIGIN} `));
    const strangerNote = signRotation({ origin: ORIGIN, seq: 1, logSize: 10 }, stranger, k1).split('\n');
    const noOldSig = [...lines.slice(0, k0Line), strangerNote[k0Line]!, ...lines.slice(k0Line + 1)].join(
      '\n',
    );
    expect(refusal(() => openRotation(noOldSig, verifier(k0), 1))).toMatch(/not signed by the key held now/);
    // Signed by the old key only: the new key is not proven held.
    const oneSig = n1
      .split('\n')
      .filter((_, i) => i !== k0Line + 1)
      .join('\n');
    expect(refusal(() => openRotation(oneSig, verifier(k0), 1))).toMatch(/not signed by its new key/);
    expect(refusal(() => followKeyChain(verifier(k0), [n2]))).toMatch(
      /does not start from the key held now|expected rotation/,
    );
    expect(refusal(() => openRotation(n1.replace('\n10\n', '\n11\n'), verifier(k0), 1))).toMatch(
      /do not verify/,
    );
  });
});
