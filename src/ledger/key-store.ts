/**
 * Where the node's Ed25519 signing key lives. Every signature the node makes (checkpoints, packages,
 * domain signatures, witness cosignatures) goes through a `NodeKeyStore`; no other code touches the
 * private key's bytes. A hardware or cloud key store implements the same interface.
 *
 * `EncryptedKeyStore` keeps the key in the database only sealed: AES-256-GCM under a key held outside
 * the database — the 32 bytes of a key file (mode 0600), or a passphrase through scrypt — with a random
 * 96-bit nonce and the key's name and public key as associated data. One line of text:
 *
 *     homeward-sealed-key/v1 file <nonce> <ciphertext‖tag>
 *     homeward-sealed-key/v1 scrypt <log2 N> <r> <p> <salt> <nonce> <ciphertext‖tag>
 *
 * (base64 fields). The plaintext is the 32-byte Ed25519 seed.
 */
import {
  createCipheriv,
  createDecipheriv,
  createPrivateKey,
  type KeyObject,
  randomBytes,
  scryptSync,
} from 'node:crypto';
import { ed25519FromSeed, ed25519Sign, newEd25519Seed } from './ed25519.ts';

export interface NodeKeyStore {
  /** The key's name in signed notes: the node's name. */
  readonly name: string;
  /** The raw 32-byte Ed25519 public key. */
  readonly publicKey: Uint8Array;
  /** A pure Ed25519 signature over `message` (64 bytes). */
  sign(message: Uint8Array): Uint8Array;
}

/** The secret held outside the database that opens the sealed key. */
export type KeySecret =
  | { kind: 'file' /** the key file's 32 bytes */; key: Uint8Array }
  | { kind: 'passphrase'; passphrase: string };

export const MIN_PASSPHRASE_LENGTH = 16;
const FORMAT = 'homeward-sealed-key/v1';

/** A sealed key that does not open, or a secret that cannot be used: the message names no secret. */
export class KeyStoreError extends Error {}

// scrypt at 2^17 × 8 × 1 (128 MiB, a fraction of a second): OWASP's minimum is 2^17. Tests that seal
// with a passphrase lower it through enableCheapKeySealingForTests (src/app/test-setup.ts).
let scryptLogN = 17;

export function enableCheapKeySealingForTests(): void {
  scryptLogN = 10;
}

const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64');

function associatedData(name: string, publicKey: Uint8Array): Buffer {
  return Buffer.from(`${FORMAT}\n${name}\n${b64(publicKey)}\n`, 'utf8');
}

function scryptKey(passphrase: string, salt: Uint8Array, logN: number, r: number, p: number): Buffer {
  return scryptSync(passphrase.normalize('NFC'), salt, 32, {
    N: 2 ** logN,
    r,
    p,
    maxmem: 2 ** logN * r * 128 * 2 + 1024 * 1024,
  });
}

function checkSecret(secret: KeySecret): void {
  if (secret.kind === 'file' && secret.key.length !== 32)
    throw new KeyStoreError('a key file holds 32 bytes (base64 on one line)');
  if (secret.kind === 'passphrase' && [...secret.passphrase].length < MIN_PASSPHRASE_LENGTH)
    throw new KeyStoreError(`HOMEWARD_KEY_PASSPHRASE must have at least ${MIN_PASSPHRASE_LENGTH} characters`);
}

/** Seals a 32-byte Ed25519 seed under `secret`, bound to the key's name and public key. */
function seal(name: string, seed: Uint8Array, publicKey: Uint8Array, secret: KeySecret): string {
  checkSecret(secret);
  const nonce = randomBytes(12);
  let head: string[];
  let key: Buffer;
  if (secret.kind === 'file') {
    head = ['file'];
    key = Buffer.from(secret.key);
  } else {
    const salt = randomBytes(16);
    const [logN, r, p] = [scryptLogN, 8, 1];
    head = ['scrypt', String(logN), String(r), String(p), b64(salt)];
    key = scryptKey(secret.passphrase, salt, logN, r, p);
  }
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  cipher.setAAD(associatedData(name, publicKey));
  const body = Buffer.concat([cipher.update(seed), cipher.final(), cipher.getAuthTag()]);
  return [FORMAT, ...head, b64(nonce), b64(body)].join(' ');
}

const B64 = /^[A-Za-z0-9+/]+={0,2}$/;

function unseal(name: string, publicKey: Uint8Array, sealed: string, secret: KeySecret): Uint8Array {
  checkSecret(secret);
  const parts = sealed.split(' ');
  if (parts[0] !== FORMAT) throw new KeyStoreError('the sealed signing key is not in a known format');
  let key: Buffer;
  let rest: string[];
  if (parts[1] === 'file' && parts.length === 4) {
    if (secret.kind !== 'file')
      throw new KeyStoreError('this node keeps its signing key under a key file, not a passphrase');
    key = Buffer.from(secret.key);
    rest = parts.slice(2);
  } else if (parts[1] === 'scrypt' && parts.length === 8) {
    if (secret.kind !== 'passphrase')
      throw new KeyStoreError('this node keeps its signing key under a passphrase (HOMEWARD_KEY_PASSPHRASE)');
    const [logN, r, p] = parts.slice(2, 5).map(Number) as [number, number, number];
    if (
      ![logN, r, p].every(Number.isSafeInteger) ||
      logN < 1 ||
      logN > 22 ||
      r < 1 ||
      r > 32 ||
      p < 1 ||
      p > 16
    )
      throw new KeyStoreError('the sealed signing key has bad scrypt parameters');
    if (!B64.test(parts[5]!)) throw new KeyStoreError('the sealed signing key is not in a known format');
    key = scryptKey(secret.passphrase, Buffer.from(parts[5]!, 'base64'), logN, r, p);
    rest = parts.slice(6);
  } else {
    throw new KeyStoreError('the sealed signing key is not in a known format');
  }
  if (!rest.every((x) => B64.test(x)))
    throw new KeyStoreError('the sealed signing key is not in a known format');
  const nonce = Buffer.from(rest[0]!, 'base64');
  const body = Buffer.from(rest[1]!, 'base64');
  if (nonce.length !== 12 || body.length !== 32 + 16)
    throw new KeyStoreError('the sealed signing key is not in a known format');
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, nonce);
    decipher.setAAD(associatedData(name, publicKey));
    decipher.setAuthTag(body.subarray(32));
    return new Uint8Array(Buffer.concat([decipher.update(body.subarray(0, 32)), decipher.final()]));
  } catch {
    throw new KeyStoreError(
      secret.kind === 'file'
        ? "the key file does not open this node's signing key (another node's key file?)"
        : "the passphrase does not open this node's signing key",
    );
  }
}

/** The node's key, held decrypted in this process only; the database holds `sealed`. */
export class EncryptedKeyStore implements NodeKeyStore {
  readonly name: string;
  readonly publicKey: Uint8Array;
  readonly #privateKey: KeyObject;

  private constructor(name: string, seed: Uint8Array) {
    const { privateKey, publicKey } = ed25519FromSeed(seed);
    this.name = name;
    this.publicKey = publicKey;
    this.#privateKey = privateKey;
  }

  sign(message: Uint8Array): Uint8Array {
    return ed25519Sign(this.#privateKey, message);
  }

  /** A new key pair, and its seed sealed under `secret`. */
  static generate(name: string, secret: KeySecret): { store: EncryptedKeyStore; sealed: string } {
    const seed = newEd25519Seed();
    const store = new EncryptedKeyStore(name, seed);
    return { store, sealed: seal(name, seed, store.publicKey, secret) };
  }

  /** Opens `sealed`; throws KeyStoreError when the secret is wrong or the key is not `publicKey`. */
  static unlock(name: string, publicKey: Uint8Array, sealed: string, secret: KeySecret): EncryptedKeyStore {
    const store = new EncryptedKeyStore(name, unseal(name, publicKey, sealed, secret));
    if (!Buffer.from(store.publicKey).equals(Buffer.from(publicKey)))
      throw new KeyStoreError("the sealed signing key does not match the node's public key");
    return store;
  }

  /** Migration of a key kept in plaintext (PKCS #8 PEM, before migration 015): seal it under `secret`. */
  static fromPlaintext(
    name: string,
    pem: string,
    secret: KeySecret,
  ): { store: EncryptedKeyStore; sealed: string } {
    // PKCS #8 DER of an Ed25519 key ends with the 32-byte seed.
    const der = createPrivateKey(pem).export({ format: 'der', type: 'pkcs8' });
    const seed = new Uint8Array(der.subarray(der.length - 32));
    const store = new EncryptedKeyStore(name, seed);
    return { store, sealed: seal(name, seed, store.publicKey, secret) };
  }
}

const storeRef = (name: string, publicKeyBase64: string) => `${name}\n${publicKeyBase64}`;

/**
 * The node keys this process has opened for one database (src/db/ledger.ts keeps one per database,
 * never one per process): the database says which key the node uses now; only a process that was
 * given the secret can sign with it.
 */
export class NodeKeyRing {
  readonly #unlocked = new Map<string, NodeKeyStore>();
  // The secret each opened node key came with, so that a key rotated by another process (a PostgreSQL
  // node's `homeward key rotate` while it serves) opens here too: the same key file or passphrase
  // seals the new key.
  readonly #secrets = new Map<string, KeySecret>();

  register(store: NodeKeyStore): void {
    this.#unlocked.set(storeRef(store.name, b64(store.publicKey)), store);
  }

  /** The opened store for the node key `name` / `publicKeyBase64`, or undefined. */
  find(name: string, publicKeyBase64: string): NodeKeyStore | undefined {
    return this.#unlocked.get(storeRef(name, publicKeyBase64));
  }

  rememberSecret(name: string, secret: KeySecret): void {
    this.#secrets.set(name, secret);
  }

  rememberedSecret(name: string): KeySecret | undefined {
    return this.#secrets.get(name);
  }
}
