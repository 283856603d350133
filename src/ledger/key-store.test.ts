import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ed25519PublicKey, ed25519Verify } from './ed25519.ts';
import { EncryptedKeyStore, type KeySecret, KeyStoreError } from './key-store.ts';

const fileSecret = (): KeySecret => ({ kind: 'file', key: new Uint8Array(randomBytes(32)) });
const message = new TextEncoder().encode('homeward test message');

describe('EncryptedKeyStore', () => {
  it('seals a new key under a key file: the sealed text holds no key bytes, and it opens only with that file', () => {
    const secret = fileSecret();
    const { store, sealed } = EncryptedKeyStore.generate('node.example', secret);
    expect(sealed).toMatch(/^homeward-sealed-key\/v1 file [A-Za-z0-9+/=]+ [A-Za-z0-9+/=]+$/);
    const opened = EncryptedKeyStore.unlock('node.example', store.publicKey, sealed, secret);
    const signature = opened.sign(message);
    expect(ed25519Verify(ed25519PublicKey(store.publicKey), message, signature)).toBe(true);
    expect(Buffer.from(store.sign(message)).equals(Buffer.from(signature))).toBe(true);
    expect(() => EncryptedKeyStore.unlock('node.example', store.publicKey, sealed, fileSecret())).toThrow(
      KeyStoreError,
    );
    // The node name is associated data: the sealed key of one node does not open as another's.
    expect(() => EncryptedKeyStore.unlock('other.example', store.publicKey, sealed, secret)).toThrow(
      KeyStoreError,
    );
    // Nothing of the store's own shape exposes the key.
    expect(JSON.stringify(opened)).not.toMatch(/privateKey|seed/i);
    expect(Object.keys(opened).sort()).toEqual(['name', 'publicKey']);
  });

  it('seals under a passphrase with scrypt at N = 2^17 by default (this file runs without the test setup)', () => {
    const secret: KeySecret = { kind: 'passphrase', passphrase: 'correct horse battery staple' };
    const { store, sealed } = EncryptedKeyStore.generate('node.example', secret);
    expect(sealed.split(' ').slice(1, 5)).toEqual(['scrypt', '17', '8', '1']);
    const opened = EncryptedKeyStore.unlock('node.example', store.publicKey, sealed, secret);
    expect(Buffer.from(opened.publicKey).equals(Buffer.from(store.publicKey))).toBe(true);
    expect(() =>
      EncryptedKeyStore.unlock('node.example', store.publicKey, sealed, {
        kind: 'passphrase',
        passphrase: 'correct horse battery stapler',
      }),
    ).toThrow(/passphrase does not open/);
    expect(() => EncryptedKeyStore.unlock('node.example', store.publicKey, sealed, fileSecret())).toThrow(
      /under a passphrase/,
    );
  });

  it('refuses a short passphrase and a key file of the wrong size', () => {
    expect(() =>
      EncryptedKeyStore.generate('n.example', { kind: 'passphrase', passphrase: 'fifteen chars!!' }),
    ).toThrow(/at least 16/);
    expect(() => EncryptedKeyStore.generate('n.example', { kind: 'file', key: new Uint8Array(31) })).toThrow(
      /32 bytes/,
    );
  });

  it('any change to the sealed text fails to open, with a KeyStoreError', () => {
    const secret = fileSecret();
    const { store, sealed } = EncryptedKeyStore.generate('node.example', secret);
    fc.assert(
      fc.property(fc.nat(sealed.length - 1), fc.integer({ min: 1, max: 127 }), (at, delta) => {
        const changed =
          sealed.slice(0, at) +
          String.fromCharCode((sealed.charCodeAt(at) + delta) % 128) +
          sealed.slice(at + 1);
        fc.pre(changed !== sealed);
        let opened: EncryptedKeyStore | undefined;
        try {
          opened = EncryptedKeyStore.unlock('node.example', store.publicKey, changed, secret);
        } catch (e) {
          expect(e).toBeInstanceOf(KeyStoreError);
        }
        // base64 padding bits may change without changing the bytes: then it is the same key.
        if (opened)
          expect(Buffer.from(opened.sign(message)).equals(Buffer.from(store.sign(message)))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('a plaintext PEM key (before migration 015) is sealed and signs as before', async () => {
    const { generateKeyPairSync } = await import('node:crypto');
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    const raw = new Uint8Array(publicKey.export({ format: 'der', type: 'spki' }).subarray(-32));
    const secret = fileSecret();
    const { store, sealed } = EncryptedKeyStore.fromPlaintext('old.example', pem, secret);
    expect(Buffer.from(store.publicKey).equals(Buffer.from(raw))).toBe(true);
    expect(sealed).not.toContain(pem.split('\n')[1]!);
    const opened = EncryptedKeyStore.unlock('old.example', raw, sealed, secret);
    expect(ed25519Verify(ed25519PublicKey(raw), message, opened.sign(message))).toBe(true);
  });
});
