import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeUtf8, fromBase64, toBase64, utf8 } from './bytes.ts';
import { isLedgerError, type LedgerError } from './errors.ts';
import { canonicalBytes } from './jcs.ts';
import { formatVerifierKey, parseVerifierKey } from './keys.ts';
import { sha256 } from './merkle.ts';
import { ed25519NoteSigner, formatKeyId } from './note.ts';
import { createPackage, type NewPackage, type PackageExpectations, verifyPackage } from './package.ts';

const ua = ed25519NoteSigner('ua.homeward.example', new Uint8Array(32).fill(0x11));
const mediator = ed25519NoteSigner('mediator.example', new Uint8Array(32).fill(0x22));
const stranger = ed25519NoteSigner('stranger.example', new Uint8Array(32).fill(0x33));
const pin = (s: typeof ua) => parseVerifierKey(formatVerifierKey(s));

/** What the receiving node (ru) has pinned for its counterpart ua under this agreement. */
const atRu: PackageExpectations = {
  self: 'ru.homeward.example',
  pinnedKeys: [pin(ua), pin(mediator)],
  lastAccepted: () => undefined,
};

const base: NewPackage = {
  type: 'nomination',
  version: 1,
  recipients: ['ru.homeward.example', 'mediator.example'],
  sequence: 1,
  previous: null,
  createdAt: new Date('2025-05-20T10:00:00Z'),
  payload: { persons: [{ family: 'Шевченко', given: 'Тарас', serviceNumber: 'AB-1234' }], note: 'x\u2028y' },
};
const first = createPackage(base, ua);
const second = createPackage({ ...base, sequence: 2, previous: first.hash, payload: { persons: [] } }, ua);
const afterFirst: PackageExpectations = {
  ...atRu,
  lastAccepted: (sender) =>
    sender === `ua.homeward.example+${formatKeyId(ua.keyId)}` ? { sequence: 1, hash: first.hash } : undefined,
};

function refusal(f: () => unknown): LedgerError | undefined {
  try {
    f();
    return undefined;
  } catch (e) {
    if (isLedgerError(e)) return e;
    throw e;
  }
}

function editText(bytes: Uint8Array, from: string, to: string): Uint8Array {
  const text = decodeUtf8(bytes)!;
  expect(text).toContain(from);
  return utf8(text.replace(from, to));
}

describe('signed packages', () => {
  it('round-trip: the receiver gets the header, payload and hash the sender made', () => {
    const got = verifyPackage(first.bytes, atRu);
    expect(got.header).toEqual(first.package.header);
    expect(got.payload).toEqual(base.payload);
    expect(got.hash).toEqual(first.hash);
    expect(got.hash).toEqual(sha256(canonicalBytes(first.package.header)));
    expect(got.signedBy.map((k) => k.name)).toEqual(['ua.homeward.example']);
    expect(verifyPackage(second.bytes, afterFirst).header.sequence).toBe(2);
  });

  it('are canonical JSON files whose header commits to the payload', () => {
    const text = decodeUtf8(first.bytes)!;
    expect(text.startsWith('{"header":{"createdAt":"2025-05-20T10:00:00.000Z"')).toBe(true);
    expect(first.package.header.payloadSha256).toBe(toBase64(sha256(canonicalBytes(base.payload))));
  });

  it('carry co-signatures by other pinned keys, sender first', () => {
    const cosigned = createPackage(base, ua, [mediator]);
    expect(verifyPackage(cosigned.bytes, atRu).signedBy.map((k) => k.name)).toEqual([
      'ua.homeward.example',
      'mediator.example',
    ]);
    expect(cosigned.hash).toEqual(first.hash);
  });
});

describe('each refusal has its own code', () => {
  const cases: [string, () => unknown][] = [
    ['PACKAGE_REPLAYED', () => verifyPackage(first.bytes, afterFirst)],
    [
      'PACKAGE_GAP',
      () =>
        verifyPackage(createPackage({ ...base, sequence: 3, previous: second.hash }, ua).bytes, afterFirst),
    ],
    [
      'PACKAGE_CHAIN_BROKEN',
      () =>
        verifyPackage(
          createPackage({ ...base, sequence: 2, previous: sha256(utf8('other')) }, ua).bytes,
          afterFirst,
        ),
    ],
    ['PACKAGE_UNKNOWN_KEY', () => verifyPackage(first.bytes, { ...atRu, pinnedKeys: [pin(mediator)] })],
    ['PACKAGE_PAYLOAD_ALTERED', () => verifyPackage(editText(first.bytes, 'AB-1234', 'AB-1235'), atRu)],
    [
      'PACKAGE_BAD_SIGNATURE',
      () => {
        const signature = first.package.signatures[0]!.signature;
        const flipped = fromBase64(signature)!;
        flipped[10]! ^= 0x04;
        return verifyPackage(editText(first.bytes, signature, toBase64(flipped)), atRu);
      },
    ],
    [
      'PACKAGE_WRONG_RECIPIENT',
      () => verifyPackage(first.bytes, { ...atRu, self: 'other.homeward.example' }),
    ],
    ['PACKAGE_NOT_CANONICAL', () => verifyPackage(utf8(JSON.stringify(first.package, null, 2)), atRu)],
    ['PACKAGE_MALFORMED', () => verifyPackage(first.bytes.subarray(0, 100), atRu)],
  ];

  it.each(cases)('%s', (code, attempt) => {
    expect(refusal(attempt)?.code).toBe(code);
  });

  it('says whether a replay is the very package accepted last', () => {
    expect(refusal(cases[0]![1])?.details).toMatchObject({
      sameAsLast: true,
      sequence: 1,
      expected: 2,
    });
  });

  it('treats an altered header as a bad signature, and an unpinned co-signer as an unknown key', () => {
    const header = editText(first.bytes, '10:00:00.000Z', '10:00:01.000Z');
    expect(refusal(() => verifyPackage(header, atRu))?.code).toBe('PACKAGE_BAD_SIGNATURE');
    const withStranger = createPackage(base, ua, [stranger]);
    expect(refusal(() => verifyPackage(withStranger.bytes, atRu))?.code).toBe('PACKAGE_UNKNOWN_KEY');
  });

  it('refuses envelopes that are not exactly the schema', () => {
    const extraField = canonicalBytes({ ...first.package, note: 'unsigned' });
    const duplicateKey = editText(first.bytes, '{"header":{', '{"header":{"type":"x",');
    const noSenderSignature = canonicalBytes({
      ...first.package,
      signatures: createPackage(base, mediator).package.signatures,
    });
    expect(refusal(() => verifyPackage(extraField, atRu))?.code).toBe('PACKAGE_MALFORMED');
    expect(refusal(() => verifyPackage(duplicateKey, atRu))?.code).toBe('PACKAGE_NOT_CANONICAL');
    expect(refusal(() => verifyPackage(noSenderSignature, atRu))?.code).toBe('PACKAGE_MALFORMED');
    expect(refusal(() => createPackage({ ...base, sequence: 2 }, ua))?.code).toBe('PACKAGE_MALFORMED');
  });

  it('refuses any single changed byte', () => {
    fc.assert(
      fc.property(fc.nat(first.bytes.length - 1), fc.integer({ min: 1, max: 255 }), (at, delta) => {
        const altered = Uint8Array.from(first.bytes);
        altered[at] = (altered[at]! + delta) % 256;
        expect(refusal(() => verifyPackage(altered, atRu))).toBeDefined();
      }),
      { numRuns: 2000 },
    );
  });
});
