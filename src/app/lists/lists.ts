/**
 * Lists and negotiation in the node (migration 007; domain in src/domain/exchange/list.ts and
 * counterpart.ts).
 *
 * Each exchange has four lists seen from this node: our request, our offer, their request, their
 * offer. A list is a chain of versions (`parentHash` = the domain `listHash` of version n-1); a new
 * version follows only a signed one. Signing freezes a version (a trigger refuses any later update)
 * and records its hash in the transparency log (kind `list.signed`). Responses per entry are a
 * separate, append-only record over a signed version.
 *
 * A counterpart that does not run Homeward sends a CSV/XLSX; `importCounterpartList` reads it all or
 * nothing (every bad row by line and column), keeps each row verbatim (invariant 6), matches it
 * against the registry with the matching engine and stores the flags of `flagImportedList` beside it
 * (matched with score and explanation, ambiguous, unknown, already released from the person's fate
 * status, ineligible for the claimed category or eligibility unknown, duplicate within the list).
 *
 * Which party is "us": the node's party setting (src/app/node/node-party.ts), one of the agreement's two
 * parties.
 *
 * One use case per file (see README.md); this module re-exports them for the routes, the CLI and the demo.
 */

export { createListVersion, type NewListVersion } from './create-list-version.ts';
export { diffListVersions } from './diff-list-versions.ts';
export {
  type ImportListInput,
  type ImportListResult,
  importCounterpartList,
} from './import-counterpart-list.ts';
export { listListVersions } from './list-list-versions.ts';
export { AMBIGUITY_MARGIN, matchOutcomeOf } from './list-matching.ts';
export {
  LIST_SIGNED_LOG_KIND,
  type ListEntryView,
  type ListKindName,
  ListKindNames,
  type ListVersionDetail,
  type ListVersionSummary,
} from './list-rows.ts';
export { loadDomainListVersion, loadListVersion } from './load-list-version.ts';
export { type ResponsesInput, recordListResponses } from './record-list-responses.ts';
export { signListVersion } from './sign-list-version.ts';
export { verifyStoredListChain } from './verify-list-chain.ts';
