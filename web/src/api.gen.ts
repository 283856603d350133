// Generated from the server's OpenAPI document (GET /api/openapi.json) by openapi-typescript.
// Do not edit: `npm run gen:api` rewrites it, and a test fails when it is stale.

export type paths = {
    "/.well-known/homeward-node": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The node's name, the party it acts as in agreements, and its Ed25519 public key */
        get: operations["getNodeIdentity"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/agreements": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Proposed agreement versions whose exchange has not started under them: who signed, who is awaited, and whether this node may sign */
        get: operations["listPendingAgreements"];
        put?: never;
        /** Propose an unsigned agreement version for a new exchange and send it to the other signers (every signer’s key pinned for the agreement first; coordinator). 422 with the fields that are wrong, 409 if the exchange runs already */
        post: operations["proposeAgreement"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/exchanges": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Exchanges of this node, newest first, with the status of each stage */
        get: operations["listExchanges"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/exchanges/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One exchange with every stage and its reconciliation: planned, on manifest, presented, handed over, pending and discrepancies per direction × category, derived from the handover records */
        get: operations["getExchange"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/exchanges/{id}/agreement": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The agreement an exchange runs under: parties, mediators, categories (predicates as text), ratio, all-for-all and ordering rules, targets with progress derived from the handover records, conditions, hash, signatures, whether it is in force, and the agreement-level warnings */
        get: operations["getAgreement"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/exchanges/{id}/agreement/signatures": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Sign the proposed version (or `hash`) as this node's signer with its key and send the signature; the exchange starts when every signature is held. 409 when this signer already signed */
        post: operations["signAgreement"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/exchanges/{id}/agreement/status": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Where the agreement of an exchange stands: the proposed version, who signed, who is awaited */
        get: operations["getAgreementStatus"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/exchanges/{id}/lists": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Every version of the exchange’s lists (our/their request/offer), hash-chained */
        get: operations["listListVersions"];
        put?: never;
        /** A new version of one of the exchange’s lists from nominations; refused while the latest version of that list is unsigned */
        post: operations["createListVersion"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/exchanges/{id}/lists/{versionId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One list version with its entries: nomination (registry person or the counterpart’s record verbatim), flags, match with score and explanation, eligibility, latest response */
        get: operations["getListVersion"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/exchanges/{id}/lists/{versionId}/responses": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Record answers per entry to a signed list version (accepted, rejected, not held, …) */
        post: operations["respondToList"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/exchanges/{id}/lists/{versionId}/sign": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Sign (freeze) a list version: its hash goes into the transparency log as list.signed; 409 when already signed */
        post: operations["signListVersion"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/exchanges/{id}/lists/diff": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** What changed between two list versions, person by person */
        get: operations["diffListVersions"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/exchanges/{id}/lists/import": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Import the counterpart’s list from a CSV or XLSX file (raw body; columns as `homeward match` plus optional category and person_category) as a background job: 202 with the job id. The job matches the rows against the registry, flags them, stores the new version and puts the match candidates in the review queue; GET /api/jobs/:id reports the outcome (IMPORT_REJECTED lists every bad row by line and column, and nothing is written). 413 past the upload limit. */
        post: operations["importList"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/exchanges/{id}/reports/dossier": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The dispute dossier for the mediator: open discrepancies, unjustified warnings, refusals, ineligible or unverified lines, hashes to check */
        get: operations["getDisputeDossier"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/exchanges/{id}/reports/progress": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The agreement progress report: targets vs cumulative handed over, per stage */
        get: operations["getProgressReport"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/exchanges/{id}/reports/reconciliation": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The daily reconciliation report (date: YYYY-MM-DD, default the latest stage’s date): planned vs presented vs handed over per direction × category, pending, discrepancies, warnings with justification codes */
        get: operations["getReconciliationReport"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/exchanges/{id}/stages": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Plan a stage: date, crossing point, counts by receiving party and agreement category (event stage.planned). 422 for an unknown category or direction */
        post: operations["planStage"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/exchanges/{id}/stages/{stageId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The live stage board in one answer: the reconciliation and every active manifest line with its current handover record (names only as the person projection allows) */
        get: operations["getStageBoard"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/exchanges/{id}/stages/{stageId}/act": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The stage handover act: printable HTML or PDF in the reader’s language (lang, Accept-Language; bilingual uk/en when neither names one) with lists per direction (names as the person projection allows), counts by category, discrepancies, exceptions, substitutions, warnings and signature blocks with the confirmation hashes */
        get: operations["getStageAct"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/exchanges/{id}/stages/{stageId}/confirmations": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Sign the stage confirmation (event stage.confirmation_signed) as this node’s party over the reconciliation hash. Refused with 422 (not reconciled, unjustified warnings, already signed), 409 (the stage changed since the given hash) or 404 */
        post: operations["signConfirmation"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/exchanges/{id}/stages/{stageId}/handovers": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Record one person’s handover outcome (identity check, willingness, fitness, crossing time, discrepancies). Refused by the domain with 422 (inconsistent record, stage not in progress, off manifest, refused repatriation), 409 (line already recorded, double handover) or 404 (no such stage or line) */
        post: operations["recordHandover"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/exchanges/{id}/stages/{stageId}/justifications": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Justify one stage warning (event breach.justified) with a justification code and a note, as this node’s party. Refused with 404 (no such stage or warning), 409 (already justified, or a confirmation is signed) or 422 */
        post: operations["justifyWarning"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/exchanges/{id}/stages/{stageId}/manifests": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Propose the next manifest version (lines: person reference, receiving party, category, reserve, outside the exchange, eligibility); a version after a locked one needs reasons. Returns the hash both parties sign */
        post: operations["proposeManifest"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/exchanges/{id}/stages/{stageId}/manifests/{version}/signatures": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Sign a manifest version as this node's party (Ed25519, over its hash); send the hash you were shown (409 if it differs). The manifest locks when both parties have signed it */
        post: operations["signManifest"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/exchanges/{id}/stages/{stageId}/reconcile": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Reconcile a stage (event stage.reconciled): refused with 422 while an active line has no handover record or when the stage is not in progress, 404 for no such stage */
        post: operations["reconcileStage"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/exchanges/{id}/stages/{stageId}/start": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Start a stage whose manifest is locked (event stage.started); the board then takes handovers */
        post: operations["startStage"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/exchanges/{id}/stages/{stageId}/substitutions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Substitutions proposed for the stage and awaiting a party’s approval, and the unused reserve lines a substitution may bring in */
        get: operations["listSubstitutions"];
        put?: never;
        /** Propose replacing an active line by an unused reserve line of the same direction, approved by this node’s party and sent to the other party for its approval. Refused with 422/404 as the stage would refuse it */
        post: operations["proposeSubstitution"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/exchanges/{id}/substitutions/{substitutionId}/approvals": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Approve a proposed substitution as this node’s party; with both approvals it is recorded in the stage and shared. 409 when this party approved already */
        post: operations["approveSubstitution"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/exports/persons": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Export the registry (no restricted fields; formula cells neutralised) */
        get: operations["exportPersons"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/health": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Liveness and database reachability */
        get: operations["getHealth"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/imports/persons": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Import persons from a CSV or XLSX file (raw body) as a background job: 202 with the job id; GET /api/jobs/:id reports progress and the outcome (counts, or IMPORT_REJECTED with every bad row by line and column: then nothing was written). 413 past the upload limit. */
        post: operations["importPersons"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/jobs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The caller’s recent background jobs, newest first */
        get: operations["listJobs"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/jobs/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A background job: state (queued, running, succeeded, failed), progress (phase, done of total) and outcome (result, or error with every bad row by line and column). Readable by whoever may start that kind of job; another organisation’s job answers 404. */
        get: operations["getJob"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/matches": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Match candidates to review, best score first: duplicate pairs of the registry and counterpart list rows with their registry candidates, each with score, band and explanation */
        get: operations["listMatches"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/matches/{id}/decision": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Confirm (the same person) or reject a candidate. Final: a second decision answers 409 CONFLICT. Audited; nothing is merged. */
        post: operations["decideMatch"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/matches/dedup": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Look for duplicate candidates in the registry as a background job (202 with the job id); they go to the review queue; nothing is merged */
        post: operations["startDedup"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/meta": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Code lists and transition tables for clients */
        get: operations["getMeta"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/peer/packages": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Deliver a signed package (raw body, application/vnd.homeward.package+json); accepted in sequence and logged */
        post: operations["deliverPackage"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/persons": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Search the registry by name (any script, transliteration, Russian or Ukrainian form, typos), birth year, category and fate status. Persons the matching engine found come first, best first, with `match` (score in [0,1], band, explanation field by field); persons whose names merely start with the typed words follow without it. */
        get: operations["listPersons"];
        put?: never;
        /** Register a person */
        post: operations["createPerson"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/persons/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One person as the caller may see them (restricted fields only for allowed roles; such reads are audited) */
        get: operations["getPerson"];
        /** Replace a person’s details; `version` must be the one you read (409 CONFLICT otherwise) */
        put: operations["updatePerson"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/persons/{id}/audit": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Audit trail of this person’s record (auditors, coordinators) */
        get: operations["listPersonAudit"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/persons/{id}/status-events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Status history, newest first */
        get: operations["listStatusEvents"];
        put?: never;
        /** Record a status event (checked against the transition table; 422 FORBIDDEN_TRANSITION otherwise) */
        post: operations["recordStatusEvent"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/public/bulletin": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Public, no sign-in: the latest published bulletin of this node (counts with their metric definitions, cumulative totals, small cells withheld, no names) with everything `homeward bulletin verify` needs; 404 when none is published */
        get: operations["getPublicBulletin"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/public/bulletin.json": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Public, no sign-in: the latest published bulletin as the file `homeward bulletin verify` checks (the `verifiable` member of GET /api/public/bulletin), served as a download (bulletin.json); the bulletin page links here so that the file is these exact bytes; 404 when none is published */
        get: operations["getPublicBulletinFile"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/session": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The signed-in user and CSRF token */
        get: operations["getSession"];
        put?: never;
        /** Sign in; sets an HttpOnly SameSite=Strict session cookie and returns the CSRF token. Repeated failures are answered 429 THROTTLED with Retry-After (README, Security) */
        post: operations["signIn"];
        /** Sign out */
        delete: operations["signOut"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/tokens": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Create an API token for yourself (shown once) */
        post: operations["createApiToken"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/users": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List accounts (admin) */
        get: operations["listUsers"];
        put?: never;
        /** Create an account (admin) */
        post: operations["createUser"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/users/{username}/disable": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Disable an account and end its sessions and tokens (admin) */
        post: operations["disableUser"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/log/checkpoint": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The latest signed checkpoint (C2SP tlog-checkpoint note) with collected cosignatures
         * @description text/plain; charset=utf-8. Header x-homeward-final says whether the checkpoint has the quorum of witness cosignatures. 404 while the log is empty.
         */
        get: operations["getLogCheckpoint"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/log/keys": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * the node's key and the chain of its key rotation notes
         * @description origin, the current verifier key, and every rotation note in order (C2SP signed notes, each signed by the old key and the new one). A verifier that pinned an earlier key follows the notes from it; checkpoints up to a note's log size verify with its old key.
         */
        get: operations["getLogKeys"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/log/proof/consistency": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** RFC 6962 consistency proof from the tree of size `from` to the tree of size `to` */
        get: operations["getLogConsistencyProof"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/log/proof/inclusion": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** RFC 6962 inclusion proof of entry `index` in the tree of `size` (default: latest checkpoint) */
        get: operations["getLogInclusionProof"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/log/status": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Latest checkpoint size, the witnesses that cosigned it and whether it is final (quorum) */
        get: operations["getLogStatus"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/log/tile/{tilePath}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * C2SP tlog-tiles hash tile tile/<L>/<N>[.p/<W>] or entry bundle tile/entries/<N>[.p/<W>]
         * @description application/octet-stream. Full tiles are immutable; a tile the current tree does not have yet is 404.
         */
        get: operations["getLogTile"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/log/witness/add-checkpoint": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * C2SP tlog-witness v1 add-checkpoint: cosign a checkpoint of a log this node witnesses
         * @description Body: "old <size>\n", consistency proof lines (base64), an empty line, the signed checkpoint. 200: cosignature line(s) (text/plain). 404 unknown log, 403 not signed by its key, 400 malformed or old size beyond the checkpoint, 409 old size is not the recorded one (body: recorded size, text/x.tlog.size) or same size with another root, 422 bad consistency proof.
         */
        post: operations["addWitnessCheckpoint"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/log/witness/latest/{origin}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * the latest checkpoint this node cosigned as a witness for a log
         * @description Path: the log's origin, percent-encoded. 200: the checkpoint as the log signed it, then this witness's cosignature line (text/plain), for `homeward log audit --witness` to compare with the log. 404 when this node does not witness that log or has cosigned nothing of it yet.
         */
        get: operations["getWitnessedCheckpoint"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
};
export type webhooks = Record<string, never>;
export type components = {
    schemas: never;
    responses: {
        /** @description An error: {"error":{"code","message","details"}}; the code says what went wrong. */
        Error: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": {
                    error: {
                        code: string;
                        /** @description What the code needs said: field issues, rejected rows, limits. */
                        details?: {
                            /** @description VALIDATION_FAILED: each invalid field of the request */
                            issues?: {
                                message: string;
                                path: string;
                            }[];
                            /** @description IMPORT_REJECTED: every bad row of the file (src/io/row-error.ts) */
                            rows?: {
                                code: string;
                                column: string | null;
                                /** @description 1-based line or spreadsheet row; 0: the whole file */
                                line: number;
                                message: string;
                                /** @description parameters of the code's translated message (catalogue msg.row.<code>) */
                                params?: {
                                    [key: string]: string | number;
                                };
                                /** @description character position within the line */
                                position?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                        message: string;
                    };
                };
            };
        };
    };
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
};
export type $defs = Record<string, never>;
export interface operations {
    getNodeIdentity: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            "4XX": components["responses"]["Error"];
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        algorithm: "Ed25519";
                        /** @description C2SP signed-note key id, hex */
                        keyId: string;
                        name: string;
                        /** @description the party or mediator id this node acts as in agreements; null until set (homeward init --party) */
                        party: string | null;
                        /** @description raw 32-byte key, base64 */
                        publicKey: string;
                        /** @description C2SP note verifier key: name+hexid+base64 */
                        verifierKey: string;
                    };
                };
            };
        };
    };
    listPendingAgreements: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            "4XX": components["responses"]["Error"];
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            agreementHash: string;
                            agreementId: string;
                            awaiting: string[];
                            canSign: boolean;
                            exchangeId: string;
                            ownSigner: string | null;
                            proposedBy: string;
                            signed: {
                                role: string;
                                signedAt: string;
                                signer: string;
                            }[];
                            /** @description the exchange runs under this version (every signature held) */
                            started: boolean;
                            title: string;
                            version: number;
                        }[];
                    };
                };
            };
        };
    };
    proposeAgreement: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    agreement: {
                        [key: string]: unknown;
                    };
                    exchangeId: string;
                };
            };
        };
        responses: {
            "4XX": components["responses"]["Error"];
            /** @description Default Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        agreementHash: string;
                        agreementId: string;
                        awaiting: string[];
                        exchangeId: string;
                        proposedBy: string;
                        signed: {
                            role: string;
                            signedAt: string;
                            signer: string;
                        }[];
                        /** @description the exchange runs under this version (every signature held) */
                        started: boolean;
                        title: string;
                        version: number;
                    };
                };
            };
        };
    };
    listExchanges: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            "4XX": components["responses"]["Error"];
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            agreement: {
                                id: string;
                                ordinal: number | null;
                                title: string;
                                version: number;
                            };
                            createdAt: string;
                            events: number;
                            id: string;
                            parties: string[];
                            stages: {
                                crossingPoint: string;
                                date: string;
                                stageId: string;
                                /** @enum {string} */
                                status: "planned" | "manifest_locked" | "in_progress" | "reconciled" | "confirmed" | "cancelled";
                            }[];
                        }[];
                    };
                };
            };
        };
    };
    getExchange: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            "4XX": components["responses"]["Error"];
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        agreement: {
                            id: string;
                            ordinal: number | null;
                            title: string;
                            version: number;
                        };
                        events: number;
                        id: string;
                        parties: string[];
                        stages: {
                            crossingPoint: string;
                            date: string;
                            reconciliation: {
                                cells: {
                                    category: string;
                                    direction: string;
                                    discrepancies: {
                                        [key: string]: number;
                                    };
                                    handedOver: number;
                                    notHandedOver: number;
                                    onManifest: number;
                                    outsideExchange: number;
                                    pending: number;
                                    planned: number;
                                    presented: number;
                                }[];
                                exceptions: number;
                                stageId: string;
                                substitutionChains: string[][];
                                totals: {
                                    [key: string]: {
                                        discrepancies: {
                                            [key: string]: number;
                                        };
                                        handedOver: number;
                                        notHandedOver: number;
                                        onManifest: number;
                                        outsideExchange: number;
                                        pending: number;
                                        planned: number;
                                        presented: number;
                                    };
                                };
                            };
                            stageId: string;
                            /** @enum {string} */
                            status: "planned" | "manifest_locked" | "in_progress" | "reconciled" | "confirmed" | "cancelled";
                        }[];
                    };
                };
            };
        };
    };
    getAgreement: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            "4XX": components["responses"]["Error"];
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        actingAs: {
                            /** @enum {string} */
                            basis: "node_setting" | "demo_node";
                            id: string;
                            name: string;
                            /** @enum {string} */
                            role: "party" | "mediator";
                        } | null;
                        amendmentReason: string | null;
                        categories: {
                            /** @enum {string} */
                            class: "military" | "civilian";
                            id: string;
                            label: string;
                            /** @description the category predicate as readable text */
                            predicate: string;
                            /** @description the predicate text as message codes (catalogue msg.predicate.*), rendered one by one and joined */
                            predicateParts: {
                                /** @enum {string} */
                                code: "msg.predicate.age_between" | "msg.predicate.age_exact" | "msg.predicate.age_max" | "msg.predicate.age_min" | "msg.predicate.and" | "msg.predicate.anyone" | "msg.predicate.category" | "msg.predicate.citizenship" | "msg.predicate.civilian" | "msg.predicate.close" | "msg.predicate.comma" | "msg.predicate.country" | "msg.predicate.health_medical" | "msg.predicate.health_recorded" | "msg.predicate.not" | "msg.predicate.open" | "msg.predicate.or" | "msg.predicate.sex" | "msg.predicate.sex_value" | "msg.predicate.status" | "msg.predicate.status_value";
                                params: {
                                    [key: string]: string | number;
                                };
                            }[];
                            /** @enum {string} */
                            subject: "persons" | "remains";
                        }[];
                        concludedAt: string;
                        conditions: {
                            code: string;
                            text: string;
                        }[];
                        exchangeId: string;
                        hash: string;
                        id: string;
                        inForce: boolean;
                        mediators: {
                            id: string;
                            name: string;
                        }[];
                        orderingRules: {
                            after: string | null;
                            first: string;
                            id: string;
                            scope: string;
                        }[];
                        ordinal: number | null;
                        parties: {
                            id: string;
                            name: string;
                        }[];
                        place: string;
                        progress: {
                            cumulative: {
                                category: string;
                                direction: string;
                                handedOver: number;
                            }[];
                            stages: {
                                date: string;
                                handedOver: {
                                    [key: string]: number;
                                };
                                stageId: string;
                                /** @enum {string} */
                                status: "planned" | "manifest_locked" | "in_progress" | "reconciled" | "confirmed" | "cancelled";
                            }[];
                        };
                        ratioRules: ({
                            category: string | null;
                            id: string;
                            /** @enum {string} */
                            kind: "ratio";
                            scope: string;
                            shares: {
                                [key: string]: number;
                            };
                        } | {
                            category: string;
                            id: string;
                            /** @enum {string} */
                            kind: "all_for_all";
                        })[];
                        releasingParty: string | null;
                        requiredSigners: {
                            name: string;
                            /** @enum {string} */
                            role: "party" | "mediator";
                            signed: boolean;
                            signer: string;
                        }[];
                        signatures: {
                            coversHash: boolean;
                            keyId: string;
                            /** @enum {string} */
                            role: "party" | "mediator";
                            signedAt: string;
                            signer: string;
                            signerName: string;
                        }[];
                        supersedes: string | null;
                        targets: {
                            category: string | null;
                            count: number;
                            direction: string;
                            handedOver: number;
                            remaining: number;
                        }[];
                        title: string;
                        /** @enum {string} */
                        type: "numeric" | "all_for_all" | "unilateral" | "remains";
                        version: number;
                        warnings: {
                            /** @enum {string} */
                            code: "msg.warning.planned_count" | "msg.warning.ratio" | "msg.warning.all_for_all" | "msg.warning.category_breach" | "msg.warning.category_unverified" | "msg.warning.ordering" | "msg.warning.target" | "msg.warning.target_category";
                            id: string;
                            /** @enum {string} */
                            kind: "planned_count" | "ratio" | "all_for_all" | "category_breach" | "category_unverified" | "ordering" | "target";
                            message: string;
                            params: {
                                [key: string]: string | number;
                            };
                        }[];
                    };
                };
            };
        };
    };
    signAgreement: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    hash?: string;
                };
            };
        };
        responses: {
            "4XX": components["responses"]["Error"];
            /** @description Default Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        agreementHash: string;
                        agreementId: string;
                        awaiting: string[];
                        exchangeId: string;
                        proposedBy: string;
                        signed: {
                            role: string;
                            signedAt: string;
                            signer: string;
                        }[];
                        /** @description the exchange runs under this version (every signature held) */
                        started: boolean;
                        title: string;
                        version: number;
                    };
                };
            };
        };
    };
    getAgreementStatus: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            "4XX": components["responses"]["Error"];
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        agreementHash: string;
                        agreementId: string;
                        awaiting: string[];
                        exchangeId: string;
                        proposedBy: string;
                        signed: {
                            role: string;
                            signedAt: string;
                            signer: string;
                        }[];
                        /** @description the exchange runs under this version (every signature held) */
                        started: boolean;
                        title: string;
                        version: number;
                    };
                };
            };
        };
    };
    listListVersions: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            "4XX": components["responses"]["Error"];
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            createdAt: string;
                            createdBy: string | null;
                            entryCount: number;
                            exchangeId: string;
                            id: string;
                            /** @enum {string} */
                            kind: "our_request" | "our_offer" | "their_request" | "their_offer";
                            logIndex: number | null;
                            owner: string;
                            parentHash: string | null;
                            signed: boolean;
                            signedAt: string | null;
                            sourceFileSha256: string | null;
                            version: number;
                            versionHash: string;
                        }[];
                    };
                };
            };
        };
    };
    createListVersion: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    entries: {
                        category: string;
                        /** @default [] */
                        evidence?: string[];
                        id: string;
                        /** @default false */
                        reserve?: boolean;
                        subject: {
                            /** @enum {string} */
                            kind: "registry";
                            personId: string;
                        } | {
                            /** @enum {string} */
                            kind: "counterpart";
                            record: {
                                fields: {
                                    [key: string]: string;
                                };
                                source: {
                                    fileSha256: string;
                                    row: number;
                                };
                            };
                        };
                        /** @default null */
                        substitutionOf?: string | null;
                    }[];
                    /** @enum {string} */
                    kind: "our_request" | "our_offer" | "their_request" | "their_offer";
                };
            };
        };
        responses: {
            "4XX": components["responses"]["Error"];
            /** @description Default Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        createdAt: string;
                        createdBy: string | null;
                        entryCount: number;
                        exchangeId: string;
                        id: string;
                        /** @enum {string} */
                        kind: "our_request" | "our_offer" | "their_request" | "their_offer";
                        logIndex: number | null;
                        owner: string;
                        parentHash: string | null;
                        signed: boolean;
                        signedAt: string | null;
                        sourceFileSha256: string | null;
                        version: number;
                        versionHash: string;
                    };
                };
            };
        };
    };
    getListVersion: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                versionId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            "4XX": components["responses"]["Error"];
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        createdAt: string;
                        createdBy: string | null;
                        entries: {
                            claimedCategory: string | null;
                            duplicateOf: number | null;
                            eligibility: {
                                reason: string;
                                /** @enum {string} */
                                value: "true" | "false" | "unknown";
                            } | null;
                            flags: ("matched" | "ambiguous" | "unknown" | "already_released" | "ineligible_for_category" | "eligibility_unknown" | "duplicate_within_list" | "impossible_date")[];
                            key: string;
                            match: ({
                                /** @enum {string} */
                                band: "likely" | "possible";
                                explanation: string;
                                /** @enum {string} */
                                kind: "matched";
                                personId: string;
                                score: number;
                            } | {
                                candidates: {
                                    personId: string;
                                    score: number;
                                }[];
                                /** @enum {string} */
                                kind: "ambiguous";
                            } | {
                                /** @enum {string} */
                                kind: "none";
                            }) | null;
                            nomination: {
                                category: string;
                                /** @default [] */
                                evidence: string[];
                                id: string;
                                /** @default false */
                                reserve: boolean;
                                subject: {
                                    /** @enum {string} */
                                    kind: "registry";
                                    personId: string;
                                } | {
                                    /** @enum {string} */
                                    kind: "counterpart";
                                    record: {
                                        fields: {
                                            [key: string]: string;
                                        };
                                        source: {
                                            fileSha256: string;
                                            row: number;
                                        };
                                    };
                                };
                                /** @default null */
                                substitutionOf: string | null;
                            };
                            ord: number;
                            personId: string | null;
                            recordHash: string | null;
                            registryName: string | null;
                            /** @enum {string|null} */
                            response: "accepted" | "rejected" | "not_held" | "already_released" | "deceased" | "refuses" | "unknown" | null;
                        }[];
                        entryCount: number;
                        exchangeId: string;
                        flagCounts: {
                            already_released: number;
                            ambiguous: number;
                            duplicate_within_list: number;
                            eligibility_unknown: number;
                            impossible_date: number;
                            ineligible_for_category: number;
                            matched: number;
                            unknown: number;
                        };
                        id: string;
                        /** @enum {string} */
                        kind: "our_request" | "our_offer" | "their_request" | "their_offer";
                        logIndex: number | null;
                        owner: string;
                        parentHash: string | null;
                        signed: boolean;
                        signedAt: string | null;
                        sourceFileSha256: string | null;
                        version: number;
                        versionHash: string;
                    };
                };
            };
        };
    };
    respondToList: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                versionId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    entries: {
                        nominationId: string;
                        note?: string | null;
                        /** @enum {string} */
                        response: "accepted" | "rejected" | "not_held" | "already_released" | "deceased" | "refuses" | "unknown";
                    }[];
                    responder: string;
                };
            };
        };
        responses: {
            "4XX": components["responses"]["Error"];
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        recorded: number;
                        responses: {
                            [key: string]: "accepted" | "rejected" | "not_held" | "already_released" | "deceased" | "refuses" | "unknown";
                        };
                    };
                };
            };
        };
    };
    signListVersion: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                versionId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            "4XX": components["responses"]["Error"];
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        createdAt: string;
                        createdBy: string | null;
                        entryCount: number;
                        exchangeId: string;
                        id: string;
                        /** @enum {string} */
                        kind: "our_request" | "our_offer" | "their_request" | "their_offer";
                        logIndex: number | null;
                        owner: string;
                        parentHash: string | null;
                        signed: boolean;
                        signedAt: string | null;
                        sourceFileSha256: string | null;
                        version: number;
                        versionHash: string;
                    };
                };
            };
        };
    };
    diffListVersions: {
        parameters: {
            query: {
                from: string;
                to: string;
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            "4XX": components["responses"]["Error"];
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        diff: {
                            added: unknown[];
                            changed: {
                                after: unknown;
                                before: unknown;
                                fields: string[];
                                key: string;
                            }[];
                            removed: unknown[];
                            unchanged: number;
                        };
                        from: {
                            createdAt: string;
                            createdBy: string | null;
                            entryCount: number;
                            exchangeId: string;
                            id: string;
                            /** @enum {string} */
                            kind: "our_request" | "our_offer" | "their_request" | "their_offer";
                            logIndex: number | null;
                            owner: string;
                            parentHash: string | null;
                            signed: boolean;
                            signedAt: string | null;
                            sourceFileSha256: string | null;
                            version: number;
                            versionHash: string;
                        };
                        to: {
                            createdAt: string;
                            createdBy: string | null;
                            entryCount: number;
                            exchangeId: string;
                            id: string;
                            /** @enum {string} */
                            kind: "our_request" | "our_offer" | "their_request" | "their_offer";
                            logIndex: number | null;
                            owner: string;
                            parentHash: string | null;
                            signed: boolean;
                            signedAt: string | null;
                            sourceFileSha256: string | null;
                            version: number;
                            versionHash: string;
                        };
                    };
                };
            };
        };
    };
    importList: {
        parameters: {
            query?: {
                filename?: string;
                kind?: "their_offer" | "their_request";
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        /** @description the file: CSV or XLSX */
        requestBody: {
            content: {
                "application/octet-stream": Blob;
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": Blob;
                "text/csv": Blob;
                "text/plain": Blob;
            };
        };
        responses: {
            "4XX": components["responses"]["Error"];
            /** @description Default Response */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        jobId: string;
                    };
                };
            };
        };
    };
    getDisputeDossier: {
        parameters: {
            query?: {
                date?: string;
                format?: "html" | "pdf";
                /** @description the reader’s language; default: from Accept-Language, else bilingual Ukrainian | English */
                lang?: "uk" | "en" | "ru";
                /** @description time zone for times in a one-language report (default UTC) */
                tz?: string;
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            "4XX": components["responses"]["Error"];
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    getProgressReport: {
        parameters: {
            query?: {
                date?: string;
                format?: "html" | "pdf";
                /** @description the reader’s language; default: from Accept-Language, else bilingual Ukrainian | English */
                lang?: "uk" | "en" | "ru";
                /** @description time zone for times in a one-language report (default UTC) */
                tz?: string;
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            "4XX": components["responses"]["Error"];
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    getReconciliationReport: {
        parameters: {
            query?: {
                date?: string;
                format?: "html" | "pdf";
                /** @description the reader’s language; default: from Accept-Language, else bilingual Ukrainian | English */
                lang?: "uk" | "en" | "ru";
                /** @description time zone for times in a one-language report (default UTC) */
                tz?: string;
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            "4XX": components["responses"]["Error"];
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    planStage: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    crossingPoint: string;
                    date: string;
                    planned: {
                        category: string;
                        count: number;
                        direction: string;
                    }[];
                    stageId: string;
                };
            };
        };
        responses: {
            "4XX": components["responses"]["Error"];
            /** @description Default Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        seq: number;
                        stageId: string;
                        status: string;
                    };
                };
            };
        };
    };
    getStageBoard: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                stageId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            "4XX": components["responses"]["Error"];
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        actingAs: {
                            /** @enum {string} */
                            basis: "node_setting" | "demo_node";
                            id: string;
                            name: string;
                            /** @enum {string} */
                            role: "party" | "mediator";
                        } | null;
                        confirmations: {
                            keyId: string;
                            /** @enum {string} */
                            role: "party" | "mediator";
                            signedAt: string;
                            signer: string;
                        }[];
                        crossingPoint: string;
                        date: string;
                        exceptions: {
                            approvedBy: string[];
                            category: string;
                            direction: string;
                            entryId: string;
                            id: string;
                            outsideExchange: boolean;
                            reason: string;
                        }[];
                        exchangeId: string;
                        lines: {
                            category: string;
                            direction: string;
                            entryId: string;
                            name: string | null;
                            outsideExchange: boolean;
                            personRef: string;
                            record: {
                                crossedAt: string | null;
                                discrepancies: string[];
                                fitness: string;
                                id: string;
                                identity: string | null;
                                /** @enum {string} */
                                outcome: "handed_over" | "not_handed_over";
                                recordedAt: string;
                                willingness: string;
                            } | null;
                        }[];
                        manifestVersion: number | null;
                        partyNames: {
                            [key: string]: string;
                        };
                        reconciliation: {
                            cells: {
                                category: string;
                                direction: string;
                                discrepancies: {
                                    [key: string]: number;
                                };
                                handedOver: number;
                                notHandedOver: number;
                                onManifest: number;
                                outsideExchange: number;
                                pending: number;
                                planned: number;
                                presented: number;
                            }[];
                            exceptions: number;
                            stageId: string;
                            substitutionChains: string[][];
                            totals: {
                                [key: string]: {
                                    discrepancies: {
                                        [key: string]: number;
                                    };
                                    handedOver: number;
                                    notHandedOver: number;
                                    onManifest: number;
                                    outsideExchange: number;
                                    pending: number;
                                    planned: number;
                                    presented: number;
                                };
                            };
                        };
                        reconciliationHash: string | null;
                        seq: number;
                        signers: {
                            mediators: {
                                id: string;
                                name: string;
                            }[];
                            parties: {
                                id: string;
                                name: string;
                            }[];
                        };
                        stageId: string;
                        /** @enum {string} */
                        status: "planned" | "manifest_locked" | "in_progress" | "reconciled" | "confirmed" | "cancelled";
                        substitutions: {
                            approvedBy: string[];
                            by: string;
                            id: string;
                            reason: string;
                            replaces: string;
                        }[];
                        warnings: {
                            /** @enum {string} */
                            code: "msg.warning.planned_count" | "msg.warning.ratio" | "msg.warning.all_for_all" | "msg.warning.category_breach" | "msg.warning.category_unverified" | "msg.warning.ordering" | "msg.warning.target" | "msg.warning.target_category";
                            id: string;
                            justification: {
                                by: string;
                                /** @enum {string} */
                                code: "refusal_at_crossing" | "medical_hold" | "unfit_to_travel" | "not_presented" | "wrong_person_presented" | "counterpart_breach" | "released_outside_exchange" | "legal_hold" | "deceased" | "category_dispute_accepted" | "agreed_by_parties" | "mediator_decision" | "security_incident";
                                note: string | null;
                            } | null;
                            /** @enum {string} */
                            kind: "planned_count" | "ratio" | "all_for_all" | "category_breach" | "category_unverified" | "ordering" | "target";
                            message: string;
                            params: {
                                [key: string]: string | number;
                            };
                        }[];
                    };
                };
            };
        };
    };
    getStageAct: {
        parameters: {
            query?: {
                format?: "html" | "pdf";
                /** @description the reader’s language; default: from Accept-Language, else bilingual Ukrainian | English */
                lang?: "uk" | "en" | "ru";
                /** @description time zone for times in a one-language report (default UTC) */
                tz?: string;
            };
            header?: never;
            path: {
                id: string;
                stageId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            "4XX": components["responses"]["Error"];
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    signConfirmation: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                stageId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    reconciliationHash?: string;
                };
            };
        };
        responses: {
            "4XX": components["responses"]["Error"];
            /** @description Default Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        reconciliationHash: string;
                        seq: number;
                        stageId: string;
                        /** @enum {string} */
                        status: "planned" | "manifest_locked" | "in_progress" | "reconciled" | "confirmed" | "cancelled";
                    };
                };
            };
        };
    };
    recordHandover: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                stageId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    crossedAt: string | null;
                    discrepancies: ("wrong_person_presented" | "not_presented" | "refused_at_crossing" | "unfit" | "legal_hold" | "deceased" | "already_released" | "identity_inconclusive" | "off_manifest")[];
                    entryId: string;
                    /** @enum {string} */
                    fitness: "fit" | "fit_with_escort" | "unfit" | "not_assessed";
                    id?: string;
                    identityCheck: {
                        /** @enum {string} */
                        method: "document" | "biometric" | "photo" | "qr_token" | "interview" | "visual";
                        /** @enum {string} */
                        result: "confirmed" | "mismatch" | "inconclusive";
                    } | null;
                    /** @enum {string} */
                    outcome: "handed_over" | "not_handed_over";
                    receivedBy?: string | null;
                    supersedes?: string | null;
                    /** @enum {string} */
                    willingness: "willing" | "refuses" | "not_asked";
                };
            };
        };
        responses: {
            "4XX": components["responses"]["Error"];
            /** @description Default Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        reconciliation: {
                            cells: {
                                category: string;
                                direction: string;
                                discrepancies: {
                                    [key: string]: number;
                                };
                                handedOver: number;
                                notHandedOver: number;
                                onManifest: number;
                                outsideExchange: number;
                                pending: number;
                                planned: number;
                                presented: number;
                            }[];
                            exceptions: number;
                            stageId: string;
                            substitutionChains: string[][];
                            totals: {
                                [key: string]: {
                                    discrepancies: {
                                        [key: string]: number;
                                    };
                                    handedOver: number;
                                    notHandedOver: number;
                                    onManifest: number;
                                    outsideExchange: number;
                                    pending: number;
                                    planned: number;
                                    presented: number;
                                };
                            };
                        };
                        recordId: string;
                        seq: number;
                    };
                };
            };
        };
    };
    justifyWarning: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                stageId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @enum {string} */
                    code: "refusal_at_crossing" | "medical_hold" | "unfit_to_travel" | "not_presented" | "wrong_person_presented" | "counterpart_breach" | "released_outside_exchange" | "legal_hold" | "deceased" | "category_dispute_accepted" | "agreed_by_parties" | "mediator_decision" | "security_incident";
                    note?: string | null;
                    warningId: string;
                };
            };
        };
        responses: {
            "4XX": components["responses"]["Error"];
            /** @description Default Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        seq: number;
                        stageId: string;
                        /** @enum {string} */
                        status: "planned" | "manifest_locked" | "in_progress" | "reconciled" | "confirmed" | "cancelled";
                    };
                };
            };
        };
    };
    proposeManifest: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                stageId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    entries: {
                        [key: string]: unknown;
                    }[];
                    reasons?: string | null;
                };
            };
        };
        responses: {
            "4XX": components["responses"]["Error"];
            /** @description Default Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        manifestHash: string;
                        seq: number;
                        stageId: string;
                        status: string;
                        version: number;
                    };
                };
            };
        };
    };
    signManifest: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                stageId: string;
                version: number;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    manifestHash?: string;
                };
            };
        };
        responses: {
            "4XX": components["responses"]["Error"];
            /** @description Default Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        manifestHash: string;
                        seq: number;
                        stageId: string;
                        status: string;
                    };
                };
            };
        };
    };
    reconcileStage: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                stageId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            "4XX": components["responses"]["Error"];
            /** @description Default Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        seq: number;
                        stageId: string;
                        /** @enum {string} */
                        status: "planned" | "manifest_locked" | "in_progress" | "reconciled" | "confirmed" | "cancelled";
                    };
                };
            };
        };
    };
    startStage: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                stageId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            "4XX": components["responses"]["Error"];
            /** @description Default Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        seq: number;
                        stageId: string;
                        status: string;
                    };
                };
            };
        };
    };
    listSubstitutions: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                stageId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            "4XX": components["responses"]["Error"];
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        pending: {
                            approvalHash: string;
                            approvedBy: string[];
                            awaiting: string[];
                            by: string;
                            /** @description this node's party may approve it now */
                            canApprove: boolean;
                            proposedBy: string;
                            reason: string;
                            replaces: string;
                            stageId: string;
                            substitutionId: string;
                        }[];
                        reserve: {
                            category: string;
                            direction: string;
                            entryId: string;
                        }[];
                    };
                };
            };
        };
    };
    proposeSubstitution: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                stageId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    by: string;
                    reason: ("wrong_person_presented" | "not_presented" | "refused_at_crossing" | "unfit" | "legal_hold" | "deceased" | "already_released" | "identity_inconclusive" | "off_manifest") | ("withdrawn" | "counterpart_request");
                    replaces: string;
                };
            };
        };
        responses: {
            "4XX": components["responses"]["Error"];
            /** @description Default Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        approvalHash: string;
                        approvedBy: string[];
                        awaiting: string[];
                        by: string;
                        /** @description this node's party may approve it now */
                        canApprove: boolean;
                        proposedBy: string;
                        reason: string;
                        replaces: string;
                        stageId: string;
                        substitutionId: string;
                    };
                };
            };
        };
    };
    approveSubstitution: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                substitutionId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            "4XX": components["responses"]["Error"];
            /** @description Default Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        recorded: boolean;
                    };
                };
            };
        };
    };
    exportPersons: {
        parameters: {
            query?: {
                format?: "csv" | "xlsx";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            "4XX": components["responses"]["Error"];
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    getHealth: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            "4XX": components["responses"]["Error"];
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        database: "pglite" | "postgres";
                        node: string;
                        /** @enum {string} */
                        status: "ok";
                    };
                };
            };
        };
    };
    importPersons: {
        parameters: {
            query?: {
                filename?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** @description the file: CSV or XLSX */
        requestBody: {
            content: {
                "application/octet-stream": Blob;
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": Blob;
                "text/csv": Blob;
                "text/plain": Blob;
            };
        };
        responses: {
            "4XX": components["responses"]["Error"];
            /** @description Default Response */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        jobId: string;
                    };
                };
            };
        };
    };
    listJobs: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            "4XX": components["responses"]["Error"];
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            createdAt: string;
                            createdBy: string;
                            done: number;
                            error: {
                                code: string;
                                details?: {
                                    [key: string]: unknown;
                                };
                                message: string;
                            } | null;
                            finishedAt: string | null;
                            id: string;
                            /** @enum {string} */
                            kind: "person_import" | "list_import" | "dedup";
                            phase: string | null;
                            result: ({
                                created: number;
                                total: number;
                                unchanged: number;
                                updated: number;
                            } | {
                                entryCount: number;
                                exchangeId: string;
                                flagCounts: {
                                    already_released: number;
                                    ambiguous: number;
                                    duplicate_within_list: number;
                                    eligibility_unknown: number;
                                    impossible_date: number;
                                    ineligible_for_category: number;
                                    matched: number;
                                    unknown: number;
                                };
                                /** @enum {string} */
                                kind: "our_request" | "our_offer" | "their_request" | "their_offer";
                                queued: number;
                                version: number;
                                versionId: string;
                            } | {
                                pairs: number;
                                queued: number;
                                registrySize: number;
                            }) | null;
                            startedAt: string | null;
                            /** @enum {string} */
                            state: "queued" | "running" | "succeeded" | "failed";
                            total: number | null;
                        }[];
                    };
                };
            };
        };
    };
    getJob: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            "4XX": components["responses"]["Error"];
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        createdAt: string;
                        createdBy: string;
                        done: number;
                        error: {
                            code: string;
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        } | null;
                        finishedAt: string | null;
                        id: string;
                        /** @enum {string} */
                        kind: "person_import" | "list_import" | "dedup";
                        phase: string | null;
                        result: ({
                            created: number;
                            total: number;
                            unchanged: number;
                            updated: number;
                        } | {
                            entryCount: number;
                            exchangeId: string;
                            flagCounts: {
                                already_released: number;
                                ambiguous: number;
                                duplicate_within_list: number;
                                eligibility_unknown: number;
                                impossible_date: number;
                                ineligible_for_category: number;
                                matched: number;
                                unknown: number;
                            };
                            /** @enum {string} */
                            kind: "our_request" | "our_offer" | "their_request" | "their_offer";
                            queued: number;
                            version: number;
                            versionId: string;
                        } | {
                            pairs: number;
                            queued: number;
                            registrySize: number;
                        }) | null;
                        startedAt: string | null;
                        /** @enum {string} */
                        state: "queued" | "running" | "succeeded" | "failed";
                        total: number | null;
                    };
                };
            };
        };
    };
    listMatches: {
        parameters: {
            query?: {
                kind?: "duplicate" | "list";
                limit?: number;
                offset?: number;
                status?: "pending" | "confirmed" | "rejected";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            "4XX": components["responses"]["Error"];
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        hasMore: boolean;
                        items: {
                            /** @enum {string} */
                            band: "likely" | "possible";
                            createdAt: string;
                            createdBy: string;
                            decidedAt: string | null;
                            decidedBy: string | null;
                            explanation: string;
                            fields: {
                                field: string;
                                level: string;
                                weight: number;
                            }[];
                            id: string;
                            /** @enum {string} */
                            kind: "duplicate" | "list";
                            note: string | null;
                            otherPerson: {
                                birth: {
                                    date: string;
                                    /** @enum {string} */
                                    precision: "day" | "month" | "year" | "approximate";
                                } | null;
                                birthPlace?: string | null;
                                category: string | null;
                                citizenships?: string[];
                                createdAt: string;
                                displayName: string;
                                externalRefs?: {
                                    system: string;
                                    value: string;
                                }[];
                                id: string;
                                military?: {
                                    branch?: string | null;
                                    rank?: string | null;
                                    serviceNumber?: string | null;
                                    unit?: string | null;
                                } | null;
                                names: {
                                    family: string;
                                    given: string | null;
                                    lang: string;
                                    patronymic: string | null;
                                    raw: string | null;
                                    scheme: string | null;
                                    /** @enum {string} */
                                    script: "Cyrl" | "Latn" | "other";
                                    source: string | null;
                                }[];
                                /** @enum {string} */
                                sex?: "male" | "female" | "unknown";
                                status: {
                                    exchange: string;
                                    fate: string;
                                    legal: string;
                                };
                                updatedAt: string;
                                version: number;
                            } | null;
                            person: {
                                birth: {
                                    date: string;
                                    /** @enum {string} */
                                    precision: "day" | "month" | "year" | "approximate";
                                } | null;
                                birthPlace?: string | null;
                                category: string | null;
                                citizenships?: string[];
                                createdAt: string;
                                displayName: string;
                                externalRefs?: {
                                    system: string;
                                    value: string;
                                }[];
                                id: string;
                                military?: {
                                    branch?: string | null;
                                    rank?: string | null;
                                    serviceNumber?: string | null;
                                    unit?: string | null;
                                } | null;
                                names: {
                                    family: string;
                                    given: string | null;
                                    lang: string;
                                    patronymic: string | null;
                                    raw: string | null;
                                    scheme: string | null;
                                    /** @enum {string} */
                                    script: "Cyrl" | "Latn" | "other";
                                    source: string | null;
                                }[];
                                /** @enum {string} */
                                sex?: "male" | "female" | "unknown";
                                status: {
                                    exchange: string;
                                    fate: string;
                                    legal: string;
                                };
                                updatedAt: string;
                                version: number;
                            } | null;
                            score: number;
                            source: string | null;
                            /** @enum {string} */
                            status: "pending" | "confirmed" | "rejected";
                            subject: {
                                birthDate?: string | null;
                                birthPlace?: string | null;
                                listId: string;
                                names: {
                                    family?: string | null;
                                    given?: string | null;
                                    patronymic?: string | null;
                                }[];
                                serviceNumber?: string | null;
                                unit?: string | null;
                            } | null;
                        }[];
                    };
                };
            };
        };
    };
    decideMatch: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @enum {string} */
                    decision: "confirm" | "reject";
                    note?: string;
                };
            };
        };
        responses: {
            "4XX": components["responses"]["Error"];
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        band: "likely" | "possible";
                        createdAt: string;
                        createdBy: string;
                        decidedAt: string | null;
                        decidedBy: string | null;
                        explanation: string;
                        fields: {
                            field: string;
                            level: string;
                            weight: number;
                        }[];
                        id: string;
                        /** @enum {string} */
                        kind: "duplicate" | "list";
                        note: string | null;
                        otherPerson: {
                            birth: {
                                date: string;
                                /** @enum {string} */
                                precision: "day" | "month" | "year" | "approximate";
                            } | null;
                            birthPlace?: string | null;
                            category: string | null;
                            citizenships?: string[];
                            createdAt: string;
                            displayName: string;
                            externalRefs?: {
                                system: string;
                                value: string;
                            }[];
                            id: string;
                            military?: {
                                branch?: string | null;
                                rank?: string | null;
                                serviceNumber?: string | null;
                                unit?: string | null;
                            } | null;
                            names: {
                                family: string;
                                given: string | null;
                                lang: string;
                                patronymic: string | null;
                                raw: string | null;
                                scheme: string | null;
                                /** @enum {string} */
                                script: "Cyrl" | "Latn" | "other";
                                source: string | null;
                            }[];
                            /** @enum {string} */
                            sex?: "male" | "female" | "unknown";
                            status: {
                                exchange: string;
                                fate: string;
                                legal: string;
                            };
                            updatedAt: string;
                            version: number;
                        } | null;
                        person: {
                            birth: {
                                date: string;
                                /** @enum {string} */
                                precision: "day" | "month" | "year" | "approximate";
                            } | null;
                            birthPlace?: string | null;
                            category: string | null;
                            citizenships?: string[];
                            createdAt: string;
                            displayName: string;
                            externalRefs?: {
                                system: string;
                                value: string;
                            }[];
                            id: string;
                            military?: {
                                branch?: string | null;
                                rank?: string | null;
                                serviceNumber?: string | null;
                                unit?: string | null;
                            } | null;
                            names: {
                                family: string;
                                given: string | null;
                                lang: string;
                                patronymic: string | null;
                                raw: string | null;
                                scheme: string | null;
                                /** @enum {string} */
                                script: "Cyrl" | "Latn" | "other";
                                source: string | null;
                            }[];
                            /** @enum {string} */
                            sex?: "male" | "female" | "unknown";
                            status: {
                                exchange: string;
                                fate: string;
                                legal: string;
                            };
                            updatedAt: string;
                            version: number;
                        } | null;
                        score: number;
                        source: string | null;
                        /** @enum {string} */
                        status: "pending" | "confirmed" | "rejected";
                        subject: {
                            birthDate?: string | null;
                            birthPlace?: string | null;
                            listId: string;
                            names: {
                                family?: string | null;
                                given?: string | null;
                                patronymic?: string | null;
                            }[];
                            serviceNumber?: string | null;
                            unit?: string | null;
                        } | null;
                    };
                };
            };
        };
    };
    startDedup: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @default true */
                    likelyOnly?: boolean;
                };
            };
        };
        responses: {
            "4XX": components["responses"]["Error"];
            /** @description Default Response */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        jobId: string;
                    };
                };
            };
        };
    };
    getMeta: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            "4XX": components["responses"]["Error"];
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        categories: string[];
                        demo: boolean;
                        dimensions: {
                            exchange: string[];
                            fate: string[];
                            legal: string[];
                        };
                        roles: string[];
                        scripts: string[];
                        sexes: string[];
                        sourceTypes: string[];
                        transitions: {
                            exchange: {
                                [key: string]: string[];
                            };
                            fate: {
                                [key: string]: string[];
                            };
                            legal: {
                                [key: string]: string[];
                            };
                        };
                        verificationLevels: string[];
                    };
                };
            };
        };
    };
    deliverPackage: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            "4XX": components["responses"]["Error"];
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @description true when this exact package had been accepted before */
                        alreadyAccepted: boolean;
                        /** @description what this node did with the content, after accepting the package: applied (e.g. its exchange events admitted), kept (stored, read where needed), refused (authentic and logged, but its content broke a rule: code and message), or pending (to be retried) */
                        application: {
                            code: string | null;
                            message: string | null;
                            /** @enum {string} */
                            status: "applied" | "refused" | "kept" | "pending";
                        };
                        /** @description package hash (SHA-256 of the canonical header), base64 */
                        hash: string;
                        /** @description index of the package's commitment in this node's log */
                        logIndex: number;
                        sequence: number;
                    };
                };
            };
        };
    };
    listPersons: {
        parameters: {
            query?: {
                birthYear?: number;
                category?: "servicemember" | "civilian_internee" | "detained_civilian" | "child" | "foreign_national";
                limit?: number;
                offset?: number;
                q?: string;
                status?: "none" | "missing" | "capture_reported" | "in_custody_confirmed" | "held_pending_proceedings" | "released_in_exchange" | "released_outside_exchange" | "released_unilaterally" | "interned_neutral_country" | "returned_in_care" | "reunited" | "located_alive" | "declined_repatriation" | "recaptured" | "deceased" | "remains_repatriated" | "identified" | "handed_to_family";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            "4XX": components["responses"]["Error"];
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        hasMore: boolean;
                        items: {
                            birth: {
                                date: string;
                                /** @enum {string} */
                                precision: "day" | "month" | "year" | "approximate";
                            } | null;
                            birthPlace?: string | null;
                            category: string | null;
                            citizenships?: string[];
                            createdAt: string;
                            displayName: string;
                            externalRefs?: {
                                system: string;
                                value: string;
                            }[];
                            id: string;
                            match?: {
                                /** @enum {string} */
                                band: "likely" | "possible";
                                explanation: string;
                                fields: {
                                    field: string;
                                    level: string;
                                    weight: number;
                                }[];
                                score: number;
                            };
                            military?: {
                                branch?: string | null;
                                rank?: string | null;
                                serviceNumber?: string | null;
                                unit?: string | null;
                            } | null;
                            names: {
                                family: string;
                                given: string | null;
                                lang: string;
                                patronymic: string | null;
                                raw: string | null;
                                scheme: string | null;
                                /** @enum {string} */
                                script: "Cyrl" | "Latn" | "other";
                                source: string | null;
                            }[];
                            /** @enum {string} */
                            sex?: "male" | "female" | "unknown";
                            status: {
                                exchange: string;
                                fate: string;
                                legal: string;
                            };
                            updatedAt: string;
                            version: number;
                        }[];
                    };
                };
            };
        };
    };
    createPerson: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    birth?: {
                        date: string;
                        /** @enum {string} */
                        precision: "day" | "month" | "year" | "approximate";
                    } | null;
                    birthPlace?: string | null;
                    /** @enum {string|null} */
                    category?: "servicemember" | "civilian_internee" | "detained_civilian" | "child" | "foreign_national" | null;
                    /** @default [] */
                    citizenships?: string[];
                    contacts?: {
                        email?: string | null;
                        name: string;
                        phone?: string | null;
                        relation?: string | null;
                    }[] | null;
                    /** @default [] */
                    externalRefs?: {
                        system: string;
                        value: string;
                    }[];
                    health?: {
                        determination?: string | null;
                        flag: string;
                    }[] | null;
                    marks?: string | null;
                    military?: {
                        branch?: string | null;
                        rank?: string | null;
                        serviceNumber?: string | null;
                        unit?: string | null;
                    } | null;
                    names: {
                        family: string;
                        given?: string | null;
                        lang: string;
                        patronymic?: string | null;
                        raw?: string | null;
                        scheme?: string | null;
                        /** @enum {string} */
                        script: "Cyrl" | "Latn" | "other";
                        source?: string | null;
                    }[];
                    photos?: {
                        caption?: string | null;
                        sha256: string;
                    }[] | null;
                    /**
                     * @default unknown
                     * @enum {string}
                     */
                    sex?: "male" | "female" | "unknown";
                };
            };
        };
        responses: {
            "4XX": components["responses"]["Error"];
            /** @description Default Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        birth: {
                            date: string;
                            /** @enum {string} */
                            precision: "day" | "month" | "year" | "approximate";
                        } | null;
                        birthPlace?: string | null;
                        category: string | null;
                        citizenships?: string[];
                        contacts?: {
                            email?: string | null;
                            name: string;
                            phone?: string | null;
                            relation?: string | null;
                        }[] | null;
                        createdAt: string;
                        displayName: string;
                        externalRefs?: {
                            system: string;
                            value: string;
                        }[];
                        health?: {
                            determination?: string | null;
                            flag: string;
                        }[] | null;
                        id: string;
                        marks?: string | null;
                        military?: {
                            branch?: string | null;
                            rank?: string | null;
                            serviceNumber?: string | null;
                            unit?: string | null;
                        } | null;
                        names: {
                            family: string;
                            given: string | null;
                            lang: string;
                            patronymic: string | null;
                            raw: string | null;
                            scheme: string | null;
                            /** @enum {string} */
                            script: "Cyrl" | "Latn" | "other";
                            source: string | null;
                        }[];
                        photos?: {
                            caption?: string | null;
                            sha256: string;
                        }[] | null;
                        /** @enum {string} */
                        sex?: "male" | "female" | "unknown";
                        status: {
                            exchange: string;
                            fate: string;
                            legal: string;
                        };
                        updatedAt: string;
                        version: number;
                    };
                };
            };
        };
    };
    getPerson: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            "4XX": components["responses"]["Error"];
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        birth: {
                            date: string;
                            /** @enum {string} */
                            precision: "day" | "month" | "year" | "approximate";
                        } | null;
                        birthPlace?: string | null;
                        category: string | null;
                        citizenships?: string[];
                        contacts?: {
                            email?: string | null;
                            name: string;
                            phone?: string | null;
                            relation?: string | null;
                        }[] | null;
                        createdAt: string;
                        displayName: string;
                        externalRefs?: {
                            system: string;
                            value: string;
                        }[];
                        health?: {
                            determination?: string | null;
                            flag: string;
                        }[] | null;
                        id: string;
                        marks?: string | null;
                        military?: {
                            branch?: string | null;
                            rank?: string | null;
                            serviceNumber?: string | null;
                            unit?: string | null;
                        } | null;
                        names: {
                            family: string;
                            given: string | null;
                            lang: string;
                            patronymic: string | null;
                            raw: string | null;
                            scheme: string | null;
                            /** @enum {string} */
                            script: "Cyrl" | "Latn" | "other";
                            source: string | null;
                        }[];
                        photos?: {
                            caption?: string | null;
                            sha256: string;
                        }[] | null;
                        /** @enum {string} */
                        sex?: "male" | "female" | "unknown";
                        status: {
                            exchange: string;
                            fate: string;
                            legal: string;
                        };
                        updatedAt: string;
                        version: number;
                    };
                };
            };
        };
    };
    updatePerson: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    birth?: {
                        date: string;
                        /** @enum {string} */
                        precision: "day" | "month" | "year" | "approximate";
                    } | null;
                    birthPlace?: string | null;
                    /** @enum {string|null} */
                    category?: "servicemember" | "civilian_internee" | "detained_civilian" | "child" | "foreign_national" | null;
                    /** @default [] */
                    citizenships?: string[];
                    contacts?: {
                        email?: string | null;
                        name: string;
                        phone?: string | null;
                        relation?: string | null;
                    }[] | null;
                    /** @default [] */
                    externalRefs?: {
                        system: string;
                        value: string;
                    }[];
                    health?: {
                        determination?: string | null;
                        flag: string;
                    }[] | null;
                    marks?: string | null;
                    military?: {
                        branch?: string | null;
                        rank?: string | null;
                        serviceNumber?: string | null;
                        unit?: string | null;
                    } | null;
                    names: {
                        family: string;
                        given?: string | null;
                        lang: string;
                        patronymic?: string | null;
                        raw?: string | null;
                        scheme?: string | null;
                        /** @enum {string} */
                        script: "Cyrl" | "Latn" | "other";
                        source?: string | null;
                    }[];
                    photos?: {
                        caption?: string | null;
                        sha256: string;
                    }[] | null;
                    /**
                     * @default unknown
                     * @enum {string}
                     */
                    sex?: "male" | "female" | "unknown";
                    version: number;
                };
            };
        };
        responses: {
            "4XX": components["responses"]["Error"];
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        birth: {
                            date: string;
                            /** @enum {string} */
                            precision: "day" | "month" | "year" | "approximate";
                        } | null;
                        birthPlace?: string | null;
                        category: string | null;
                        citizenships?: string[];
                        contacts?: {
                            email?: string | null;
                            name: string;
                            phone?: string | null;
                            relation?: string | null;
                        }[] | null;
                        createdAt: string;
                        displayName: string;
                        externalRefs?: {
                            system: string;
                            value: string;
                        }[];
                        health?: {
                            determination?: string | null;
                            flag: string;
                        }[] | null;
                        id: string;
                        marks?: string | null;
                        military?: {
                            branch?: string | null;
                            rank?: string | null;
                            serviceNumber?: string | null;
                            unit?: string | null;
                        } | null;
                        names: {
                            family: string;
                            given: string | null;
                            lang: string;
                            patronymic: string | null;
                            raw: string | null;
                            scheme: string | null;
                            /** @enum {string} */
                            script: "Cyrl" | "Latn" | "other";
                            source: string | null;
                        }[];
                        photos?: {
                            caption?: string | null;
                            sha256: string;
                        }[] | null;
                        /** @enum {string} */
                        sex?: "male" | "female" | "unknown";
                        status: {
                            exchange: string;
                            fate: string;
                            legal: string;
                        };
                        updatedAt: string;
                        version: number;
                    };
                };
            };
        };
    };
    listPersonAudit: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            "4XX": components["responses"]["Error"];
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            action: string;
                            actor: string | null;
                            /**
                             * @description user, operator (at the node’s shell), node (system work) or peer; null before recorded
                             * @enum {string|null}
                             */
                            actorKind: "user" | "operator" | "node" | "peer" | null;
                            at: string;
                            detail: {
                                [key: string]: unknown;
                            };
                            id: string;
                        }[];
                    };
                };
            };
        };
    };
    listStatusEvents: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            "4XX": components["responses"]["Error"];
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            dimension: string;
                            id: string;
                            note: string | null;
                            occurredAt: string;
                            recordedAt: string;
                            recordedBy: string | null;
                            sourceRef: string | null;
                            sourceType: string;
                            supersedes: string | null;
                            value: string;
                            verification: string;
                        }[];
                    };
                };
            };
        };
    };
    recordStatusEvent: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @enum {string} */
                    dimension: "fate" | "exchange" | "legal";
                    note?: string | null;
                    occurredAt: string;
                    sourceRef?: string | null;
                    /** @enum {string} */
                    sourceType: "family_report" | "testimony" | "video" | "open_source" | "counterpart_list" | "icrc_notification" | "returnee_debrief" | "forensic_report" | "official_document" | "handover_record";
                    /** Format: uuid */
                    supersedes?: string | null;
                    value: string;
                    /** @enum {string} */
                    verification: "claim" | "testimony" | "open_source" | "counterpart_stated" | "icrc_confirmed" | "documentary";
                };
            };
        };
        responses: {
            "4XX": components["responses"]["Error"];
            /** @description Default Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        dimension: string;
                        id: string;
                        note: string | null;
                        occurredAt: string;
                        recordedAt: string;
                        recordedBy: string | null;
                        sourceRef: string | null;
                        sourceType: string;
                        supersedes: string | null;
                        value: string;
                        verification: string;
                    };
                };
            };
        };
    };
    getPublicBulletin: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            "4XX": components["responses"]["Error"];
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @description true on a demo node: the other party, the mediator and the witness are simulated with demo-… keys, so `bulletin verify` passes only against keys nobody else holds */
                        demo: boolean;
                        exchangeId: string;
                        publishedAt: string;
                        verifiable: {
                            agreementSignatures: string[];
                            bulletin: {
                                agreement: {
                                    hash: string;
                                    id: string;
                                    ordinal: number | null;
                                    parties: {
                                        id: string;
                                        name: string;
                                    }[];
                                    title: string;
                                    version: number;
                                };
                                cumulative: {
                                    metric: {
                                        /** @enum {string} */
                                        class: "military" | "civilian" | "all";
                                        direction: string;
                                        /** @enum {string} */
                                        exchange: "in" | "outside";
                                        /** @enum {string} */
                                        subject: "persons" | "remains";
                                    };
                                    value: number | null;
                                }[];
                                definitions: {
                                    [key: string]: string;
                                };
                                /** @enum {string} */
                                format: "homeward/bulletin/v1";
                                stages: {
                                    cells: {
                                        metric: {
                                            /** @enum {string} */
                                            class: "military" | "civilian" | "all";
                                            direction: string;
                                            /** @enum {string} */
                                            exchange: "in" | "outside";
                                            /** @enum {string} */
                                            subject: "persons" | "remains";
                                        };
                                        value: number | null;
                                    }[];
                                    commitment: string;
                                    confirmation: string;
                                    date: string;
                                    records: number;
                                    stageId: string;
                                }[];
                                threshold: number;
                            };
                            confirmations: {
                                packages: string[];
                                stageId: string;
                            }[];
                            disclosures: {
                                leaves: {
                                    /** @enum {string} */
                                    class: "military" | "civilian" | "withheld";
                                    direction: string;
                                    /** @enum {string} */
                                    exchange: "in" | "outside";
                                    salt: string;
                                    /** @enum {string} */
                                    subject: "persons" | "remains";
                                }[];
                                stageId: string;
                            }[];
                            /** @enum {string} */
                            format: "homeward/verifiable-bulletin/v1";
                            log: {
                                key: string;
                                proof: string;
                                quorum: number;
                                rotations?: string[];
                                witnesses: {
                                    key: string;
                                    name: string;
                                }[];
                            };
                            signers: {
                                id: string;
                                key: string;
                                /** @enum {string} */
                                role: "party" | "mediator";
                            }[];
                        };
                    };
                };
            };
        };
    };
    getPublicBulletinFile: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            "4XX": components["responses"]["Error"];
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    getSession: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            "4XX": components["responses"]["Error"];
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        csrfToken: string;
                        user: {
                            createdAt: string;
                            disabled: boolean;
                            displayName: string;
                            id: string;
                            permissions: string[];
                            roles: string[];
                            username: string;
                        };
                    };
                };
            };
        };
    };
    signIn: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    password: string;
                    username: string;
                };
            };
        };
        responses: {
            "4XX": components["responses"]["Error"];
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        csrfToken: string;
                        user: {
                            createdAt: string;
                            disabled: boolean;
                            displayName: string;
                            id: string;
                            permissions: string[];
                            roles: string[];
                            username: string;
                        };
                    };
                };
            };
        };
    };
    signOut: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            "4XX": components["responses"]["Error"];
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    createApiToken: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    name: string;
                    ttlDays?: number;
                };
            };
        };
        responses: {
            "4XX": components["responses"]["Error"];
            /** @description Default Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        token: string;
                    };
                };
            };
        };
    };
    listUsers: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            "4XX": components["responses"]["Error"];
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            createdAt: string;
                            disabled: boolean;
                            displayName: string;
                            id: string;
                            roles: string[];
                            username: string;
                        }[];
                    };
                };
            };
        };
    };
    createUser: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    displayName?: string;
                    password: string;
                    roles: ("admin" | "coordinator" | "list_officer" | "identity_analyst" | "field_officer" | "case_worker" | "communications_officer" | "auditor" | "mediator")[];
                    username: string;
                };
            };
        };
        responses: {
            "4XX": components["responses"]["Error"];
            /** @description Default Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        createdAt: string;
                        disabled: boolean;
                        displayName: string;
                        id: string;
                        roles: string[];
                        username: string;
                    };
                };
            };
        };
    };
    disableUser: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                username: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            "4XX": components["responses"]["Error"];
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        createdAt: string;
                        disabled: boolean;
                        displayName: string;
                        id: string;
                        roles: string[];
                        username: string;
                    };
                };
            };
        };
    };
    getLogCheckpoint: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            "4XX": components["responses"]["Error"];
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    getLogKeys: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            "4XX": components["responses"]["Error"];
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        current: string;
                        origin: string;
                        rotations: string[];
                    };
                };
            };
        };
    };
    getLogConsistencyProof: {
        parameters: {
            query: {
                /** @description decimal, 0..2^53 */
                from: string;
                /** @description decimal, 0..2^53 */
                to: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        from: number;
                        proof: string[];
                        to: number;
                    };
                };
            };
            /** @description Default Response */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            code: string;
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
        };
    };
    getLogInclusionProof: {
        parameters: {
            query: {
                /** @description decimal, 0..2^53 */
                index: string;
                /** @description decimal, 0..2^53 */
                size?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        index: number;
                        /** @description SHA-256 hash, base64 */
                        leafHash: string;
                        proof: string[];
                        size: number;
                    };
                };
            };
            /** @description Default Response */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            code: string;
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
        };
    };
    getLogStatus: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            "4XX": components["responses"]["Error"];
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        cosigned_by: string[];
                        final: boolean;
                        /** @description size of the latest final checkpoint */
                        final_size: number | null;
                        origin: string | null;
                        quorum: number;
                        size: number;
                        witnesses: string[];
                    };
                };
            };
        };
    };
    getLogTile: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description the rest of the tile path after tile/: <L>/<N>[.p/<W>] or entries/<N>[.p/<W>] (contains slashes) */
                tilePath: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            "4XX": components["responses"]["Error"];
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    addWitnessCheckpoint: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            "4XX": components["responses"]["Error"];
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    getWitnessedCheckpoint: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description the log's origin, percent-encoded */
                origin: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            "4XX": components["responses"]["Error"];
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
}
