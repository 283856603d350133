/**
 * The audit kernel: hashes a range of log entries into leaf hashes and block roots, and optionally checks
 * one Ed25519 signature per entry. audit.ts runs it in this thread or in worker threads.
 *
 * Plain JavaScript on purpose: a worker starts in about 0.1 s without a TypeScript loader, where tsx
 * costs about 0.8 s per worker, a third of the audit budget. Hashing is RFC 6962 as in merkle.ts, and
 * audit.test.ts checks that both agree. Types are in audit-worker.d.ts.
 */
import { createPublicKey, hash, verify } from 'node:crypto';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';

const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/** @param {import('./audit-worker.d.ts').AuditJob} job */
export function auditRange(job) {
  const data = new Uint8Array(job.data);
  const offsets = new Float64Array(job.offsets);
  const leafHashes = new Uint8Array(job.leafHashes);
  const wanted = new Set(job.prefixSizes);
  const blockHashes = [];
  const prefixes = [];

  let scratch = Buffer.allocUnsafe(256);
  const node = Buffer.allocUnsafe(65);
  node[0] = 0x01;
  const hashNode = (left, right) => {
    node.set(left, 1);
    node.set(right, 33);
    return hash('sha256', node, 'buffer');
  };

  for (let block = job.from; block < job.to; block += job.blockSize) {
    const end = Math.min(block + job.blockSize, job.to);
    // A compact range of [block, i]: perfect subtrees, largest first, merged like a binary counter.
    const stack = [];
    for (let i = block; i < end; i++) {
      const start = offsets[i];
      const length = offsets[i + 1] - start;
      if (scratch.length < length + 1) scratch = Buffer.allocUnsafe(2 * (length + 1));
      scratch[0] = 0x00;
      scratch.set(data.subarray(start, start + length), 1);
      let h = hash('sha256', scratch.subarray(0, length + 1), 'buffer');
      leafHashes.set(h, i * 32);
      for (let count = i - block + 1; count % 2 === 0; count /= 2) h = hashNode(stack.pop(), h);
      stack.push(h);
      if (wanted.has(i + 1)) prefixes.push({ size: i + 1, hashes: stack.map((s) => new Uint8Array(s)) });
    }
    let root = stack[stack.length - 1];
    for (let s = stack.length - 2; s >= 0; s--) root = hashNode(stack[s], root);
    blockHashes.push(new Uint8Array(root));
  }

  const invalidSignatures = [];
  if (job.signatures) {
    const { publicKeys, keyIndex, signatures } = job.signatures;
    const keys = publicKeys.map((raw) =>
      createPublicKey({ key: Buffer.concat([SPKI_ED25519_PREFIX, raw]), format: 'der', type: 'spki' }),
    );
    const keyOf = new Uint32Array(keyIndex);
    const sigs = new Uint8Array(signatures);
    for (let i = job.from; i < job.to; i++) {
      const message = data.subarray(offsets[i], offsets[i + 1]);
      const key = keys[keyOf[i]];
      if (!key || !verify(null, message, key, sigs.subarray(i * 64, i * 64 + 64))) invalidSignatures.push(i);
    }
  }
  return { blockHashes, prefixes, invalidSignatures };
}

// Only a worker started by audit.ts runs a job; importing this module anywhere else does nothing.
if (!isMainThread && parentPort && workerData?.homewardAuditJob) {
  parentPort.postMessage(auditRange(workerData.homewardAuditJob));
}
