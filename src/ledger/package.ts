/**
 * Signed packages: what one node sends another (nominations, manifests, handover records). The file is the
 * RFC 8785 canonical JSON of { header, payload, signatures }. Signatures cover the header only; the
 * header commits to the payload by its SHA-256, so an altered payload and an altered signature are told
 * apart. The package hash, SHA-256 of the canonical header, chains each sender's packages together and
 * is what the log records: a commitment, never the personal data in the payload.
 */
import { z } from 'zod';
import { bytesEqual, concatBytes, decodeUtf8, fromBase64, toBase64, utf8 } from './bytes.ts';
import { LedgerError } from './errors.ts';
import { canonicalBytes, canonicalize, type JsonValue } from './jcs.ts';
import { HASH_SIZE, sha256 } from './merkle.ts';
import { formatKeyId, isValidKeyName, type NoteSigner, type NoteVerifier, SignatureType } from './note.ts';

/** The media type of a package file, as a body posted to a peer inbox. */
export const PACKAGE_MEDIA_TYPE = 'application/vnd.homeward.package+json';

/** Prefixed to the canonical header before signing, so a package signature can never pass for another kind. */
export const PACKAGE_SIGNING_CONTEXT = 'homeward/package/v1\n';

const base64Of = (length: number) =>
  z.string().refine((s) => fromBase64(s)?.length === length, `must be the base64 of ${length} bytes`);
const KeyNameSchema = z.string().refine(isValidKeyName, 'must be a key name: non-empty, no spaces or +');
/** A key as signature lines name it: key name, +, 8 lowercase hex digits of key id. */
const KeyRefSchema = z
  .string()
  .regex(/^[^+]+\+[0-9a-f]{8}$/, 'must be name+keyid')
  .refine((s) => isValidKeyName(s.slice(0, -9)), 'bad key name');

export const PackageHeaderSchema = z
  .strictObject({
    /** What the payload is, e.g. "nomination"; the application defines the types. */
    type: z.string().regex(/^[a-z][a-z0-9._-]{0,63}$/),
    /** Version of that type's payload schema. */
    version: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
    sender: KeyRefSchema,
    recipients: z
      .array(KeyNameSchema)
      .min(1)
      .refine((r) => new Set(r).size === r.length, 'recipients must be distinct'),
    /** 1 for a sender's first package to this agreement, then +1 each time. */
    sequence: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
    /** Package hash of the sender's previous package; null for the first. */
    previous: base64Of(HASH_SIZE).nullable(),
    createdAt: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?Z$/, 'must be RFC 3339 UTC'),
    payloadSha256: base64Of(HASH_SIZE),
  })
  .refine((h) => (h.sequence === 1) === (h.previous === null), 'previous is null exactly for sequence 1');
export type PackageHeader = z.infer<typeof PackageHeaderSchema>;

export const PackageSignatureSchema = z.strictObject({ key: KeyRefSchema, signature: base64Of(64) });
export type PackageSignature = z.infer<typeof PackageSignatureSchema>;

export const SignedPackageSchema = z.strictObject({
  header: PackageHeaderSchema,
  payload: z.json(),
  signatures: z.array(PackageSignatureSchema).min(1),
});
export type SignedPackage = z.infer<typeof SignedPackageSchema>;

export interface NewPackage {
  type: string;
  version: number;
  recipients: string[];
  sequence: number;
  /** Hash of this sender's previous package, or null for its first. */
  previous: Uint8Array | null;
  createdAt: Date;
  payload: JsonValue;
}

export interface EncodedPackage {
  package: SignedPackage;
  /** The package file: canonical JSON, UTF-8. */
  bytes: Uint8Array;
  /** SHA-256 of the canonical header: the package's identity, its successor's `previous`, its log entry. */
  hash: Uint8Array;
}

export function packageHash(header: PackageHeader): Uint8Array {
  return sha256(canonicalBytes(header));
}

function signedMessage(header: PackageHeader): Uint8Array {
  return concatBytes(utf8(PACKAGE_SIGNING_CONTEXT), canonicalBytes(header));
}

function keyRef(key: { name: string; keyId: number }): string {
  return `${key.name}+${formatKeyId(key.keyId)}`;
}

/** Builds and signs a package; the sender signs first, co-signers (say, a mediator) after. */
export function createPackage(
  input: NewPackage,
  sender: NoteSigner,
  coSigners: readonly NoteSigner[] = [],
): EncodedPackage {
  const signers = [sender, ...coSigners];
  if (signers.some((s) => s.type !== SignatureType.ed25519)) {
    throw new LedgerError('PACKAGE_MALFORMED', 'packages are signed with Ed25519 (type 0x01) keys');
  }
  const header = parse(PackageHeaderSchema, {
    type: input.type,
    version: input.version,
    sender: keyRef(sender),
    recipients: input.recipients,
    sequence: input.sequence,
    previous: input.previous === null ? null : toBase64(input.previous),
    createdAt: input.createdAt.toISOString(),
    payloadSha256: toBase64(sha256(canonicalBytes(input.payload))),
  });
  const message = signedMessage(header);
  const signatures = signers.map((s) => ({ key: keyRef(s), signature: toBase64(s.sign(message)) }));
  const pkg = parse(SignedPackageSchema, { header, payload: input.payload, signatures });
  return { package: pkg, bytes: canonicalBytes(pkg), hash: packageHash(header) };
}

export interface PackageExpectations {
  /** This node's key name; it must be among the recipients. */
  self: string;
  /** Keys pinned for this counterpart under the agreement (and its mediators); no other key is trusted. */
  pinnedKeys: readonly NoteVerifier[];
  /** The last package accepted from a sender (by its name+keyid), or undefined before its first. */
  lastAccepted: (sender: string) => { sequence: number; hash: Uint8Array } | undefined;
}

export interface VerifiedPackage {
  header: PackageHeader;
  payload: JsonValue;
  hash: Uint8Array;
  /** The pinned keys whose signatures verified, the sender's first. */
  signedBy: NoteVerifier[];
}

/**
 * Verifies a received package file. Checks run from the bytes outwards: form, keys, signatures, payload
 * digest, then whether it is meant for us and fits the sender's sequence, so that an unsigned package
 * learns nothing about our state. Each refusal has its own code (see errors.ts).
 */
export function verifyPackage(bytes: Uint8Array, expect: PackageExpectations): VerifiedPackage {
  const text = decodeUtf8(bytes);
  if (text === undefined) throw malformed('not UTF-8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw malformed('not JSON');
  }
  let canonical: string;
  try {
    canonical = canonicalize(json);
  } catch {
    throw malformed('holds a value with no canonical form');
  }
  // Duplicate keys, whitespace or other number spellings could let two parsers read different packages.
  if (canonical !== text)
    throw new LedgerError('PACKAGE_NOT_CANONICAL', 'package bytes are not canonical JSON');
  const pkg = parse(SignedPackageSchema, json);
  const { header } = pkg;

  const pinned = expect.pinnedKeys.filter((k) => k.type === SignatureType.ed25519);
  const findKey = (ref: string) => pinned.find((k) => keyRef(k) === ref);
  if (!findKey(header.sender)) throw unknownKey(header.sender);
  const signatures = new Map(pkg.signatures.map((s) => [s.key, fromBase64(s.signature)!]));
  if (signatures.size !== pkg.signatures.length) throw malformed('two signatures by the same key');
  if (!signatures.has(header.sender)) throw malformed('not signed by its sender');

  const message = signedMessage(header);
  const signedBy: NoteVerifier[] = [];
  for (const ref of [header.sender, ...[...signatures.keys()].filter((r) => r !== header.sender)]) {
    const key = findKey(ref);
    if (!key) throw unknownKey(ref);
    if (!key.verify(message, signatures.get(ref)!)) {
      throw new LedgerError('PACKAGE_BAD_SIGNATURE', `signature by ${ref} does not verify`, { key: ref });
    }
    signedBy.push(key);
  }

  if (!bytesEqual(sha256(canonicalBytes(pkg.payload)), fromBase64(header.payloadSha256)!)) {
    throw new LedgerError('PACKAGE_PAYLOAD_ALTERED', 'payload does not match the digest its sender signed');
  }
  if (!header.recipients.includes(expect.self)) {
    throw new LedgerError('PACKAGE_WRONG_RECIPIENT', `package is not addressed to ${expect.self}`);
  }

  const hash = packageHash(header);
  const last = expect.lastAccepted(header.sender);
  const expected = (last?.sequence ?? 0) + 1;
  const details = { sender: header.sender, sequence: header.sequence, expected };
  if (header.sequence < expected) {
    const sameAsLast = last !== undefined && bytesEqual(hash, last.hash);
    throw new LedgerError('PACKAGE_REPLAYED', `sequence ${header.sequence} was already accepted`, {
      ...details,
      sameAsLast,
    });
  }
  if (header.sequence > expected) {
    throw new LedgerError('PACKAGE_GAP', `sequence ${header.sequence} skips ahead of ${expected}`, details);
  }
  if (last && !bytesEqual(fromBase64(header.previous!)!, last.hash)) {
    throw new LedgerError(
      'PACKAGE_CHAIN_BROKEN',
      'previous-package hash is not the last accepted package',
      details,
    );
  }
  return { header, payload: pkg.payload as JsonValue, hash, signedBy };
}

function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (!result.success) {
    const issues = result.error.issues.map((i) => `${i.path.join('.') || '(package)'}: ${i.message}`);
    throw new LedgerError('PACKAGE_MALFORMED', `malformed package: ${issues[0]}`, { issues });
  }
  return result.data;
}

function malformed(why: string): LedgerError {
  return new LedgerError('PACKAGE_MALFORMED', `malformed package: ${why}`);
}

function unknownKey(ref: string): LedgerError {
  return new LedgerError('PACKAGE_UNKNOWN_KEY', `key ${ref} is not pinned for this counterpart`, {
    key: ref,
  });
}
