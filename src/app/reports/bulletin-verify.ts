/**
 * The verifiable public bulletin: a bulletin (src/domain/exchange/bulletin.ts) packaged with what
 * anyone needs to check it offline, with no node:
 *
 * - the disclosures (salted leaves) that recount every number and hash to each stage's commitment;
 * - the publishing node's log key, and an inclusion proof (c2sp.org/tlog-proof@v1) of the log entry
 *   `exchange.bulletin` committing to the bulletin's hash, ending in the node's signed checkpoint with
 *   the witnesses' cosignatures; the witnesses' keys and the quorum the node claims;
 * - the signed packages in which each party and the mediator signed the agreement's hash and, per
 *   stage, the reconciliation hash (the stage confirmation), and the keys they were signed with.
 *
 * Pure: no database, no I/O. Keys inside the file make it self-consistent; pass the keys you trust
 * (`logKey`, `witnessKeys`, `signerKeys`) to make it authentic.
 */
import { z } from 'zod';
import {
  BulletinSchema,
  bulletinHash,
  DisclosureSchema,
  verifyBulletin,
} from '../../domain/exchange/bulletin.ts';
import { fromBase64 } from '../../ledger/bytes.ts';
import { encodeLogEntry } from '../../ledger/entry.ts';
import { isLedgerError } from '../../ledger/errors.ts';
import { followKeyChain } from '../../ledger/key-rotation.ts';
import { formatVerifierKey, parseVerifierKey } from '../../ledger/keys.ts';
import { hashLeaf } from '../../ledger/merkle.ts';
import type { NoteVerifier } from '../../ledger/note.ts';
import { PackageHeaderSchema, verifyPackage } from '../../ledger/package.ts';
import { verifyTlogProof } from '../../ledger/proof-bundle.ts';
import {
  AGREEMENT_SIGNATURE_PACKAGE_TYPE,
  CONFIRMATION_PACKAGE_TYPE,
  ConfirmationPayloadSchema,
} from '../peers/package-types.ts';

export const VERIFIABLE_BULLETIN_FORMAT = 'homeward/verifiable-bulletin/v1';
export const BULLETIN_LOG_KIND = 'exchange.bulletin';
export const AgreementSignaturePayloadSchema = z.object({
  agreementHash: z.string().regex(/^[0-9a-f]{64}$/),
  signature: z.object({ signer: z.string(), role: z.enum(['party', 'mediator']) }).loose(),
});

export const VerifiableBulletinSchema = z.object({
  format: z.literal(VERIFIABLE_BULLETIN_FORMAT),
  bulletin: z.unknown(),
  disclosures: z.unknown(),
  log: z.object({
    /** The publishing node's verifier key (its name is the log's origin). */
    key: z.string(),
    /** tlog-proof of the `exchange.bulletin` entry committing to the bulletin's hash. */
    proof: z.string(),
    witnesses: z.array(z.object({ name: z.string(), key: z.string() })),
    quorum: z.number().int().nonnegative(),
    /** The node's key rotation notes (src/ledger/key-rotation.ts), when its key was ever rotated. */
    rotations: z.array(z.string()).optional(),
  }),
  /** Who signs confirmations: the agreement's party and mediator ids with their package keys. */
  signers: z.array(z.object({ id: z.string(), role: z.enum(['party', 'mediator']), key: z.string() })),
  /** The packages in which each party and mediator signed the agreement's hash. */
  agreementSignatures: z.array(z.string()),
  /** Per stage, the confirmation packages (canonical JSON text of each package file). */
  confirmations: z.array(z.object({ stageId: z.string(), packages: z.array(z.string()) })),
});
export type VerifiableBulletin = z.infer<typeof VerifiableBulletinSchema>;

/**
 * A verifiable bulletin as this node publishes it (src/app/reports/bulletin.ts): the bulletin and its
 * disclosures in their own schemas. The verifier above takes them as unknown and checks them itself;
 * GET /api/public/bulletin documents and serves this shape.
 */
export const PublishedVerifiableBulletinSchema = VerifiableBulletinSchema.extend({
  bulletin: BulletinSchema,
  disclosures: z.array(DisclosureSchema),
});
export type PublishedVerifiableBulletin = z.infer<typeof PublishedVerifiableBulletinSchema>;

export interface VerifyOptions {
  /** The log key to trust (default: the key in the file). */
  logKey?: string;
  /** Witness keys to trust (default: those in the file). */
  witnessKeys?: string[];
  /** Cosignatures required (default: the file's quorum, at least 1). */
  quorum?: number;
}

export interface VerifiableBulletinResult {
  ok: boolean;
  problems: string[];
  summary?: string;
}

/** The log entry's leaf hash for a bulletin: the entry `exchange.bulletin` committing to its hash. */
export function bulletinLeafHash(bulletinHashHex: string): Uint8Array {
  return hashLeaf(
    encodeLogEntry({
      kind: BULLETIN_LOG_KIND,
      commitment: Uint8Array.from(Buffer.from(bulletinHashHex, 'hex')),
    }),
  );
}

function key(vkey: string, what: string): NoteVerifier {
  try {
    return parseVerifierKey(vkey);
  } catch {
    throw new Error(`${what} is not a verifier key`);
  }
}

/**
 * The verifiable bulletin in a document: the document itself (bulletin.json, as the bulletin page
 * downloads it from GET /api/public/bulletin.json), or the `verifiable` member of the answer of
 * GET /api/public/bulletin. Anything else is returned as it is (and fails verification).
 */
export function verifiableOf(document: unknown): unknown {
  const d = document as { format?: unknown; verifiable?: { format?: unknown } } | null;
  if (
    d &&
    typeof d === 'object' &&
    d.format === undefined &&
    d.verifiable?.format === VERIFIABLE_BULLETIN_FORMAT
  )
    return d.verifiable;
  return document;
}

/** Checks every count, commitment, signature and proof; reports every problem found, never throws. */
export function verifyVerifiableBulletin(input: unknown, opts: VerifyOptions = {}): VerifiableBulletinResult {
  const parsed = VerifiableBulletinSchema.safeParse(input);
  if (!parsed.success) return { ok: false, problems: ['the file is not a homeward/verifiable-bulletin/v1'] };
  const file = parsed.data;
  const problems: string[] = [];

  // 1. Counts and commitments: recount every cell from the disclosed leaves.
  const recount = verifyBulletin(file.bulletin, file.disclosures);
  problems.push(...recount.problems.map((p) => `count: ${p}`));
  const bulletin = BulletinSchema.safeParse(file.bulletin);
  if (!bulletin.success) return { ok: false, problems };
  const b = bulletin.data;

  // 2. The log: the node's signed checkpoint, the witnesses' cosignatures, the entry's inclusion.
  let cosigned = 0;
  let size = 0;
  try {
    const logKey = key(opts.logKey ?? file.log.key, 'the log key');
    // A trusted key older than the file's: follow the node's rotation notes from it to the file's key.
    let logKeys = [logKey];
    if (opts.logKey && opts.logKey !== file.log.key) {
      const chain = followKeyChain(logKey, file.log.rotations ?? []);
      logKeys = chain.keys;
      if (!chain.keys.some((k) => formatVerifierKey(k) === file.log.key))
        problems.push('log: the file names another log key than the one trusted');
    }
    const witnessKeys = (opts.witnessKeys ?? file.log.witnesses.map((w) => w.key)).map((k) =>
      key(k, 'a witness key'),
    );
    const { checkpoint } = verifyTlogProof(file.log.proof, bulletinLeafHash(bulletinHash(b)), {
      origin: logKey.name,
      logKeys,
      witnessKeys,
    });
    size = checkpoint.checkpoint.size;
    cosigned = new Set(checkpoint.cosignatures.map((c) => c.verifier.name)).size;
    const quorum = opts.quorum ?? Math.max(1, file.log.quorum);
    if (cosigned < quorum)
      problems.push(`log: checkpoint cosigned by ${cosigned} witness(es), quorum ${quorum}`);
  } catch (e) {
    problems.push(`log: ${isLedgerError(e) || e instanceof Error ? e.message : String(e)}`);
  }

  // 3. Stage confirmations: each party and a mediator signed the stage's reconciliation hash.
  const signerKeys = new Map<string, NoteVerifier>();
  for (const s of file.signers) {
    try {
      signerKeys.set(s.id, key(s.key, `the key of ${s.id}`));
    } catch (e) {
      problems.push(`confirmation: ${(e as Error).message}`);
    }
  }
  const parties = b.agreement.parties.map((p) => p.id);
  const agreementSigned = new Map<string, string>();
  for (const text of file.agreementSignatures) {
    const v = checkSignedPackage(
      text,
      signerKeys,
      file.signers,
      AGREEMENT_SIGNATURE_PACKAGE_TYPE,
      (payload) => {
        const p = AgreementSignaturePayloadSchema.parse(payload);
        return { signer: p.signature.signer, role: p.signature.role, hash: p.agreementHash };
      },
    );
    if (typeof v === 'string') problems.push(`agreement: ${v}`);
    else if (v.hash !== b.agreement.hash) problems.push(`agreement: ${v.signer} signed another agreement`);
    else agreementSigned.set(v.signer, v.role);
  }
  for (const p of parties)
    if (agreementSigned.get(p) !== 'party') problems.push(`agreement: no valid signature by ${p}`);
  if (![...agreementSigned.values()].includes('mediator'))
    problems.push('agreement: no valid signature by a mediator');

  for (const st of b.stages) {
    const c = file.confirmations.find((x) => x.stageId === st.stageId);
    const signed = new Map<string, string>();
    for (const text of c?.packages ?? []) {
      const v = checkSignedPackage(text, signerKeys, file.signers, CONFIRMATION_PACKAGE_TYPE, (payload) => {
        const p = ConfirmationPayloadSchema.parse(payload);
        return { signer: p.signer, role: p.role, hash: p.reconciliationHash, stageId: p.stageId };
      });
      if (typeof v === 'string') {
        problems.push(`confirmation: stage ${st.stageId}: ${v}`);
        continue;
      }
      if (v.stageId !== st.stageId || v.hash !== st.confirmation) {
        problems.push(`confirmation: stage ${st.stageId}: ${v.signer} signed another reconciliation`);
        continue;
      }
      signed.set(v.signer, v.role);
    }
    for (const p of parties)
      if (signed.get(p) !== 'party')
        problems.push(`confirmation: stage ${st.stageId}: no valid signature by ${p}`);
    if (![...signed.values()].includes('mediator'))
      problems.push(`confirmation: stage ${st.stageId}: no valid signature by a mediator`);
  }

  if (problems.length > 0) return { ok: false, problems };
  const total = (direction: string) =>
    b.cumulative.find(
      (c) =>
        c.metric.direction === direction &&
        c.metric.exchange === 'in' &&
        c.metric.subject === 'persons' &&
        c.metric.class === 'all',
    )?.value ?? 0;
  const summary =
    `bulletin "${b.agreement.title}" verified: ${b.stages.length} stage(s), ` +
    `${b.agreement.parties.map((p) => `${total(p.id)} to ${p.name}`).join(', ')}; ` +
    `log entry in checkpoint of size ${size}, cosigned by ${cosigned} witness(es)`;
  return { ok: true, problems: [], summary };
}

interface SignedClaim {
  signer: string;
  role: 'party' | 'mediator';
  hash: string;
  stageId?: string;
}

/** A package of `type` signed by the key of the signer its payload names, in the role it claims. */
function checkSignedPackage(
  text: string,
  keys: Map<string, NoteVerifier>,
  signers: VerifiableBulletin['signers'],
  type: string,
  read: (payload: unknown) => SignedClaim,
): SignedClaim | string {
  let header: z.infer<typeof PackageHeaderSchema>;
  let claim: SignedClaim;
  try {
    const json = JSON.parse(text) as { header?: unknown; payload?: unknown };
    header = PackageHeaderSchema.parse(json.header);
    claim = read(json.payload);
  } catch {
    return 'a package is malformed';
  }
  if (header.type !== type) return `a package is not of type ${type}`;
  const k = keys.get(claim.signer);
  const role = signers.find((s) => s.id === claim.signer)?.role;
  if (!k || role !== claim.role) return `no key for ${claim.signer} as ${claim.role}`;
  try {
    // Its place in the sender's sequence is checked by the recipients; here: signature and digest.
    const previous = header.previous === null ? undefined : fromBase64(header.previous)!;
    verifyPackage(new TextEncoder().encode(text), {
      self: header.recipients[0]!,
      pinnedKeys: [k],
      lastAccepted: () => previous && { sequence: header.sequence - 1, hash: previous },
    });
  } catch (e) {
    return `the package signed by ${claim.signer}: ${(e as Error).message}`;
  }
  return claim;
}
