/**
 * This node as a witness of other logs (c2sp.org/tlog-witness v1, `add-checkpoint`).
 *
 * For each trusted log (table witnessed_logs: origin, log key, latest cosigned size, root and note)
 * the witness cosigns a new checkpoint only if it is signed by the log's key and provably extends the
 * checkpoint it cosigned last. The check and the update of that record happen in one transaction
 * holding the row lock, so two concurrent requests can never roll the recorded size back or cosign
 * two forks. The witness key is the node's Ed25519 identity key, used as a cosignature/v1 (type 0x04)
 * key under the node's name.
 */
// One use case per file (see README.md); re-exported here for the routes and the CLI.

export { addCheckpoint } from './add-checkpoint.ts';
export { latestCosigned } from './latest-cosigned.ts';
export { listWitnessedLogs, type WitnessedLog } from './list-witnessed-logs.ts';
export { keyRefOfVkey, type TrustLogInput, trustLog } from './trust-log.ts';
export { listWitnessEvidence, type WitnessEvidence } from './witness-evidence.ts';
export { loadWitnessSigner, witnessVerifierKey } from './witness-key.ts';
export {
  type AddCheckpointRequest,
  formatAddCheckpointBody,
  MAX_PROOF_LINES,
  parseAddCheckpointBody,
  signatureLine,
  WitnessRefusal,
} from './witness-protocol.ts';
